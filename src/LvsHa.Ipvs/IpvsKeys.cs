using System.Net;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Ipvs;

/// <summary>
/// Canonical identities for comparing a wanted table with a dumped one. The kernel reports a fwmark service without
/// protocol, address or port, and an IPv4-mapped address family detail may differ; these keys ignore exactly what the
/// kernel does not store.
/// </summary>
public static class IpvsKeys
{
    public static IpvsServiceKey Normalize(IpvsServiceKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.IsFwmark ? IpvsServiceKey.ForFwmark(key.Family, key.Fwmark) : key;
    }

    /// <summary>A destination is identified within its service by address and port.</summary>
    public static (IPAddress Address, ushort Port) Of(IpvsDestination destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return (destination.Address, destination.Port);
    }
}
