using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LvsHa.Vrrp.Wire;

/// <summary>
/// Encodes and decodes RFC 5798 section 5 packets: version 3 / type 1, VRID, priority, address count, 4 reserved
/// bits + 12-bit Max Adver Int, checksum over the IPv4/IPv6 pseudo-header and the VRRP message, then the addresses.
/// </summary>
public static class VrrpV3Codec
{
    /// <summary>IP protocol number of VRRP.</summary>
    public const byte IpProtocol = 112;

    /// <summary>The IPv4 multicast group adverts go to (224.0.0.18).</summary>
    public static readonly IPAddress MulticastGroupV4 = IPAddress.Parse("224.0.0.18");

    /// <summary>The IPv6 multicast group adverts go to (ff02::12).</summary>
    public static readonly IPAddress MulticastGroupV6 = IPAddress.Parse("ff02::12");

    private const byte VersionAndType = 0x31;
    private const int HeaderLength = 8;

    /// <summary>The VRRP message with its checksum, for the given IP source and destination.</summary>
    public static byte[] Encode(VrrpV3Packet packet, IPAddress source, IPAddress destination)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(source);
        var addressLength = AddressLength(source.AddressFamily);
        if (packet.VirtualRouterId == 0)
            throw new ArgumentException("VRID must be 1-255", nameof(packet));
        if (packet.MaxAdvertIntervalCentiseconds is 0 or > VrrpTiming.MaxAdvertIntervalCentiseconds)
            throw new ArgumentException("Max Adver Int must be 1-4095 centiseconds", nameof(packet));
        if (packet.Addresses.Count is 0 or > byte.MaxValue)
            throw new ArgumentException("a VRRP packet carries 1-255 addresses", nameof(packet));
        if (packet.Addresses.Any(a => a.AddressFamily != source.AddressFamily))
            throw new ArgumentException("every address must be of the source's family", nameof(packet));
        var message = new byte[HeaderLength + (packet.Addresses.Count * addressLength)];
        var span = message.AsSpan();
        span[0] = VersionAndType;
        span[1] = packet.VirtualRouterId;
        span[2] = packet.Priority;
        span[3] = (byte)packet.Addresses.Count;
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], packet.MaxAdvertIntervalCentiseconds);
        for (var i = 0; i < packet.Addresses.Count; i++)
            packet.Addresses[i].TryWriteBytes(span[(HeaderLength + (i * addressLength))..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], InternetChecksum.WithPseudoHeader(source, destination, IpProtocol, span));
        return message;
    }

    /// <summary>Parses and checks a VRRP message received from source to destination; throws only <see cref="VrrpFormatException"/>.</summary>
    public static VrrpV3Packet Decode(ReadOnlySpan<byte> message, IPAddress source, IPAddress destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.AddressFamily != destination.AddressFamily
            || source.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            throw new VrrpFormatException("source and destination must both be IPv4 or both IPv6");
        if (message.Length < HeaderLength)
            throw new VrrpFormatException($"VRRP packet too short: {message.Length} bytes");
        if (message[0] >> 4 != 3)
            throw new VrrpFormatException($"VRRP version {message[0] >> 4}, expected 3");
        if ((message[0] & 0x0F) != 1)
            throw new VrrpFormatException($"VRRP type {message[0] & 0x0F}, expected 1 (ADVERTISEMENT)");
        if (message[1] == 0)
            throw new VrrpFormatException("VRID 0");
        var count = message[3];
        var addressLength = AddressLength(source.AddressFamily);
        var expected = HeaderLength + (count * addressLength);
        if (count == 0 || message.Length != expected)
            throw new VrrpFormatException($"{count} addresses need {expected} bytes, packet has {message.Length}");
        if (InternetChecksum.WithPseudoHeader(source, destination, IpProtocol, message) != 0)
            throw new VrrpFormatException("VRRP checksum mismatch", checksumMismatch: true);

        // The 4 reserved bits are ignored on reception (RFC 5798 5.2.6).
        var interval = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(message[4..]) & VrrpTiming.MaxAdvertIntervalCentiseconds);
        if (interval == 0)
            throw new VrrpFormatException("Max Adver Int 0");
        var addresses = new IPAddress[count];
        for (var i = 0; i < count; i++)
            addresses[i] = new IPAddress(message.Slice(HeaderLength + (i * addressLength), addressLength));
        return new VrrpV3Packet(message[1], message[2], interval, addresses);
    }

    private static int AddressLength(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => 4,
        AddressFamily.InterNetworkV6 => 16,
        _ => throw new ArgumentException("VRRP runs over IPv4 or IPv6 only", nameof(family)),
    };
}
