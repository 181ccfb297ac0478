using LvsHa.Director.Instances;

namespace LvsHa.Director.Control;

/// <summary>One request line on the control socket, e.g. {"command":"status"}.</summary>
/// <param name="Command">status, reload, drain or failover.</param>
public sealed record ControlRequest(string Command)
{
    /// <summary>drain: the virtual service (as status names it); null for every one.</summary>
    public string? VirtualService { get; init; }

    /// <summary>drain: the real server, "ADDRESS" or "ADDRESS:PORT" ("[V6]:PORT").</summary>
    public string? RealServer { get; init; }

    /// <summary>drain: the whole director (its BGP routes) instead of one real server.</summary>
    public bool Director { get; init; }

    /// <summary>failover: the vrrp_instance.</summary>
    public string? Instance { get; init; }

    /// <summary>drain: undrain; failover: release the hold.</summary>
    public bool Undo { get; init; }
}

/// <summary>The reply line to a <see cref="ControlRequest"/>.</summary>
/// <param name="Ok">Whether the command succeeded.</param>
/// <param name="Error">What went wrong when not ok.</param>
/// <param name="Status">The report of a status command.</param>
public sealed record ControlResponse(bool Ok, string? Error, StatusReport? Status)
{
    /// <summary>reload, drain, failover: what the daemon did or found, line by line.</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];
}

/// <summary>What `lvsha status` shows about a director.</summary>
/// <param name="NodeName">Director name.</param>
/// <param name="SelfAddress">Own cluster address (null without a cluster).</param>
/// <param name="Quorum">The director's majority view.</param>
/// <param name="Members">Cluster members as this director sees them (empty without a cluster).</param>
/// <param name="Instances">The vrrp instances of this director.</param>
public sealed record StatusReport(
    string NodeName,
    string? SelfAddress,
    QuorumReport Quorum,
    IReadOnlyList<MemberReport> Members,
    IReadOnlyList<InstanceStatus> Instances)
{
    /// <summary>The virtual services of this director (empty when it runs VRRP only).</summary>
    public IReadOnlyList<VirtualServiceSummary> VirtualServices { get; init; } = [];

    /// <summary>What this director announces by BGP, or null without a bgp block.</summary>
    public Bgp.BgpStatus? Bgp { get; init; }
}

/// <summary>A virtual_server block in a status report: health and kernel view.</summary>
/// <param name="Name">The block as written (address:port/protocol, fwmark N or group name).</param>
/// <param name="QuorumUp">Whether the live weight reaches quorum (otherwise the sorry server serves).</param>
/// <param name="InKernel">Whether every IPVS service of the block is in the kernel table.</param>
/// <param name="Services">The IPVS services of the block (ipvsadm notation).</param>
/// <param name="RealServers">Its real servers, in configuration order.</param>
/// <param name="Scheduler">`lb_algo` as the config spells it (rr, wlc, mh ...).</param>
/// <param name="Method">`lb_kind` of its real servers as the config spells it (NAT, DR, TUN; several when mixed).</param>
public sealed record VirtualServiceSummary(
    string Name,
    bool QuorumUp,
    bool InKernel,
    IReadOnlyList<string> Services,
    IReadOnlyList<RealServerSummary> RealServers,
    string Scheduler = "-",
    string Method = "-");

/// <summary>A real server in a status report.</summary>
/// <param name="Address">address:port as configured.</param>
/// <param name="Health">"up", "down" or "up (inhibited)"-style word: alive and whether it is in the pool.</param>
/// <param name="Weight">The weight health calls for (0 when down with inhibit_on_failure).</param>
/// <param name="KernelWeight">The weight the kernel has, summed view of the first service (null when not in the kernel).</param>
/// <param name="ActiveConnections">Active connections over the block's services (kernel).</param>
/// <param name="InactiveConnections">Inactive connections over the block's services (kernel).</param>
/// <param name="ConnectionsPerSecond">New connections per second (kernel rate estimator).</param>
/// <param name="InBytesPerSecond">Bytes per second towards the real server (kernel rate estimator).</param>
/// <param name="LastCheck">The last check: checker, result and reason (null before the first).</param>
/// <param name="LastCheckAt">When the last check finished.</param>
/// <param name="FailedChecks">Failed checks among the recent history.</param>
/// <param name="RecentChecks">Checks in the recent history.</param>
public sealed record RealServerSummary(
    string Address,
    string Health,
    int Weight,
    int? KernelWeight,
    long ActiveConnections,
    long InactiveConnections,
    long ConnectionsPerSecond,
    long InBytesPerSecond,
    string? LastCheck,
    DateTimeOffset? LastCheckAt,
    int FailedChecks,
    int RecentChecks);

/// <summary>Majority view in a status report.</summary>
/// <param name="HasMajority">Whether a majority of directors is reachable.</param>
/// <param name="Reachable">Reachable voting directors, this one included.</param>
/// <param name="Total">Voting directors (at least the expected count).</param>
/// <param name="Guard">split_brain_guard as the config spells it (majority, off), or none without a cluster block.</param>
public sealed record QuorumReport(bool HasMajority, int Reachable, int Total, string Guard);

/// <summary>A cluster member in a status report.</summary>
/// <param name="Address">Cluster address.</param>
/// <param name="Status">Member status (Up, Leaving, ...).</param>
/// <param name="Reachable">Whether the cluster sees it reachable.</param>
/// <param name="Roles">Cluster roles.</param>
public sealed record MemberReport(string Address, string Status, bool Reachable, IReadOnlyList<string> Roles);
