using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LvsHa.Vrrp.Wire;

/// <summary>
/// Compact binary form of <see cref="VrrpAdvert"/>, network byte order:
/// "LV", format version 1, vrid, priority, flags (0), advert interval (u16, centiseconds), sender (family 4|6 +
/// address), VIP count (u8) and VIPs (family + address each), then the authentication tag (u8 length, up to 64 bytes).
/// The tag covers everything before its length byte, so it is computed over <see cref="EncodeUnsigned"/>'s output.
/// </summary>
public static class VrrpAdvertCodec
{
    /// <summary>The format version this codec writes and reads.</summary>
    public const byte FormatVersion = 1;

    /// <summary>Longest authentication tag (an HMAC-SHA512 fits).</summary>
    public const int MaxAuthTagLength = 64;

    private const byte Magic0 = (byte)'L';
    private const byte Magic1 = (byte)'V';
    private const int FixedHeaderLength = 8;

    /// <summary>The signed part of the message: everything the tag covers.</summary>
    public static byte[] EncodeUnsigned(VrrpAdvert advert)
    {
        ArgumentNullException.ThrowIfNull(advert);
        if (advert.VirtualRouterId == 0)
            throw new ArgumentException("virtual router id must be 1-255", nameof(advert));
        if (advert.AdvertIntervalCentiseconds is 0 or > VrrpTiming.MaxAdvertIntervalCentiseconds)
            throw new ArgumentException("advert interval must be 1-4095 centiseconds", nameof(advert));
        if (advert.Vips.Count > byte.MaxValue)
            throw new ArgumentException("at most 255 VIPs fit in one advert", nameof(advert));
        var length = FixedHeaderLength + AddressLength(advert.Sender) + 1 + advert.Vips.Sum(AddressLength);
        var buffer = new byte[length];
        var span = buffer.AsSpan();
        span[0] = Magic0;
        span[1] = Magic1;
        span[2] = FormatVersion;
        span[3] = advert.VirtualRouterId;
        span[4] = advert.Priority;
        span[5] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], advert.AdvertIntervalCentiseconds);
        var at = FixedHeaderLength + WriteAddress(span[FixedHeaderLength..], advert.Sender);
        span[at++] = (byte)advert.Vips.Count;
        foreach (var vip in advert.Vips)
            at += WriteAddress(span[at..], vip);
        return buffer;
    }

    /// <summary>The whole message: the signed part followed by the tag.</summary>
    public static byte[] Encode(VrrpAdvert advert, ReadOnlySpan<byte> authTag)
    {
        if (authTag.Length > MaxAuthTagLength)
            throw new ArgumentException($"the authentication tag is limited to {MaxAuthTagLength} bytes", nameof(authTag));
        var unsigned = EncodeUnsigned(advert);
        var message = new byte[unsigned.Length + 1 + authTag.Length];
        unsigned.CopyTo(message, 0);
        message[unsigned.Length] = (byte)authTag.Length;
        authTag.CopyTo(message.AsSpan(unsigned.Length + 1));
        return message;
    }

    /// <summary>Parses a message; throws <see cref="VrrpFormatException"/> on any malformed input.</summary>
    public static DecodedAdvert Decode(ReadOnlySpan<byte> message)
    {
        if (message.Length < FixedHeaderLength)
            throw new VrrpFormatException($"advert too short: {message.Length} bytes");
        if (message[0] != Magic0 || message[1] != Magic1)
            throw new VrrpFormatException("not an LvsHa advert (bad magic)");
        if (message[2] != FormatVersion)
            throw new VrrpFormatException($"unsupported advert format version {message[2]}");
        var vrid = message[3];
        if (vrid == 0)
            throw new VrrpFormatException("virtual router id 0");
        var priority = message[4];
        if (message[5] != 0)
            throw new VrrpFormatException($"unknown advert flags 0x{message[5]:x2}");
        var interval = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        if (interval is 0 or > VrrpTiming.MaxAdvertIntervalCentiseconds)
            throw new VrrpFormatException($"advert interval {interval} cs out of range 1-4095");
        var at = FixedHeaderLength;
        var sender = ReadAddress(message, ref at);
        var count = ReadByte(message, ref at, "VIP count");
        var vips = new IPAddress[count];
        for (var i = 0; i < count; i++)
            vips[i] = ReadAddress(message, ref at);
        var signedLength = at;
        var tagLength = ReadByte(message, ref at, "tag length");
        if (tagLength > MaxAuthTagLength)
            throw new VrrpFormatException($"authentication tag of {tagLength} bytes exceeds {MaxAuthTagLength}");
        if (message.Length - at != tagLength)
            throw new VrrpFormatException($"expected {tagLength} tag bytes, found {message.Length - at}");
        var tag = message[at..].ToArray();
        return new DecodedAdvert(new VrrpAdvert(vrid, priority, interval, sender, vips), tag, signedLength);
    }

    private static int AddressLength(IPAddress address) => 1 + RawLength(address);

    private static int RawLength(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => 4,
        AddressFamily.InterNetworkV6 => 16,
        _ => throw new ArgumentException($"{address} is neither IPv4 nor IPv6", nameof(address)),
    };

    private static int WriteAddress(Span<byte> span, IPAddress address)
    {
        var raw = RawLength(address);
        span[0] = raw == 4 ? (byte)4 : (byte)6;
        address.TryWriteBytes(span[1..], out _);
        return 1 + raw;
    }

    private static byte ReadByte(ReadOnlySpan<byte> message, ref int at, string what)
    {
        if (at >= message.Length)
            throw new VrrpFormatException($"advert truncated before the {what}");
        return message[at++];
    }

    private static IPAddress ReadAddress(ReadOnlySpan<byte> message, ref int at)
    {
        var family = ReadByte(message, ref at, "address family");
        var length = family switch
        {
            4 => 4,
            6 => 16,
            _ => throw new VrrpFormatException($"unknown address family {family}"),
        };
        if (message.Length - at < length)
            throw new VrrpFormatException("advert truncated inside an address");
        var address = new IPAddress(message.Slice(at, length));
        at += length;
        return address;
    }
}
