using Akka.Actor;

namespace LvsHa.Director.Metrics;

/// <summary>Turns the actors' events (MetricsEvents.cs) from the EventStream into Prometheus metrics.</summary>
public sealed class MetricsListener : ReceiveActor
{
    /// <summary>The event types the listener subscribes to.</summary>
    public static readonly IReadOnlyList<Type> EventTypes =
        [typeof(VrrpStateTransition), typeof(HealthCheckObserved), typeof(IpvsOperationReported), typeof(ConfigReloadObserved)];

    /// <summary>Creates the listener.</summary>
    public MetricsListener(DirectorMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Receive<VrrpStateTransition>(metrics.Record);
        Receive<HealthCheckObserved>(metrics.Record);
        Receive<IpvsOperationReported>(metrics.Record);
        Receive<ConfigReloadObserved>(metrics.Record);
    }

    /// <summary>Props of the listener.</summary>
    public static Props PropsFor(DirectorMetrics metrics) => Props.Create(() => new MetricsListener(metrics));
}
