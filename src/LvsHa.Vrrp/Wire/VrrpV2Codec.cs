using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LvsHa.Vrrp.Wire;

/// <summary>
/// Encodes and decodes RFC 3768 (VRRPv2) packets as keepalived 2.2.7 sends them: version 2 / type 1, VRID, priority,
/// address count, auth type, advert interval in whole seconds, checksum over the VRRP message only, the IPv4
/// addresses, then 8 bytes of authentication data (zero unless auth_type PASS).
/// </summary>
public static class VrrpV2Codec
{
    /// <summary>Length of the authentication data that ends every VRRPv2 packet.</summary>
    public const int AuthDataLength = 8;

    private const byte VersionAndType = 0x21;
    private const int HeaderLength = 8;

    /// <summary>The VRRPv2 message with its checksum.</summary>
    public static byte[] Encode(VrrpV2Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (packet.VirtualRouterId == 0)
            throw new ArgumentException("VRID must be 1-255", nameof(packet));
        if (packet.AdvertIntervalSeconds == 0)
            throw new ArgumentException("the advert interval must be 1-255 s", nameof(packet));
        if (packet.Addresses.Count is 0 or > byte.MaxValue || packet.Addresses.Any(a => a.AddressFamily != AddressFamily.InterNetwork))
            throw new ArgumentException("a VRRPv2 packet carries 1-255 IPv4 addresses", nameof(packet));
        if (packet.AuthData.Length > AuthDataLength)
            throw new ArgumentException("VRRPv2 authentication data is at most 8 bytes", nameof(packet));
        var message = new byte[HeaderLength + (packet.Addresses.Count * 4) + AuthDataLength];
        var span = message.AsSpan();
        span[0] = VersionAndType;
        span[1] = packet.VirtualRouterId;
        span[2] = packet.Priority;
        span[3] = (byte)packet.Addresses.Count;
        span[4] = (byte)packet.AuthType;
        span[5] = packet.AdvertIntervalSeconds;
        for (var i = 0; i < packet.Addresses.Count; i++)
            packet.Addresses[i].TryWriteBytes(span[(HeaderLength + (i * 4))..], out _);
        packet.AuthData.Span.CopyTo(span[(HeaderLength + (packet.Addresses.Count * 4))..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], InternetChecksum.Compute(span));
        return message;
    }

    /// <summary>Parses and checks a VRRPv2 message (length, version, type, VRID, checksum); throws only <see cref="VrrpFormatException"/>.</summary>
    public static VrrpV2Packet Decode(ReadOnlySpan<byte> message)
    {
        if (message.Length < HeaderLength)
            throw new VrrpFormatException($"VRRP packet too short: {message.Length} bytes");
        if (message[0] >> 4 != 2)
            throw new VrrpFormatException($"VRRP version {message[0] >> 4}, expected 2");
        if ((message[0] & 0x0F) != 1)
            throw new VrrpFormatException($"VRRP type {message[0] & 0x0F}, expected 1 (ADVERTISEMENT)");
        if (message[1] == 0)
            throw new VrrpFormatException("VRID 0");
        var count = message[3];
        var expected = HeaderLength + (count * 4) + AuthDataLength;
        if (count == 0 || message.Length != expected)
            throw new VrrpFormatException($"{count} addresses need {expected} bytes, packet has {message.Length}");
        if (InternetChecksum.Compute(message) != 0)
            throw new VrrpFormatException("VRRP checksum mismatch", checksumMismatch: true);
        var addresses = new IPAddress[count];
        for (var i = 0; i < count; i++)
            addresses[i] = new IPAddress(message.Slice(HeaderLength + (i * 4), 4));
        return new VrrpV2Packet(
            message[1], message[2], message[5], (VrrpV2AuthType)message[4], message[(expected - AuthDataLength)..].ToArray(), addresses);
    }
}

/// <summary>VRRPv2 authentication types (RFC 2338; RFC 3768 keeps only 0 on the wire, keepalived still sends 1).</summary>
public enum VrrpV2AuthType : byte
{
    /// <summary>No authentication.</summary>
    None = 0,

    /// <summary>Simple text password (keepalived's auth_type PASS).</summary>
    SimplePassword = 1,

    /// <summary>IPsec AH (keepalived's auth_type AH); LvsHa does not implement it.</summary>
    IpAuthenticationHeader = 2,
}

/// <summary>An RFC 3768 VRRPv2 advertisement (the IP payload, protocol 112).</summary>
/// <param name="VirtualRouterId">VRID, 1-255.</param>
/// <param name="Priority">0-255.</param>
/// <param name="AdvertIntervalSeconds">Adver Int, whole seconds.</param>
/// <param name="AuthType">Auth Type.</param>
/// <param name="AuthData">The 8 bytes of authentication data (the password, zero padded, for PASS).</param>
/// <param name="Addresses">The IPv4 virtual addresses.</param>
public sealed record VrrpV2Packet(
    byte VirtualRouterId,
    byte Priority,
    byte AdvertIntervalSeconds,
    VrrpV2AuthType AuthType,
    ReadOnlyMemory<byte> AuthData,
    IReadOnlyList<IPAddress> Addresses);
