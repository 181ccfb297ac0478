using System.Net;

namespace LvsHa.Vrrp.Wire;

/// <summary>An RFC 5798 VRRPv3 advertisement (the IP payload, protocol 112), for keepalived interop.</summary>
/// <param name="VirtualRouterId">VRID, 1-255.</param>
/// <param name="Priority">0-255.</param>
/// <param name="MaxAdvertIntervalCentiseconds">12-bit Max Adver Int, 1-4095 centiseconds.</param>
/// <param name="Addresses">The virtual addresses, all of the packet's IP family.</param>
public sealed record VrrpV3Packet(
    byte VirtualRouterId,
    byte Priority,
    ushort MaxAdvertIntervalCentiseconds,
    IReadOnlyList<IPAddress> Addresses);
