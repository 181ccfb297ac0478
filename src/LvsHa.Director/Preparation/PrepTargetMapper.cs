using System.Net;
using System.Net.Sockets;
using LvsHa.Config;
using LvsHa.RealServers.Model;

namespace LvsHa.Director.Preparation;

/// <summary>
/// Which real servers `lvsha prepare` must prepare, and for which VIPs, from a configuration. Pure.
/// One target per real server per virtual service; PrepareRunner merges targets of the same SSH host.
/// </summary>
public static class PrepTargetMapper
{
    public static IReadOnlyList<PrepTarget> Map(LvsHaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var vrrpVips = config.VrrpInstances.SelectMany(i => i.VirtualIpAddresses).ToList();
        var targets = new List<PrepTarget>();
        foreach (var virtualServer in config.VirtualServers)
        {
            var serviceVips = ServiceVips(virtualServer, vrrpVips);
            foreach (var realServer in virtualServer.RealServers)
            {
                // A real server answers only for VIPs of its own family (TUN may carry IPv6 VIPs to an IPv4 host:
                // the tunnel end point decides, the VIP family is what goes on the tunnel device).
                var vips = realServer.Method.Method == LvsMethod.Tun
                    ? serviceVips
                    : serviceVips.Where(v => v.AddressFamily == realServer.Address.AddressFamily).ToList();
                targets.Add(new PrepTarget(
                    realServer.SshHost,
                    realServer.Address,
                    Kind(realServer.Method.Method),
                    vips,
                    // A DR/TUN real server puts its service VIPs on lo (or the tunnel): a route to one of them then
                    // leads to lo, so they cannot tell which interface faces the directors.
                    DirectorAddressFor(realServer.Address, realServer.Method.Method == LvsMethod.Nat ? vrrpVips : vrrpVips.Where(v => !vips.Contains(v.Address))),
                    Tunnel(realServer.Method.Tunnel),
                    realServer.Method.Tunnel == TunnelType.Gue ? realServer.Method.TunnelPort : null));
            }
        }
        return targets;
    }

    /// <summary>
    /// The VIPs clients reach the service on: the virtual server's addresses; a fwmark service has none of its own,
    /// so it stands for every VRRP VIP of the director (the marks are set on traffic to those).
    /// </summary>
    private static List<IPAddress> ServiceVips(VirtualServer virtualServer, List<Vip> vrrpVips)
    {
        var addresses = virtualServer.Endpoints.Where(e => e.Address is not null).Select(e => e.Address!).Distinct().ToList();
        if (virtualServer.Endpoints.Any(e => e.IsFwmark))
            addresses.AddRange(vrrpVips.Select(v => v.Address).Where(a => !addresses.Contains(a)));
        return addresses;
    }

    /// <summary>
    /// The director as the real server sees it: the VRRP VIP on the real server's own subnet (a NAT real server's
    /// gateway; for DR/TUN the interface facing the directors). Null when no VIP shares its subnet.
    /// </summary>
    internal static IPAddress? DirectorAddressFor(IPAddress realServer, IEnumerable<Vip> vrrpVips) =>
        vrrpVips.FirstOrDefault(v => v.PrefixLength < (v.Address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
            && SameSubnet(v.Address, realServer, v.PrefixLength))?.Address;

    private static bool SameSubnet(IPAddress a, IPAddress b, int prefixLength)
    {
        if (a.AddressFamily != b.AddressFamily)
            return false;
        var x = a.GetAddressBytes();
        var y = b.GetAddressBytes();
        for (var bit = 0; bit < prefixLength; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((x[bit / 8] & mask) != (y[bit / 8] & mask))
                return false;
        }
        return true;
    }

    private static ForwardingMethodKind Kind(LvsMethod method) => method switch
    {
        LvsMethod.Dr => ForwardingMethodKind.DirectRouting,
        LvsMethod.Tun => ForwardingMethodKind.Tunnel,
        _ => ForwardingMethodKind.Nat,
    };

    private static TunnelKind Tunnel(TunnelType type) => type switch
    {
        TunnelType.Gue => TunnelKind.Gue,
        TunnelType.Gre => TunnelKind.Gre,
        _ => TunnelKind.Ipip,
    };
}
