using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LvsHa.Vrrp.Wire;

/// <summary>The Internet checksum (RFC 1071) and the IPv4/IPv6 pseudo-headers VRRPv3 and ICMPv6 checksum over.</summary>
public static class InternetChecksum
{
    /// <summary>The one's complement of the one's complement sum of the bytes (odd length padded with a zero).</summary>
    public static ushort Compute(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length)
            sum += (uint)data[i] << 8;
        while (sum > 0xFFFF)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>Checksum of <paramref name="payload"/> with the pseudo-header of its IP family prepended.</summary>
    public static ushort WithPseudoHeader(IPAddress source, IPAddress destination, byte protocol, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.AddressFamily != destination.AddressFamily)
            throw new ArgumentException("source and destination must be of one family", nameof(destination));
        var v6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        var header = v6 ? 40 : 12;
        var buffer = new byte[header + payload.Length];
        var span = buffer.AsSpan();
        if (v6)
        {
            source.TryWriteBytes(span[..16], out _);
            destination.TryWriteBytes(span[16..32], out _);
            BinaryPrimitives.WriteUInt32BigEndian(span[32..], (uint)payload.Length);
            span[39] = protocol;
        }
        else
        {
            source.TryWriteBytes(span[..4], out _);
            destination.TryWriteBytes(span[4..8], out _);
            span[9] = protocol;
            BinaryPrimitives.WriteUInt16BigEndian(span[10..], (ushort)payload.Length);
        }

        payload.CopyTo(span[header..]);
        return Compute(span);
    }
}
