using System.Net;
using LvsHa.Vrrp.Wire;

namespace LvsHa.Vrrp.Tests.Wire;

public class VrrpAdvertCodecTests
{
    private static readonly byte[] Golden = Bytes.Hex(
        "4c 56 01 33 96 00 00 0a" // "LV", v1, vrid 51, priority 150, flags, 10 cs
        + " 04 0a 00 00 02" // sender 10.0.0.2
        + " 02 04 c0 a8 01 64 06 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 01 00" // 2 VIPs
        + " 03 aa bb cc"); // 3-byte tag

    private static VrrpAdvert Advert() =>
        new(51, 150, 10, IPAddress.Parse("10.0.0.2"), [IPAddress.Parse("192.168.1.100"), IPAddress.Parse("2001:db8::100")]);

    [Fact]
    public void Encode_AdvertWithTag_MatchesGoldenBytes() =>
        Assert.Equal(Golden, VrrpAdvertCodec.Encode(Advert(), [0xAA, 0xBB, 0xCC]));

    [Fact]
    public void EncodeUnsigned_IsTheSignedPrefix()
    {
        var unsigned = VrrpAdvertCodec.EncodeUnsigned(Advert());
        var decoded = VrrpAdvertCodec.Decode(Golden);
        Assert.Equal(unsigned.Length, decoded.SignedLength);
        Assert.Equal(unsigned, Golden[..decoded.SignedLength]);
    }

    [Fact]
    public void Decode_Golden_ReadsEveryField()
    {
        var decoded = VrrpAdvertCodec.Decode(Golden);
        Assert.Equal(51, decoded.Advert.VirtualRouterId);
        Assert.Equal(150, decoded.Advert.Priority);
        Assert.Equal(TimeSpan.FromMilliseconds(100), decoded.Advert.AdvertInterval);
        Assert.Equal(IPAddress.Parse("10.0.0.2"), decoded.Advert.Sender);
        Assert.Equal(Advert().Vips, decoded.Advert.Vips);
        Assert.Equal([0xAA, 0xBB, 0xCC], decoded.AuthTag);
        Assert.Equal(new AdvertReceived(IPAddress.Parse("10.0.0.2"), 150, TimeSpan.FromMilliseconds(100)), decoded.Advert.ToInput());
    }

    [Theory]
    [InlineData(0, 0x4d, "magic")]
    [InlineData(2, 0x02, "version")]
    [InlineData(3, 0x00, "router id")]
    [InlineData(5, 0x01, "flags")]
    [InlineData(6, 0x10, "interval")]
    [InlineData(8, 0x05, "family")]
    [InlineData(13, 0x03, "family")]
    [InlineData(13, 0x01, "tag bytes")]
    [InlineData(36, 0x04, "tag")]
    [InlineData(36, 0x41, "exceeds")]
    public void Decode_BadField_IsRejectedWithReason(int offset, byte value, string reason)
    {
        var bytes = (byte[])Golden.Clone();
        bytes[offset] = value;
        var error = Assert.Throws<VrrpFormatException>(() => VrrpAdvertCodec.Decode(bytes));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Decode_TrailingByte_IsRejected() =>
        Assert.Throws<VrrpFormatException>(() => VrrpAdvertCodec.Decode([.. Golden, 0]));

    [Fact]
    public void Encode_TooLongTagOrBadFields_Throws()
    {
        Assert.Throws<ArgumentException>(() => VrrpAdvertCodec.Encode(Advert(), new byte[65]));
        Assert.Throws<ArgumentException>(() => VrrpAdvertCodec.Encode(Advert() with { VirtualRouterId = 0 }, []));
        Assert.Throws<ArgumentException>(() => VrrpAdvertCodec.Encode(Advert() with { AdvertIntervalCentiseconds = 4096 }, []));
    }

    [Fact]
    public void Decode_EveryTruncation_ThrowsVrrpFormatException()
    {
        for (var length = 0; length < Golden.Length; length++)
            Assert.Throws<VrrpFormatException>(() => VrrpAdvertCodec.Decode(Golden.AsSpan(0, length)));
    }

    [Fact]
    public void Decode_RandomAndMutatedInput_ThrowsOnlyVrrpFormatException()
    {
        var random = new Random(20261124);
        var buffer = new byte[80];
        for (var i = 0; i < 50_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                random.NextBytes(buffer);
                buffer[0] = (byte)'L';
                buffer[1] = (byte)'V';
                buffer[2] = 1;
                input = buffer[..random.Next(buffer.Length)];
            }
            else
            {
                input = (byte[])Golden.Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                    input[random.Next(input.Length)] = (byte)random.Next(256);
            }

            try
            {
                var decoded = VrrpAdvertCodec.Decode(input);
                Assert.Equal(input, VrrpAdvertCodec.Encode(decoded.Advert, decoded.AuthTag));
            }
            catch (VrrpFormatException)
            {
            }
        }
    }

    [FsCheck.Xunit.Property]
    public bool EncodeDecode_AnyAdvert_RoundTrips(byte vrid, byte priority, ushort interval, uint sender, uint[] v4, Guid[] v6, byte[] tag)
    {
        var vips = (v4 ?? []).Select(a => new IPAddress(BitConverter.GetBytes(a)))
            .Concat((v6 ?? []).Select(g => new IPAddress(g.ToByteArray())))
            .Take(255)
            .ToArray();
        var advert = new VrrpAdvert((byte)Math.Max((int)vrid, 1), priority, (ushort)((interval % 4095) + 1), new IPAddress(BitConverter.GetBytes(sender)), vips);
        var authTag = (tag ?? []).Take(64).ToArray();
        var decoded = VrrpAdvertCodec.Decode(VrrpAdvertCodec.Encode(advert, authTag));
        return decoded.Advert.VirtualRouterId == advert.VirtualRouterId
            && decoded.Advert.Priority == advert.Priority
            && decoded.Advert.AdvertIntervalCentiseconds == advert.AdvertIntervalCentiseconds
            && decoded.Advert.Sender.Equals(advert.Sender)
            && decoded.Advert.Vips.SequenceEqual(advert.Vips)
            && decoded.AuthTag.SequenceEqual(authTag);
    }
}
