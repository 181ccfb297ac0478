using System.Net;

namespace LvsHa.Config;

/// <summary>
/// One IPVS service a virtual server stands for: an address and port, or a firewall mark. A `virtual_server group`
/// expands to one endpoint per address (and port) and fwmark of the group.
/// </summary>
/// <param name="Family">IPv4 or IPv6.</param>
/// <param name="Protocol">TCP, UDP or SCTP; IPVS keys a fwmark service by mark and family only, so it is not part of its identity.</param>
/// <param name="Address">Virtual address; null for a fwmark service.</param>
/// <param name="Port">Virtual port; 0 for a fwmark service.</param>
/// <param name="Fwmark">Firewall mark; 0 for an address service.</param>
/// <param name="Location">Where the address/fwmark was written (the group entry for groups).</param>
public sealed record ServiceEndpoint(IpFamily Family, ServiceProtocol Protocol, IPAddress? Address, int Port, uint Fwmark,
    SourceLocation Location)
{
    /// <summary>True for a firewall-mark service.</summary>
    public bool IsFwmark => Fwmark != 0;

    /// <inheritdoc />
    public override string ToString() => IsFwmark
        ? $"FWM {Fwmark} {Family}"
        : Family == IpFamily.IPv6 ? $"{Protocol.ToString().ToUpperInvariant()} [{Address}]:{Port}" : $"{Protocol.ToString().ToUpperInvariant()} {Address}:{Port}";
}
