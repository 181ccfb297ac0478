using System.Net;
using LvsHa.Vrrp.Wire;

namespace LvsHa.Vrrp.Tests.Wire;

public class VrrpV3CodecTests
{
    private static readonly IPAddress SourceV4 = IPAddress.Parse("192.168.1.10");
    private static readonly IPAddress SourceV6 = IPAddress.Parse("fe80::1");

    private static readonly byte[] GoldenV4 = Bytes.Hex("31 33 64 02 00 64 44 06 c0 a8 01 64 c0 a8 01 65");
    private static readonly byte[] GoldenV6 = Bytes.Hex("31 33 96 01 00 0a 0b e9 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 01 00");

    private static VrrpV3Packet PacketV4() =>
        new(51, 100, 100, [IPAddress.Parse("192.168.1.100"), IPAddress.Parse("192.168.1.101")]);

    [Fact]
    public void Encode_Ipv4_MatchesRfc5798GoldenBytes()
    {
        var bytes = VrrpV3Codec.Encode(PacketV4(), SourceV4, VrrpV3Codec.MulticastGroupV4);
        Assert.Equal(GoldenV4, bytes);
        Assert.True(Bytes.ChecksumVerifies(Bytes.Ipv4PseudoHeader("192.168.1.10", "224.0.0.18", 112, bytes.Length), bytes));
    }

    [Fact]
    public void Encode_Ipv6_MatchesRfc5798GoldenBytes()
    {
        var packet = new VrrpV3Packet(51, 150, 10, [IPAddress.Parse("2001:db8::100")]);
        var bytes = VrrpV3Codec.Encode(packet, SourceV6, VrrpV3Codec.MulticastGroupV6);
        Assert.Equal(GoldenV6, bytes);
        Assert.True(Bytes.ChecksumVerifies(Bytes.Ipv6PseudoHeader("fe80::1", "ff02::12", 112, bytes.Length), bytes));
    }

    [Fact]
    public void Decode_Golden_ReadsEveryField()
    {
        var packet = VrrpV3Codec.Decode(GoldenV4, SourceV4, VrrpV3Codec.MulticastGroupV4);
        Assert.Equal(51, packet.VirtualRouterId);
        Assert.Equal(100, packet.Priority);
        Assert.Equal(100, packet.MaxAdvertIntervalCentiseconds);
        Assert.Equal([IPAddress.Parse("192.168.1.100"), IPAddress.Parse("192.168.1.101")], packet.Addresses);
        var v6 = VrrpV3Codec.Decode(GoldenV6, SourceV6, VrrpV3Codec.MulticastGroupV6);
        Assert.Equal([IPAddress.Parse("2001:db8::100")], v6.Addresses);
    }

    [Fact]
    public void Decode_ChecksumFromAnotherSource_IsRejected()
    {
        var error = Assert.Throws<VrrpFormatException>(() => VrrpV3Codec.Decode(GoldenV4, IPAddress.Parse("192.168.1.11"), VrrpV3Codec.MulticastGroupV4));
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void Decode_ReservedBitsSet_AreIgnored()
    {
        // Reserved bits change the checksummed word, so re-encode by hand: set them and fix the checksum.
        var bytes = (byte[])GoldenV4.Clone();
        bytes[4] |= 0xF0;
        bytes[6] = 0;
        bytes[7] = 0;
        var sum = InternetChecksum.WithPseudoHeader(SourceV4, VrrpV3Codec.MulticastGroupV4, 112, bytes);
        bytes[6] = (byte)(sum >> 8);
        bytes[7] = (byte)sum;
        Assert.Equal(100, VrrpV3Codec.Decode(bytes, SourceV4, VrrpV3Codec.MulticastGroupV4).MaxAdvertIntervalCentiseconds);
    }

    [Theory]
    [InlineData(0, 0x21, "version")]
    [InlineData(0, 0x32, "type")]
    [InlineData(1, 0x00, "VRID 0")]
    [InlineData(3, 0x03, "addresses need")]
    public void Decode_BadHeaderField_IsRejected(int offset, byte value, string reason)
    {
        var bytes = (byte[])GoldenV4.Clone();
        bytes[offset] = value;
        var error = Assert.Throws<VrrpFormatException>(() => VrrpV3Codec.Decode(bytes, SourceV4, VrrpV3Codec.MulticastGroupV4));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Encode_AddressOfOtherFamily_Throws() =>
        Assert.Throws<ArgumentException>(() => VrrpV3Codec.Encode(new VrrpV3Packet(1, 1, 1, [IPAddress.Parse("::1")]), SourceV4, VrrpV3Codec.MulticastGroupV4));

    [Fact]
    public void Decode_RandomAndMutatedInput_ThrowsOnlyVrrpFormatException()
    {
        var random = new Random(5798);
        var buffer = new byte[64];
        for (var i = 0; i < 50_000; i++)
        {
            var length = random.Next(buffer.Length);
            byte[] input;
            if (i % 2 == 0)
            {
                random.NextBytes(buffer);
                input = buffer[..length];
            }
            else
            {
                input = (byte[])GoldenV4.Clone();
                input[random.Next(input.Length)] = (byte)random.Next(256);
                input = input[..Math.Min(input.Length, length)];
            }

            try
            {
                var packet = VrrpV3Codec.Decode(input, SourceV4, VrrpV3Codec.MulticastGroupV4);
                Assert.Equal(input, VrrpV3Codec.Encode(packet, SourceV4, VrrpV3Codec.MulticastGroupV4));
            }
            catch (VrrpFormatException)
            {
            }
        }
    }

    [FsCheck.Xunit.Property]
    public bool EncodeDecode_AnyPacket_RoundTrips(byte vrid, byte priority, ushort interval, uint[] addresses)
    {
        if (addresses is null || addresses.Length == 0)
            addresses = [1];
        var packet = new VrrpV3Packet(
            (byte)Math.Max((int)vrid, 1),
            priority,
            (ushort)((interval % 4095) + 1),
            addresses.Take(255).Select(a => new IPAddress(BitConverter.GetBytes(a))).ToArray());
        var bytes = VrrpV3Codec.Encode(packet, SourceV4, VrrpV3Codec.MulticastGroupV4);
        var back = VrrpV3Codec.Decode(bytes, SourceV4, VrrpV3Codec.MulticastGroupV4);
        return back.VirtualRouterId == packet.VirtualRouterId && back.Priority == packet.Priority
            && back.MaxAdvertIntervalCentiseconds == packet.MaxAdvertIntervalCentiseconds
            && back.Addresses.SequenceEqual(packet.Addresses)
            && Bytes.ChecksumVerifies(Bytes.Ipv4PseudoHeader("192.168.1.10", "224.0.0.18", 112, bytes.Length), bytes);
    }
}
