using System.Net;

namespace LvsHa.Config;

/// <summary>
/// The LvsHa `bgp { }` block: this director announces the VIPs of its `announce bgp` virtual servers as /32 (or /128)
/// routes to these neighbors while it can forward them, through a BIRD 2 daemon it starts and drives.
/// </summary>
public sealed record BgpSettings
{
    /// <summary>The hold time when `hold_time` is not written. BIRD's own default (240 s) would leave a dead
    /// director's route in the router for four minutes when its link stays up; 9 s (keepalives every 3 s) is what
    /// load-balancer deployments use. The session takes the lower of the two ends' values.</summary>
    public static readonly TimeSpan DefaultHoldTime = TimeSpan.FromSeconds(9);

    /// <summary>`local_as N`: this director's autonomous system number.</summary>
    public required uint LocalAs { get; init; }

    /// <summary>`router_id ADDRESS`, or null for BIRD's choice (the lowest IPv4 address of an interface).</summary>
    public IPAddress? RouterId { get; init; }

    /// <summary>`neighbor ADDRESS remote_as N` entries (at least one).</summary>
    public required IReadOnlyList<BgpNeighbor> Neighbors { get; init; }

    /// <summary>`hold_time SECONDS` (3..65535), default <see cref="DefaultHoldTime"/>.</summary>
    public TimeSpan HoldTime { get; init; } = DefaultHoldTime;

    /// <summary>`bfd on|off` (default off): the sessions follow a BFD session with each neighbor, which must run BFD
    /// too, so a dead path is noticed in about a second instead of the hold time.</summary>
    public bool Bfd { get; init; }

    /// <summary>Where the block starts.</summary>
    public required SourceLocation Location { get; init; }
}

/// <summary>One `neighbor ADDRESS remote_as N` line of the bgp block.</summary>
public sealed record BgpNeighbor(IPAddress Address, uint RemoteAs, SourceLocation Location);
