using System.Collections.Immutable;
using System.Net;
using LvsHa.Config;
using LvsHa.Health.Scheduling;
using LvsHa.Health.State;
using LvsHa.Ipvs;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Director.Lvs;

// Messages of the health-to-kernel part of the daemon (LvsHealthActor, IpvsReconcilerActor).

/// <summary>The decisions one health event produced, in order (health actor -> reconciler).</summary>
public sealed record HealthDecisions(IReadOnlyList<HealthDecision> Decisions);

/// <summary>A new configuration: send it to <see cref="LvsHealthActor"/>, which restarts the checks and forwards it
/// to the reconciler (or to the reconciler alone when health checks run elsewhere).</summary>
public sealed record ReloadConfig(LvsHaConfig Config);

/// <summary>Ask the reconciler before stopping it: removes the managed services unless configured to keep them;
/// answered with <see cref="TableReleased"/>. The reconciler does nothing more afterwards.</summary>
public sealed record ReleaseTable
{
    /// <summary>The message.</summary>
    public static readonly ReleaseTable Instance = new();
}

/// <summary>Answer to <see cref="ReleaseTable"/>.</summary>
/// <param name="Operations">The delete operations sent (empty when the services are kept).</param>
/// <param name="Refused">How many of them the kernel refused.</param>
public sealed record TableReleased(ImmutableArray<IpvsOperation> Operations, int Refused);

/// <summary>Ask the reconciler what it believes is in the kernel and what it wants there.</summary>
public sealed record GetIpvsState
{
    /// <summary>The message.</summary>
    public static readonly GetIpvsState Instance = new();
}

/// <summary>Answer to <see cref="GetIpvsState"/>.</summary>
/// <param name="Started">The start-up read-and-apply has finished (when the kernel could not be read, the drift
/// repair applies the table later).</param>
/// <param name="Kernel">The managed part of the kernel table as last read and changed by the reconciler.</param>
/// <param name="Wanted">The table the configuration and the current health call for.</param>
/// <param name="LastDriftCheck">When the kernel was last read for drift repair (null before the first).</param>
public sealed record IpvsState(bool Started, IpvsTable Kernel, IpvsTable Wanted, DateTimeOffset? LastDriftCheck)
{
    /// <summary>The real servers an operator drained (<see cref="DrainRealServer"/>).</summary>
    public ImmutableArray<DrainedRealServer> Drained { get; init; } = [];
}

/// <summary>Ask the health actor for the status of every virtual service (for <c>lvsha status</c>).</summary>
public sealed record GetLvsStatus
{
    /// <summary>The message.</summary>
    public static readonly GetLvsStatus Instance = new();
}

/// <summary>Answer to <see cref="GetLvsStatus"/>.</summary>
public sealed record LvsStatus(ImmutableArray<VirtualServiceReport> VirtualServices);

/// <summary>One virtual service's health.</summary>
public sealed record VirtualServiceReport(string Name, bool QuorumUp, ImmutableArray<RealServerReport> RealServers)
{
    /// <summary>The virtual_server block the checks run for (its IPVS services and real-server ports).</summary>
    public VirtualServer? VirtualServer { get; init; }
}

/// <summary>One real server's health: state, effective weight, last check and recent history (oldest first).</summary>
public sealed record RealServerReport(
    IPEndPoint RealServer,
    bool Alive,
    int Weight,
    bool InPool,
    int FailedCheckers,
    CheckRecord? LastCheck,
    IReadOnlyList<CheckRecord> History);

/// <summary>Ask the health actor to stop checking (runs the omega scripts); answered with <see cref="HealthChecksStopped"/>
/// once every queued script has finished.</summary>
public sealed record StopHealthChecks
{
    /// <summary>The message.</summary>
    public static readonly StopHealthChecks Instance = new();
}

/// <summary>Answer to <see cref="StopHealthChecks"/>.</summary>
public sealed record HealthChecksStopped
{
    /// <summary>The message.</summary>
    public static readonly HealthChecksStopped Instance = new();
}

/// <summary>
/// Ask the reconciler to drain (weight 0: no new connections, established ones finish) or undrain the real servers
/// at <paramref name="Address"/> (and <paramref name="Port"/> unless null) of one virtual service (or all when
/// <paramref name="VirtualService"/> is null); answered with <see cref="DrainApplied"/>. A drain outlasts health
/// changes and reloads until undone or the daemon restarts.
/// </summary>
public sealed record DrainRealServer(string? VirtualService, IPAddress Address, int? Port, bool Drain);

/// <summary>Answer to <see cref="DrainRealServer"/>: the (virtual service, real server) pairs it matched.</summary>
public sealed record DrainApplied(ImmutableArray<DrainedRealServer> Matched);

/// <summary>One drained (or undrained) real server of a virtual service.</summary>
public sealed record DrainedRealServer(string VirtualService, IPEndPoint RealServer);

/// <summary>Every address configured on this director's interfaces (for ha_suspend); sent on each change.</summary>
public sealed record LocalAddresses(IReadOnlySet<IPAddress> Addresses);
