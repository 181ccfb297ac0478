using System.Net;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Director.Metrics;

// Small records the director's actors publish on the Akka EventStream. Publishing costs next to nothing when nobody
// listens (metrics_listen not set); the metrics listener turns them into Prometheus metrics. The actors stay
// unaware of Prometheus.

/// <summary>A vrrp instance changed state (published by <c>VrrpInstanceActor</c> after handling an event).</summary>
/// <param name="Instance">vrrp_instance name.</param>
/// <param name="VirtualRouterId">virtual_router_id.</param>
/// <param name="From">State before (keepalived's spelling: MASTER, BACKUP, FAULT, STOP, INIT).</param>
/// <param name="To">State after.</param>
public sealed record VrrpStateTransition(string Instance, int VirtualRouterId, string From, string To);

/// <summary>The kernel answered one IPVS operation the reconciler sent (published by <c>IpvsReconcilerActor</c>).</summary>
/// <param name="Operation">The operation.</param>
/// <param name="Refused">The kernel refused it (the drift repair retries it).</param>
/// <param name="Trigger">What caused it: the reconciler's log EventId name (IpvsStarted, IpvsChanged,
/// IpvsDriftRepaired, IpvsReloaded, IpvsReleased); see <see cref="IpvsTriggers"/>.</param>
public sealed record IpvsOperationReported(IpvsOperation Operation, bool Refused, string Trigger);

/// <summary>A reload (SIGHUP, `lvsha reload`) ended (published by <c>DirectorReloader</c>).</summary>
/// <param name="Applied">False when the new file was refused and the running configuration stayed.</param>
public sealed record ConfigReloadObserved(bool Applied);

/// <summary>One health check attempt finished (published by <see cref="MeasuredHealthCheck"/>).</summary>
/// <param name="VirtualService">The virtual service's health name.</param>
/// <param name="RealServer">The real server checked.</param>
/// <param name="Checker">keepalived's checker block name (TCP_CHECK, HTTP_GET, ...).</param>
/// <param name="Up">Whether the attempt passed.</param>
/// <param name="Latency">How long the attempt took (until it passed, failed or timed out).</param>
public sealed record HealthCheckObserved(string VirtualService, IPEndPoint RealServer, string Checker, bool Up, TimeSpan Latency);

/// <summary>The label values of <see cref="IpvsOperationReported.Trigger"/> and <see cref="IpvsOperation"/> kinds.</summary>
public static class IpvsTriggers
{
    /// <summary>The metric label of a reconciler trigger (its log EventId name).</summary>
    public static string Label(string trigger) => trigger switch
    {
        "IpvsStarted" => "startup",
        "IpvsChanged" => "health",
        "IpvsDriftRepaired" => "drift",
        "IpvsReloaded" => "reload",
        "IpvsReleased" => "stop",
        _ => "other",
    };

    /// <summary>The (kind, object) labels of an operation: add/edit/delete of a service or destination.</summary>
    public static (string Kind, string Target) Labels(IpvsOperation operation) => operation switch
    {
        IpvsOperation.AddService => ("add", "service"),
        IpvsOperation.UpdateService => ("edit", "service"),
        IpvsOperation.DeleteService => ("delete", "service"),
        IpvsOperation.AddDestination => ("add", "destination"),
        IpvsOperation.UpdateDestination => ("edit", "destination"),
        IpvsOperation.DeleteDestination => ("delete", "destination"),
        _ => ("other", "other"),
    };
}
