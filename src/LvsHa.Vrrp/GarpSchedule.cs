using System.Net;
using System.Net.Sockets;

namespace LvsHa.Vrrp;

/// <summary>One gratuitous ARP (IPv4 VIP) or unsolicited NA (IPv6 VIP) to send, at an offset from the burst's start.</summary>
public sealed record GarpPacket(IPAddress Vip, TimeSpan Offset);

/// <summary>Expands a <see cref="SendGratuitousArps"/> burst into single packets with keepalived's spacing.</summary>
public static class GarpSchedule
{
    /// <summary>
    /// Repeat rounds over all VIPs; consecutive IPv4 packets are ArpInterval apart and consecutive IPv6 packets
    /// NaInterval apart (keepalived paces ARP and NA separately per interface). Ordered by offset, IPv4 first on ties.
    /// </summary>
    public static IReadOnlyList<GarpPacket> Expand(SendGratuitousArps burst, IReadOnlyList<IPAddress> vips)
    {
        ArgumentNullException.ThrowIfNull(burst);
        ArgumentNullException.ThrowIfNull(vips);
        var v4 = vips.Where(v => v.AddressFamily == AddressFamily.InterNetwork).ToList();
        var v6 = vips.Where(v => v.AddressFamily == AddressFamily.InterNetworkV6).ToList();
        return [.. Pace(v4, burst.Repeat, burst.ArpInterval).Concat(Pace(v6, burst.Repeat, burst.NaInterval)).OrderBy(p => p.Offset)];
    }

    private static IEnumerable<GarpPacket> Pace(List<IPAddress> vips, int repeat, TimeSpan interval)
    {
        var index = 0;
        for (var round = 0; round < repeat; round++)
        {
            foreach (var vip in vips)
                yield return new GarpPacket(vip, interval * index++);
        }
    }
}
