namespace LvsHa.RealServers.Model;

/// <summary>The encapsulation a TUN real server must decapsulate (IPVS tun_type).</summary>
public enum TunnelKind
{
    /// <summary>Plain IP-in-IP, received by the fallback device tunl0 (ip6tnl0 for IPv6 VIPs).</summary>
    Ipip,

    /// <summary>Generic UDP encapsulation on a UDP port, decapsulated by fou into tunl0.</summary>
    Gue,

    /// <summary>GRE, received by the fallback device gre0.</summary>
    Gre,
}
