using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using LvsHa.Vrrp.Wire;

namespace LvsHa.Vrrp.Tests.Lab;

/// <summary>Our codecs and frame builders against keepalived 2.2.7 itself, in two network namespaces.</summary>
[Trait("Category", "Lab")]
public class KeepalivedInteropTests
{
    private static readonly PhysicalAddress MacA = PhysicalAddress.Parse(KeepalivedLab.MacA.Replace(':', '-'));

    [Fact]
    public async Task Keepalived_BecomingMasterAndStopping_SendsFramesOurCodecsDecodeAndBuildByteForByte()
    {
        using var lab = new KeepalivedLab();
        var capture = lab.CaptureAsync(TimeSpan.FromSeconds(4));
        lab.StartKeepalived();
        Assert.True(KeepalivedLab.WaitFor(lab.AHoldsVip, TimeSpan.FromSeconds(3)), $"keepalived never became master: {File.ReadAllText(lab.KeepalivedLog)}");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        lab.StopKeepalived();
        var frames = await capture;

        var garps = frames.Where(f => EtherType(f) == 0x0806).ToList();
        var expectedGarp = GratuitousArp.Build(MacA, IPAddress.Parse(KeepalivedLab.Vip4));
        Assert.True(garps.Count >= 10, $"expected 2 bursts of 5 gratuitous ARPs, saw {garps.Count}");
        Assert.All(garps, g => Assert.Equal(expectedGarp, g[..GratuitousArp.FrameLength]));

        var expectedNa = UnsolicitedNeighborAdvertisement.Build(MacA, IPAddress.Parse(KeepalivedLab.Vip6), lab.ForwardsIpv6);
        var nas = frames.Where(f => EtherType(f) == 0x86DD && f.Length >= 78 && f[20] == 58 && f[54] == 136
            && new IPAddress(f.AsSpan(62, 16)).Equals(IPAddress.Parse(KeepalivedLab.Vip6))).ToList();
        Assert.True(nas.Count >= 10, $"expected 2 bursts of 5 neighbour advertisements, saw {nas.Count}");
        Assert.All(nas, n => Assert.Equal(expectedNa, n));

        var advertFrames = frames.Where(f => EtherType(f) == 0x0800 && f[23] == VrrpV3Codec.IpProtocol).ToList();
        var adverts = advertFrames.Select(DecodeVrrp).ToList();

        // Byte for byte what our sender builds for the same instance (golden bytes taken from keepalived itself).
        var ours = new VrrpWire(new VrrpWireSettings
        {
            VirtualRouterId = 51, Version = 3, LocalAddress = IPAddress.Parse(KeepalivedLab.AddressA),
            Vips = [IPAddress.Parse(KeepalivedLab.Vip4)], AdvertInterval = TimeSpan.FromMilliseconds(100),
        });
        Assert.Equal(ours.Build(150, TimeSpan.FromMilliseconds(100), VrrpV3Codec.MulticastGroupV4), IpPayload(advertFrames[0]));
        Assert.Equal(ours.Build(0, TimeSpan.FromMilliseconds(100), VrrpV3Codec.MulticastGroupV4), IpPayload(advertFrames[^1]));
        Assert.Equal(0xC0, advertFrames[0][15]); // TOS: network control, as LvsHa's sender sets it
        Assert.True(adverts.Count >= 15, $"expected adverts every 0.1 s, saw {adverts.Count}");
        Assert.All(adverts, a =>
        {
            Assert.Equal(51, a.VirtualRouterId);
            Assert.Equal(10, a.MaxAdvertIntervalCentiseconds);
            Assert.Equal([IPAddress.Parse(KeepalivedLab.Vip4)], a.Addresses);
        });
        Assert.Equal(150, adverts[0].Priority);
        Assert.Equal(0, adverts[^1].Priority); // the graceful stop

        // The IPv6 instance: link-local source to ff02::12, checksum over the IPv6 pseudo-header.
        var adverts6 = frames.Where(f => EtherType(f) == 0x86DD && f.Length > 54 && f[20] == VrrpV3Codec.IpProtocol).Select(DecodeVrrp6).ToList();
        Assert.True(adverts6.Count >= 15, $"expected IPv6 adverts every 0.1 s, saw {adverts6.Count}");
        Assert.All(adverts6, a =>
        {
            Assert.Equal(52, a.VirtualRouterId);
            Assert.Equal([IPAddress.Parse(KeepalivedLab.Vip6Instance)], a.Addresses);
        });
        Assert.Equal(120, adverts6[0].Priority);
    }

    [Fact]
    public async Task OurVrrpV3Advert_HigherPriority_KeepalivedStepsDownAndTakesOverWhenWeStop()
    {
        using var lab = new KeepalivedLab();
        lab.StartKeepalived();
        Assert.True(KeepalivedLab.WaitFor(lab.AHoldsVip, TimeSpan.FromSeconds(3)), $"keepalived never became master: {File.ReadAllText(lab.KeepalivedLog)}");

        var advert = VrrpV3Codec.Encode(
            new VrrpV3Packet(51, 200, 10, [IPAddress.Parse(KeepalivedLab.Vip4)]),
            IPAddress.Parse(KeepalivedLab.AddressB),
            VrrpV3Codec.MulticastGroupV4);
        // The sender is a Python process in the other namespace: on a loaded CI host its start alone can take more
        // than a second (a 2 s wait failed once in CI), so it sends for 6 s and the wait allows 5.
        var sending = Task.Run(() => lab.SendVrrp(advert, TimeSpan.FromSeconds(6), TimeSpan.FromMilliseconds(100)));
        Assert.True(
            KeepalivedLab.WaitFor(() => !lab.AHoldsVip(), TimeSpan.FromSeconds(5)),
            $"keepalived ignored our priority-200 advert: {File.ReadAllText(lab.KeepalivedLog)}");
        await sending;

        // Our adverts stopped: keepalived's Master_Down_Interval (3 x 0.1 s + skew) later it is master again.
        Assert.True(KeepalivedLab.WaitFor(lab.AHoldsVip, TimeSpan.FromSeconds(2)), File.ReadAllText(lab.KeepalivedLog));
        Assert.Contains("Entering BACKUP STATE", File.ReadAllText(lab.KeepalivedLog), StringComparison.Ordinal);
    }

    private static VrrpV3Packet DecodeVrrp6(byte[] frame)
    {
        var ip = frame.AsSpan(14);
        Assert.Equal(255, ip[7]); // hop limit 255
        var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        return VrrpV3Codec.Decode(ip.Slice(40, payloadLength), new IPAddress(ip.Slice(8, 16)), new IPAddress(ip.Slice(24, 16)));
    }

    private static byte[] IpPayload(byte[] frame)
    {
        var ip = frame.AsSpan(14);
        return ip[((ip[0] & 0x0F) * 4)..BinaryPrimitives.ReadUInt16BigEndian(ip[2..])].ToArray();
    }

    private static int EtherType(byte[] frame) => frame.Length >= 14 ? BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) : 0;

    private static VrrpV3Packet DecodeVrrp(byte[] frame)
    {
        var ip = frame.AsSpan(14);
        var headerLength = (ip[0] & 0x0F) * 4;
        Assert.Equal(255, ip[8]); // RFC 5798: TTL 255
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        return VrrpV3Codec.Decode(ip[headerLength..totalLength], new IPAddress(ip.Slice(12, 4)), new IPAddress(ip.Slice(16, 4)));
    }
}
