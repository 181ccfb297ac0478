using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using LvsHa.Config;
using LvsHa.Ipvs;

namespace LvsHa.Director.Bgp;

/// <summary>Which VIPs this director announces: the rules, apart from BIRD and the actors.</summary>
public static class BgpAnnouncements
{
    /// <summary>Every address an `announce bgp` virtual server names, whether forwardable or not.</summary>
    public static ImmutableHashSet<IPAddress> Announceable(LvsHaConfig config) =>
        [.. config.VirtualServers.Where(v => v.AnnounceBgp && v.Address is not null).Select(v => v.Address!)];

    /// <summary>
    /// The addresses of `announce bgp` virtual servers that <paramref name="kernel"/> (the IPVS table as the kernel
    /// acknowledged it) can forward: one of its services has a destination of weight above 0, a real server or the
    /// sorry server. A VIP with several services stays announced while any of them can forward: every director sees
    /// the same real servers, so withdrawing for one dead port would take the live ports down on all of them.
    /// </summary>
    public static ImmutableHashSet<IPAddress> Forwardable(LvsHaConfig config, IpvsTable kernel)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(kernel);
        var usable = kernel.Entries
            .Where(e => e.Service.Key.Address is not null && e.Destinations.Any(d => d.Weight > 0))
            .Select(e => (e.Service.Key.Address!, e.Service.Key.Port))
            .ToHashSet();
        return [.. config.VirtualServers
            .Where(v => v.AnnounceBgp && v.Address is not null && usable.Contains((v.Address, checked((ushort)v.Port))))
            .Select(v => v.Address!)];
    }

    /// <summary>What goes to the routers: nothing while the director is drained or, under the majority guard, has
    /// lost the majority; otherwise what it can forward.</summary>
    public static ImmutableHashSet<IPAddress> Announced(ImmutableHashSet<IPAddress> forwardable, bool drained, bool minority) =>
        drained || minority ? [] : forwardable;

    /// <summary>The one order of VIPs in BIRD's file, logs and status: IPv4 before IPv6, then by address.</summary>
    public static IEnumerable<IPAddress> InRouteOrder(IEnumerable<IPAddress> vips) =>
        vips.OrderBy(a => a.AddressFamily).ThenBy(a => a.GetAddressBytes(), ByteOrder.Instance);

    /// <summary>The route prefix of <paramref name="vip"/>: /32, or /128 for IPv6.</summary>
    public static string Prefix(IPAddress vip) => vip.AddressFamily == AddressFamily.InterNetworkV6 ? $"{vip}/128" : $"{vip}/32";

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
