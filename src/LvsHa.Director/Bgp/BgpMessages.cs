using System.Collections.Immutable;
using System.Net;

namespace LvsHa.Director.Bgp;

/// <summary>The `announce bgp` VIPs the kernel's IPVS table can forward now (reconciler -> announcer, on each change).</summary>
/// <param name="Vips">Those the table can forward.</param>
public sealed record ForwardableVips(ImmutableHashSet<IPAddress> Vips);

/// <summary>A reload's bgp block and `announce bgp` addresses (reloader -> announcer, before the virtual servers
/// change): BIRD takes new settings at once, a new address goes on lo and is announced once IPVS can forward it, a
/// dropped one is withdrawn.</summary>
/// <param name="Bgp">The reloaded bgp block.</param>
/// <param name="Announceable">Every `announce bgp` address of the reloaded configuration.</param>
public sealed record ReloadBgp(LvsHa.Config.BgpSettings Bgp, ImmutableHashSet<IPAddress> Announceable);

/// <summary>Withdraw every route and keep them withdrawn (the director stops); answered with <see cref="RoutesWithdrawn"/>
/// once BIRD has taken the change.</summary>
public sealed record WithdrawRoutes
{
    /// <summary>The message.</summary>
    public static readonly WithdrawRoutes Instance = new();
}

/// <summary>Answer to <see cref="WithdrawRoutes"/>.</summary>
public sealed record RoutesWithdrawn
{
    /// <summary>The message.</summary>
    public static readonly RoutesWithdrawn Instance = new();
}

/// <summary>Drain (withdraw every route and keep them withdrawn) or undrain the director (`lvsha drain --director`);
/// answered with <see cref="BgpStatus"/> once BIRD has taken the change.</summary>
public sealed record DrainDirector(bool Drain);

/// <summary>Ask the announcer what it announces (for status and metrics).</summary>
public sealed record GetBgpStatus
{
    /// <summary>The message.</summary>
    public static readonly GetBgpStatus Instance = new();
}

/// <summary>Answer to <see cref="GetBgpStatus"/> (also the `bgp` part of `lvsha status`).</summary>
/// <param name="Announced">The routes BIRD was last told to announce (and took), e.g. "10.98.100.1/32".</param>
/// <param name="Forwardable">The routes of the VIPs the IPVS table can forward.</param>
/// <param name="Drained">Everything withdrawn by `lvsha drain --director`.</param>
/// <param name="Minority">Everything withdrawn because this director lost the majority (split_brain_guard majority).</param>
/// <param name="Sessions">Each neighbor's BGP session as BIRD reports it; empty when BIRD does not answer.</param>
public sealed record BgpStatus(ImmutableArray<string> Announced, ImmutableArray<string> Forwardable, bool Drained, bool Minority, ImmutableArray<BgpSessionStatus> Sessions);

/// <summary>One neighbor's session.</summary>
/// <param name="Neighbor">Its address.</param>
/// <param name="State">BIRD's protocol state (up, start, down) and BGP state (Established, Active, Connect ...), e.g. "up Established".</param>
public sealed record BgpSessionStatus(string Neighbor, string State);
