using System.Net;
using System.Net.NetworkInformation;
using LvsHa.Vrrp.Wire;

namespace LvsHa.Vrrp.Tests.Wire;

public class AnnouncementFrameTests
{
    private static readonly PhysicalAddress Mac = PhysicalAddress.Parse("02-00-5E-10-00-01");

    [Fact]
    public void GratuitousArp_Build_MatchesGoldenFrame()
    {
        var expected = Bytes.Hex(
            "ff ff ff ff ff ff 02 00 5e 10 00 01 08 06" // broadcast, our MAC, ARP
            + " 00 01 08 00 06 04 00 01" // Ethernet/IPv4, request
            + " 02 00 5e 10 00 01 c0 a8 01 64" // sender = MAC, VIP
            + " ff ff ff ff ff ff c0 a8 01 64"); // target = broadcast, VIP
        Assert.Equal(expected, GratuitousArp.Build(Mac, IPAddress.Parse("192.168.1.100")));
    }

    [Fact]
    public void GratuitousArp_Ipv6VipOrShortMac_Throws()
    {
        Assert.Throws<ArgumentException>(() => GratuitousArp.Build(Mac, IPAddress.Parse("2001:db8::1")));
        Assert.Throws<ArgumentException>(() => GratuitousArp.Build(new PhysicalAddress([1, 2, 3]), IPAddress.Parse("10.0.0.1")));
    }

    [Fact]
    public void UnsolicitedNeighborAdvertisement_Build_MatchesGoldenFrame()
    {
        var expected = Bytes.Hex(
            "33 33 00 00 00 01 02 00 5e 10 00 01 86 dd" // all-nodes MAC, our MAC, IPv6
            + " 60 00 00 00 00 20 3a ff" // v6, payload 32, ICMPv6, hop limit 255
            + " 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 01 00" // source = VIP
            + " ff 02 00 00 00 00 00 00 00 00 00 00 00 00 00 01" // ff02::1
            + " 88 00 99 1c 20 00 00 00" // NA, checksum, O flag
            + " 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 01 00" // target = VIP
            + " 02 01 02 00 5e 10 00 01"); // target link-layer address option
        var frame = UnsolicitedNeighborAdvertisement.Build(Mac, IPAddress.Parse("2001:db8::100"), router: false);
        Assert.Equal(expected, frame);
        Assert.True(Bytes.ChecksumVerifies(Bytes.Ipv6PseudoHeader("2001:db8::100", "ff02::1", 58, 32), frame[54..]));
    }

    [Fact]
    public void UnsolicitedNeighborAdvertisement_Router_SetsRouterFlagAndKeepsChecksumValid()
    {
        var frame = UnsolicitedNeighborAdvertisement.Build(Mac, IPAddress.Parse("2001:db8::100"), router: true);
        Assert.Equal(0xA0, frame[58]);
        Assert.True(Bytes.ChecksumVerifies(Bytes.Ipv6PseudoHeader("2001:db8::100", "ff02::1", 58, 32), frame[54..]));
    }

    [Fact]
    public void UnsolicitedNeighborAdvertisement_Ipv4Vip_Throws() =>
        Assert.Throws<ArgumentException>(() => UnsolicitedNeighborAdvertisement.Build(Mac, IPAddress.Parse("10.0.0.1"), router: false));

    [Fact]
    public void InternetChecksum_Rfc1071Example_IsComplementOfSum()
    {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (end-around carry), checksum 220d.
        Assert.Equal(0x220d, InternetChecksum.Compute(Bytes.Hex("00 01 f2 03 f4 f5 f6 f7")));
        Assert.Equal(0xfeff, InternetChecksum.Compute([0x01]));
    }
}
