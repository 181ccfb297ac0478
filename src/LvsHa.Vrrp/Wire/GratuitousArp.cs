using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Net.NetworkInformation;

namespace LvsHa.Vrrp.Wire;

/// <summary>Builds the Ethernet frame of a gratuitous ARP for an IPv4 VIP, as keepalived sends it.</summary>
public static class GratuitousArp
{
    /// <summary>Frame length: 14-byte Ethernet header + 28-byte ARP packet (no padding; the NIC pads to 60).</summary>
    public const int FrameLength = 42;

    /// <summary>
    /// Broadcast ARP request with sender = target = VIP and the target hardware address set to broadcast
    /// (keepalived's choice; receivers ignore it in a request).
    /// </summary>
    public static byte[] Build(PhysicalAddress mac, IPAddress vip)
    {
        ArgumentNullException.ThrowIfNull(vip);
        var hardware = Ethernet.MacBytes(mac);
        if (vip.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException("gratuitous ARP is for IPv4 VIPs", nameof(vip));
        var frame = new byte[FrameLength];
        var span = frame.AsSpan();
        span[..6].Fill(0xFF);
        hardware.CopyTo(span[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[12..], 0x0806); // EtherType ARP
        BinaryPrimitives.WriteUInt16BigEndian(span[14..], 1); // hardware type Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(span[16..], 0x0800); // protocol IPv4
        span[18] = 6;
        span[19] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(span[20..], 1); // request
        hardware.CopyTo(span[22..]);
        vip.TryWriteBytes(span[28..], out _);
        span[32..38].Fill(0xFF);
        vip.TryWriteBytes(span[38..], out _);
        return frame;
    }
}
