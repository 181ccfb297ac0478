using System.Net;

namespace LvsHa.RealServers.Model;

/// <summary>One real server to prepare: where to reach it over SSH and what its forwarding method needs.</summary>
/// <param name="Host">The SSH host name or address (ssh_host, or the real server's address).</param>
/// <param name="RealServerAddress">The real server's address as the director sees it.</param>
/// <param name="Method">The forwarding method of the virtual services using this real server.</param>
/// <param name="Vips">The virtual addresses the real server must accept (DR/TUN).</param>
/// <param name="DirectorAddress">The director's address facing the real server (DR/TUN: to find the interface; NAT: the expected gateway).</param>
/// <param name="Tunnel">The encapsulation for TUN.</param>
/// <param name="GuePort">The UDP port for GUE tunnels.</param>
public sealed record PrepTarget(
    string Host,
    IPAddress RealServerAddress,
    ForwardingMethodKind Method,
    IReadOnlyList<IPAddress> Vips,
    IPAddress? DirectorAddress,
    TunnelKind Tunnel = TunnelKind.Ipip,
    int? GuePort = null);
