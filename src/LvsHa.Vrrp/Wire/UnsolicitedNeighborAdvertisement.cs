using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace LvsHa.Vrrp.Wire;

/// <summary>Builds the Ethernet frame of an unsolicited neighbour advertisement for an IPv6 VIP (RFC 4861 7.2.6).</summary>
public static class UnsolicitedNeighborAdvertisement
{
    /// <summary>Frame length: Ethernet 14 + IPv6 40 + NA 24 + target link-layer option 8.</summary>
    public const int FrameLength = 86;

    /// <summary>The all-nodes group the advertisement goes to.</summary>
    public static readonly IPAddress AllNodes = IPAddress.Parse("ff02::1");

    private const int IcmpLength = 32;

    /// <summary>
    /// NA from the VIP to ff02::1 (Ethernet 33:33:00:00:00:01), hop limit 255, Override set, Solicited clear,
    /// Router as given (keepalived: set when the interface forwards IPv6), target = VIP, option 2 = the MAC.
    /// </summary>
    public static byte[] Build(PhysicalAddress mac, IPAddress vip, bool router)
    {
        ArgumentNullException.ThrowIfNull(vip);
        var hardware = Ethernet.MacBytes(mac);
        if (vip.AddressFamily != AddressFamily.InterNetworkV6)
            throw new ArgumentException("neighbour advertisements are for IPv6 VIPs", nameof(vip));
        var frame = new byte[FrameLength];
        var span = frame.AsSpan();
        ReadOnlySpan<byte> allNodesMac = [0x33, 0x33, 0, 0, 0, 1];
        allNodesMac.CopyTo(span);
        hardware.CopyTo(span[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[12..], 0x86DD); // EtherType IPv6

        var ip = span[14..54];
        ip[0] = 0x60; // version 6, traffic class and flow label 0
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], IcmpLength);
        ip[6] = 58; // ICMPv6
        ip[7] = 255; // hop limit: receivers drop ND messages with any other
        vip.TryWriteBytes(ip[8..], out _);
        AllNodes.TryWriteBytes(ip[24..], out _);

        var icmp = span[54..];
        icmp[0] = 136; // Neighbor Advertisement
        icmp[4] = (byte)((router ? 0x80 : 0) | 0x20); // R, S=0, O=1
        vip.TryWriteBytes(icmp[8..], out _);
        icmp[24] = 2; // Target Link-Layer Address option
        icmp[25] = 1; // length in units of 8 bytes
        hardware.CopyTo(icmp[26..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], InternetChecksum.WithPseudoHeader(vip, AllNodes, 58, icmp));
        return frame;
    }
}
