using System.Globalization;
using System.Net.Sockets;
using System.Reflection;
using LvsHa.Netlink.Ipvs;
using Prometheus;

namespace LvsHa.Director.Metrics;

/// <summary>
/// The director's Prometheus metrics on a registry of its own (never prometheus-net's static default, so tests and
/// several directors in one process do not collide). Counters of events (VRRP transitions, check attempts, IPVS
/// operations) are fed by <see cref="MetricsListener"/>; the current state (VRRP state and priority, real-server
/// health and weight, kernel IPVS counters) is read from <see cref="IMetricsSource"/> at every scrape, so it is what
/// `lvsha status` and ipvsadm would show at that moment.
/// </summary>
public sealed class DirectorMetrics
{
    /// <summary>VRRP states every instance reports a 0/1 series for (keepalived's spelling).</summary>
    public static readonly IReadOnlyList<string> VrrpStates = ["INIT", "BACKUP", "MASTER", "FAULT", "STOP"];

    private static readonly double[] CheckBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly IMetricsSource? source;
    private readonly Lock applying = new();
    private readonly ScrapeSeries current = new();

    private readonly Gauge vrrpState;
    private readonly Gauge vrrpPriority;
    private readonly Counter vrrpTransitions;
    private readonly Counter vrrpAdvertsSent;
    private readonly Counter vrrpAdvertsAccepted;
    private readonly Counter vrrpAdvertsRejected;
    private readonly Gauge clusterMajority;
    private readonly Gauge clusterReachable;
    private readonly Gauge clusterDirectors;
    private readonly Gauge realServerUp;
    private readonly Gauge realServerWeight;
    private readonly Gauge realServerInPool;
    private readonly Gauge quorumUp;
    private readonly Gauge bgpRouteAnnounced;
    private readonly Gauge bgpSessionEstablished;
    private readonly Histogram checkDuration;
    private readonly Counter checks;
    private readonly Counter ipvsOperations;
    private readonly Counter driftRepairs;
    private readonly Counter serviceConnections;
    private readonly Counter servicePackets;
    private readonly Counter serviceBytes;
    private readonly Counter destinationConnections;
    private readonly Counter destinationPackets;
    private readonly Counter destinationBytes;
    private readonly Gauge destinationActive;
    private readonly Gauge destinationInactive;
    private readonly Gauge destinationWeight;
    private readonly Gauge sourceUp;
    private readonly Counter reloads;
    private readonly Gauge lastReloadSuccessful;

    /// <summary>Creates the metrics; <paramref name="source"/> is read before every scrape (null: events only).</summary>
    public DirectorMetrics(IMetricsSource? source = null)
    {
        this.source = source;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);

