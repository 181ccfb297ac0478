using LvsHa.Director.Instances;

namespace LvsHa.Director.Control;

/// <summary>One request line on the control socket, e.g. {"command":"status"}.</summary>
/// <param name="Command">Command name; "status" for now.</param>
public sealed record ControlRequest(string Command);

/// <summary>The reply line to a <see cref="ControlRequest"/>.</summary>
/// <param name="Ok">Whether the command succeeded.</param>
/// <param name="Error">What went wrong when not ok.</param>
/// <param name="Status">The report of a status command.</param>
public sealed record ControlResponse(bool Ok, string? Error, StatusReport? Status);

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
    IReadOnlyList<InstanceStatus> Instances);

/// <summary>Majority view in a status report.</summary>
/// <param name="HasMajority">Whether a majority of directors is reachable.</param>
/// <param name="Reachable">Reachable voting directors, this one included.</param>
/// <param name="Total">Voting directors (at least the expected count).</param>
/// <param name="Guard">split_brain_guard setting (Majority, Off, or None without a cluster).</param>
public sealed record QuorumReport(bool HasMajority, int Reachable, int Total, string Guard);

/// <summary>A cluster member in a status report.</summary>
/// <param name="Address">Cluster address.</param>
/// <param name="Status">Member status (Up, Leaving, ...).</param>
/// <param name="Reachable">Whether the cluster sees it reachable.</param>
/// <param name="Roles">Cluster roles.</param>
public sealed record MemberReport(string Address, string Status, bool Reachable, IReadOnlyList<string> Roles);
