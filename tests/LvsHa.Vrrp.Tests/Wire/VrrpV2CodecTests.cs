using System.Net;
using LvsHa.Vrrp.Wire;

namespace LvsHa.Vrrp.Tests.Wire;

public class VrrpV2CodecTests
{
    // RFC 3768 layout as keepalived 2.2.7 sends it: 8-byte header, the address, 8 bytes of authentication data.
    private static readonly byte[] GoldenNoAuth = Bytes.Hex("21 33 64 01 00 01 70 98 0a 00 00 32 00 00 00 00 00 00 00 00");
    private static readonly byte[] GoldenPass = Bytes.Hex("21 33 64 01 01 01 33 7e 0a 00 00 32 73 33 63 72 65 74 00 00");

    private static readonly IPAddress Vip = IPAddress.Parse("10.0.0.50");

    [Fact]
    public void Encode_NoAuthentication_MatchesGoldenBytes()
    {
        var bytes = VrrpV2Codec.Encode(new VrrpV2Packet(51, 100, 1, VrrpV2AuthType.None, new byte[8], [Vip]));
        Assert.Equal(GoldenNoAuth, bytes);
        Assert.True(Bytes.ChecksumVerifies(bytes));
    }

    [Fact]
    public void Encode_Pass_PasswordInTheAuthenticationData()
    {
        var bytes = VrrpV2Codec.Encode(new VrrpV2Packet(51, 100, 1, VrrpV2AuthType.SimplePassword, "s3cret\0\0"u8.ToArray(), [Vip]));
        Assert.Equal(GoldenPass, bytes);
    }

    [Fact]
    public void Decode_Golden_ReadsEveryField()
    {
        var packet = VrrpV2Codec.Decode(GoldenPass);
        Assert.Equal((51, 100, 1, VrrpV2AuthType.SimplePassword), (packet.VirtualRouterId, packet.Priority, packet.AdvertIntervalSeconds, packet.AuthType));
        Assert.Equal("s3cret\0\0"u8.ToArray(), packet.AuthData.ToArray());
        Assert.Equal([Vip], packet.Addresses);
    }

    [Theory]
    [InlineData("21 33 64 01 00 01 70 99 0a 00 00 32 00 00 00 00 00 00 00 00", true)]  // checksum off by one
    [InlineData("21 33 64 01 00 01 70 98 0a 00 00 32 00 00 00 00 00 00 00", false)]    // truncated
    [InlineData("21 33 64 02 00 01 70 98 0a 00 00 32 00 00 00 00 00 00 00 00", false)] // count says 2 addresses
    [InlineData("22 33 64 01 00 01 70 98 0a 00 00 32 00 00 00 00 00 00 00 00", false)] // type 2
    [InlineData("21 00 64 01 00 01 70 98 0a 00 00 32 00 00 00 00 00 00 00 00", false)] // VRID 0
    public void Decode_Damaged_ThrowsFormatException(string hex, bool checksum)
    {
        var e = Assert.Throws<VrrpFormatException>(() => VrrpV2Codec.Decode(Bytes.Hex(hex)));
        Assert.Equal(checksum, e.ChecksumMismatch);
    }

    [Fact]
    public void Decode_RandomBytes_OnlyFormatExceptions()
    {
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (bytes.Length > 0 && random.Next(2) == 0)
                bytes[0] = 0x21;
            try
            {
                VrrpV2Codec.Decode(bytes);
            }
            catch (VrrpFormatException)
            {
            }
        }
    }
}