        vrrpState = factory.CreateGauge("lvsha_vrrp_instance_state", "1 for the state the vrrp instance is in, 0 for the others (as lvsha status shows it).", "vrrp_instance", "state");
        vrrpPriority = factory.CreateGauge("lvsha_vrrp_instance_priority", "Effective priority of the vrrp instance (configured priority adjusted by trackers).", "vrrp_instance");
        vrrpTransitions = factory.CreateCounter("lvsha_vrrp_instance_transitions_total", "State changes of the vrrp instance.", "vrrp_instance", "from", "to");
        vrrpAdvertsSent = factory.CreateCounter("lvsha_vrrp_adverts_sent_total", "Adverts the vrrp instance sent.", "vrrp_instance");
        vrrpAdvertsAccepted = factory.CreateCounter("lvsha_vrrp_adverts_accepted_total", "Authenticated adverts the vrrp instance received.", "vrrp_instance");
        vrrpAdvertsRejected = factory.CreateCounter("lvsha_vrrp_adverts_rejected_total", "Adverts dropped (bad HMAC, replay, clock skew, wrong router).", "vrrp_instance");
        bgpRouteAnnounced = factory.CreateGauge("lvsha_bgp_route_announced", "1 while this director announces the route of an announce bgp VIP, 0 while it withdraws it (no usable real server, drained, no majority).", "route");
        bgpSessionEstablished = factory.CreateGauge("lvsha_bgp_session_established", "1 while the BGP session with the neighbor is Established.", "neighbor");
        clusterMajority = factory.CreateGauge("lvsha_cluster_has_majority", "1 while this director sees a majority of the directors.");
        clusterReachable = factory.CreateGauge("lvsha_cluster_reachable_directors", "Voting directors this director can reach, itself included.");
        clusterDirectors = factory.CreateGauge("lvsha_cluster_directors", "Voting directors the majority is counted against.");
        realServerUp = factory.CreateGauge("lvsha_real_server_up", "1 while the real server passes its health checks.", "virtual_service", "real_server");
        realServerWeight = factory.CreateGauge("lvsha_real_server_weight", "Current weight of the real server (0 when down with inhibit_on_failure).", "virtual_service", "real_server");
        realServerInPool = factory.CreateGauge("lvsha_real_server_in_pool", "1 while the real server is in the IPVS pool.", "virtual_service", "real_server");
        quorumUp = factory.CreateGauge("lvsha_virtual_service_quorum_up", "1 while the virtual service has its quorum of live real servers.", "virtual_service");
        checkDuration = factory.CreateHistogram("lvsha_health_check_duration_seconds", "Time one health check attempt took, by checker type.", ["checker"],
            new HistogramConfiguration { Buckets = CheckBuckets });
        checks = factory.CreateCounter("lvsha_health_checks_total", "Health check attempts by result.", "virtual_service", "real_server", "checker", "result");
        ipvsOperations = factory.CreateCounter("lvsha_ipvs_operations_total", "IPVS operations the reconciler sent, by kind, object, trigger and kernel answer.", "operation", "object", "trigger", "result");
        driftRepairs = factory.CreateCounter("lvsha_ipvs_drift_repairs_total", "IPVS changes made behind LvsHa's back that the drift repair put right.");
        serviceConnections = factory.CreateCounter("lvsha_ipvs_service_connections_total", "Connections the kernel scheduled for the IPVS service.", "service");
        servicePackets = factory.CreateCounter("lvsha_ipvs_service_packets_total", "Packets of the IPVS service.", "service", "direction");
        serviceBytes = factory.CreateCounter("lvsha_ipvs_service_bytes_total", "Bytes of the IPVS service.", "service", "direction");
        destinationConnections = factory.CreateCounter("lvsha_ipvs_real_server_connections_total", "Connections the kernel scheduled to the real server.", "service", "real_server");
        destinationPackets = factory.CreateCounter("lvsha_ipvs_real_server_packets_total", "Packets to/from the real server.", "service", "real_server", "direction");
        destinationBytes = factory.CreateCounter("lvsha_ipvs_real_server_bytes_total", "Bytes to/from the real server.", "service", "real_server", "direction");
        destinationActive = factory.CreateGauge("lvsha_ipvs_real_server_active_connections", "Active connections (ipvsadm ActiveConn).", "service", "real_server");
        destinationInactive = factory.CreateGauge("lvsha_ipvs_real_server_inactive_connections", "Inactive connections (ipvsadm InActConn).", "service", "real_server");
        destinationWeight = factory.CreateGauge("lvsha_ipvs_real_server_weight", "Weight of the real server in the kernel.", "service", "real_server");
        sourceUp = factory.CreateGauge("lvsha_metrics_source_up", "1 when the last scrape could read the source (vrrp, health, ipvs).", "source");
        reloads = factory.CreateCounter("lvsha_config_reloads_total", "Reloads (SIGHUP, lvsha reload) by result: applied, or refused (the running configuration stayed).", "result");
        lastReloadSuccessful = factory.CreateGauge("lvsha_config_last_reload_successful", "0 after a refused reload (the file on disk is not what runs) until one is applied; 1 otherwise.");
        lastReloadSuccessful.Set(1);
        factory.CreateGauge("lvsha_build_info", "1, labelled with the version of the running lvsha.", "version").WithLabels(Version).Set(1);
        // process_cpu_seconds_total, process_resident_memory_bytes, open fds, GC counts: what a daemon's cost is watched by.
        DotNetStats.Register(Registry);

        if (source is not null)
        {
            Registry.AddBeforeCollectCallback(RefreshAsync);
        }
    }

    /// <summary>The version lvsha_build_info reports: the informational version (version+commit) of this build.</summary>
    public static string Version { get; } =
        typeof(DirectorMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The registry the metrics live in (what the HTTP endpoint exports).</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Counts a vrrp state change.</summary>
    public void Record(VrrpStateTransition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        vrrpTransitions.WithLabels(transition.Instance, transition.From, transition.To).Inc();
    }

    /// <summary>Counts a reload and remembers whether the last one was applied.</summary>
    public void Record(ConfigReloadObserved reload)
    {
        ArgumentNullException.ThrowIfNull(reload);
        reloads.WithLabels(reload.Applied ? "applied" : "refused").Inc();
        lastReloadSuccessful.Set(reload.Applied ? 1 : 0);
    }

    /// <summary>Counts a health check attempt and its latency.</summary>
    public void Record(HealthCheckObserved check)
    {
        ArgumentNullException.ThrowIfNull(check);
        checkDuration.WithLabels(check.Checker).Observe(check.Latency.TotalSeconds);
        checks.WithLabels(check.VirtualService, Endpoint(check.RealServer.Address, (ushort)check.RealServer.Port), check.Checker, check.Up ? "up" : "down").Inc();
    }

    /// <summary>Counts an IPVS operation and, for a successful drift repair, the repair.</summary>
    public void Record(IpvsOperationReported operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var (kind, target) = IpvsTriggers.Labels(operation.Operation);
        var trigger = IpvsTriggers.Label(operation.Trigger);
        ipvsOperations.WithLabels(kind, target, trigger, operation.Refused ? "refused" : "ok").Inc();
        if (trigger == "drift" && !operation.Refused)
        {
            driftRepairs.Inc();
        }
    }

    /// <summary>Sets the current-state metrics from <paramref name="snapshot"/>; series of objects that are gone are removed.</summary>
    public void Apply(MetricsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        // Concurrent scrapes read in parallel and apply one at a time (the series bookkeeping is not thread-safe).
        lock (applying)
        {
            ApplyLocked(snapshot);
        }
    }

    private void ApplyLocked(MetricsSnapshot snapshot)
    {
        foreach (var (name, ok) in snapshot.Sources)
        {
            sourceUp.WithLabels(name).Set(ok ? 1 : 0);
        }

        if (snapshot.Director is { } director)
        {
            current.Begin("vrrp");
            clusterMajority.Set(director.Quorum.HasMajority ? 1 : 0);
            clusterReachable.Set(director.Quorum.Reachable);
            clusterDirectors.Set(director.Quorum.Total);
            foreach (var instance in director.Instances)
            {
                foreach (var state in VrrpStates.Append(instance.State).Distinct(StringComparer.Ordinal))
                {
                    current.Set("vrrp", vrrpState, [instance.Name, state], state == instance.State ? 1 : 0);
                }

                if (instance.Priority is { } priority)
                {
                    current.Set("vrrp", vrrpPriority, [instance.Name], priority);
                }

                current.Count("vrrp", vrrpAdvertsSent, [instance.Name], instance.AdvertsSent);
                current.Count("vrrp", vrrpAdvertsAccepted, [instance.Name], instance.AdvertsAccepted);
                current.Count("vrrp", vrrpAdvertsRejected, [instance.Name], instance.AdvertsRejected);
            }

            if (director.Bgp is { } bgp)
            {
                foreach (var route in bgp.Forwardable.Union(bgp.Announced))
                {
                    current.Set("vrrp", bgpRouteAnnounced, [route], bgp.Announced.Contains(route) ? 1 : 0);
                }

                foreach (var session in bgp.Sessions)
                {
                    current.Set("vrrp", bgpSessionEstablished, [session.Neighbor], session.State.EndsWith("Established", StringComparison.Ordinal) ? 1 : 0);
                }
            }

            current.End("vrrp");
        }

        if (snapshot.Health is { } health)
        {
            current.Begin("health");
            foreach (var service in health.VirtualServices)
            {
                current.Set("health", quorumUp, [service.Name], service.QuorumUp ? 1 : 0);
                foreach (var realServer in service.RealServers)
                {
                    string[] labels = [service.Name, Endpoint(realServer.RealServer.Address, (ushort)realServer.RealServer.Port)];
                    current.Set("health", realServerUp, labels, realServer.Alive ? 1 : 0);
                    current.Set("health", realServerWeight, labels, realServer.Weight);
                    current.Set("health", realServerInPool, labels, realServer.InPool ? 1 : 0);
                }
            }

            current.End("health");
        }

        if (snapshot.Ipvs is { } ipvs)
        {
            current.Begin("ipvs");
            foreach (var entry in ipvs)
            {
                var service = ServiceLabel(entry.Service.Service.Key);
                CountTraffic("ipvs", entry.Service.Stats, serviceConnections, servicePackets, serviceBytes, [service]);
                foreach (var destination in entry.Destinations)
                {
                    string[] labels = [service, Endpoint(destination.Destination.Address, destination.Destination.Port)];
                    CountTraffic("ipvs", destination.Stats, destinationConnections, destinationPackets, destinationBytes, labels);
                    current.Set("ipvs", destinationActive, labels, destination.ActiveConnections);
                    current.Set("ipvs", destinationInactive, labels, destination.InactiveConnections);
                    current.Set("ipvs", destinationWeight, labels, destination.Destination.Weight);
                }
            }

            current.End("ipvs");
        }
    }

    /// <summary>ipvsadm -Ln's spelling of a service: "TCP 10.0.0.1:80", "UDP [fd00::1]:53", "FWM 7".</summary>
    public static string ServiceLabel(IpvsServiceKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.IsFwmark)
        {
            return key.Family == AddressFamily.InterNetworkV6
                ? string.Create(CultureInfo.InvariantCulture, $"FWM {key.Fwmark} IPv6")
                : string.Create(CultureInfo.InvariantCulture, $"FWM {key.Fwmark}");
        }

        return $"{key.Protocol.ToString().ToUpperInvariant()} {IpvsFormat.Endpoint(key.Address!, key.Port)}";
    }

    private static string Endpoint(System.Net.IPAddress address, ushort port) => IpvsFormat.Endpoint(address, port);

    private void CountTraffic(string group, IpvsStats stats, Counter connections, Counter packets, Counter bytes, string[] labels)
    {
        current.Count(group, connections, labels, stats.Connections);
        current.Count(group, packets, [.. labels, "in"], stats.InPackets);
        current.Count(group, packets, [.. labels, "out"], stats.OutPackets);
        current.Count(group, bytes, [.. labels, "in"], stats.InBytes);
        current.Count(group, bytes, [.. labels, "out"], stats.OutBytes);
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        Apply(await source!.ReadAsync(cancellationToken).ConfigureAwait(false));
    }
}
