using System.Net;
using LvsHa.Vrrp.Wire;

namespace LvsHa.Vrrp.Tests.Wire;

public class VrrpWireTests
{
    private static readonly IPAddress Local = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress Peer = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress Vip = IPAddress.Parse("10.0.0.50");
    private static readonly IPAddress Group = VrrpV3Codec.MulticastGroupV4;

    private static VrrpWireSettings Settings(int version = 3, string? password = null) => new()
    {
        VirtualRouterId = 51,
        Version = version,
        LocalAddress = Local,
        Vips = [Vip],
        AdvertInterval = TimeSpan.FromSeconds(1),
        Password = password,
    };

    // What the peer sends: the same instance with the peer's address as source.
    private static byte[] FromPeer(VrrpWireSettings settings, byte priority = 100, IPAddress? destination = null) =>
        new VrrpWire(settings with { LocalAddress = Peer }).Build(priority, settings.AdvertInterval, destination ?? Group);

    private static WireVerdict Check(VrrpWireSettings settings, byte[] message, int ttl = 255, IPAddress? destination = null, IPAddress? master = null) =>
        new VrrpWire(settings).Check(new ReceivedVrrpPacket(Peer, destination ?? Group, ttl, message), master);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Check_PeerAdvert_Accepted(int version)
    {
        var verdict = Check(Settings(version), FromPeer(Settings(version), 120));
        Assert.Equal(new AdvertReceived(Peer, 120, TimeSpan.FromSeconds(1)), verdict.Advert);
        Assert.Null(verdict.Drop);
    }

    [Fact]
    public void Build_Vrrpv2WithPass_GoldenBytes()
    {
        var bytes = new VrrpWire(Settings(2, "s3cret") with { LocalAddress = Peer }).Build(100, TimeSpan.FromSeconds(1), Group);
        Assert.Equal(Bytes.Hex("21 33 64 01 01 01 33 7e 0a 00 00 32 73 33 63 72 65 74 00 00"), bytes);
    }

    [Fact]
    public void Check_Ttl254OnMulticast_DroppedBadTtl() =>
        Assert.Equal(AdvertDropReason.BadTtl, Check(Settings(), FromPeer(Settings()), ttl: 254).Drop);

    [Fact]
    public void Check_Ttl64OnUnicast_Accepted()
    {
        var settings = Settings() with { UnicastPeers = [Peer] };
        Assert.NotNull(Check(settings, FromPeer(settings, destination: Local), ttl: 64, destination: Local).Advert);
    }

    [Fact]
    public void Check_Vrrpv2AdvertToVrrpv3Instance_DroppedWrongVersion() =>
        Assert.Equal(AdvertDropReason.WrongVersion, Check(Settings(3), FromPeer(Settings(2))).Drop);

    [Fact]
    public void Check_WrongPassword_DroppedAuthenticationMismatch() =>
        Assert.Equal(AdvertDropReason.AuthenticationMismatch, Check(Settings(2, "right"), FromPeer(Settings(2, "wrong"))).Drop);

    [Fact]
    public void Check_PasswordAgainstNone_DroppedAuthenticationMismatch() =>
        Assert.Equal(AdvertDropReason.AuthenticationMismatch, Check(Settings(2), FromPeer(Settings(2, "x"))).Drop);

    [Fact]
    public void Check_Vrrpv2OtherInterval_DroppedIntervalMismatch() =>
        Assert.Equal(AdvertDropReason.IntervalMismatch, Check(Settings(2), FromPeer(Settings(2) with { AdvertInterval = TimeSpan.FromSeconds(2) })).Drop);

    [Fact]
    public void Check_Vrrpv3OtherInterval_AcceptedAndAdopted() =>
        Assert.Equal(TimeSpan.FromSeconds(2), Check(Settings(), FromPeer(Settings() with { AdvertInterval = TimeSpan.FromSeconds(2) })).Advert!.AdvertInterval);

    [Fact]
    public void Check_BadChecksum_DroppedBadChecksum()
    {
        var message = FromPeer(Settings());
        message[^1] ^= 1;
        Assert.Equal(AdvertDropReason.BadChecksum, Check(Settings(), message).Drop);
    }

    [Fact]
    public void Check_Truncated_DroppedMalformed() =>
        Assert.Equal(AdvertDropReason.Malformed, Check(Settings(), FromPeer(Settings())[..6]).Drop);

    [Fact]
    public void Check_OtherAddressList_DroppedUnlessSkipCheckAndFromTheMaster()
    {
        var other = FromPeer(Settings() with { Vips = [IPAddress.Parse("10.0.0.51")] });
        Assert.Equal(AdvertDropReason.AddressListMismatch, Check(Settings(), other).Drop);
        var skip = Settings() with { SkipCheckAdvertAddresses = true };
        Assert.Equal(AdvertDropReason.AddressListMismatch, Check(skip, other).Drop);
        Assert.NotNull(Check(skip, other, master: Peer).Advert);
    }

    [Fact]
    public void Check_MulticastAdvertToUnicastInstance_DroppedUnicastMismatch()
    {
        var settings = Settings() with { UnicastPeers = [Peer] };
        Assert.Equal(AdvertDropReason.UnicastMismatch, Check(settings, FromPeer(Settings())).Drop);
    }

    [Fact]
    public void Check_OwnAdvert_NeitherAcceptedNorDropped()
    {
        var wire = new VrrpWire(Settings());
        var verdict = wire.Check(new ReceivedVrrpPacket(Local, Group, 255, wire.Build(100, TimeSpan.FromSeconds(1), Group)), null);
        Assert.Same(WireVerdict.Own, verdict);
    }

    [Fact]
    public void Check_Ipv6PacketForIpv4Instance_DroppedWrongFamily() =>
        Assert.Equal(
            AdvertDropReason.WrongFamily,
            new VrrpWire(Settings()).Check(new ReceivedVrrpPacket(IPAddress.Parse("fe80::2"), VrrpV3Codec.MulticastGroupV6, 255, new byte[16]), null).Drop);

    [Fact]
    public void Destinations_UnicastPeers_OnePacketEach()
    {
        var wire = new VrrpWire(Settings() with { UnicastPeers = [Peer, IPAddress.Parse("10.0.0.3")] });
        Assert.Equal([Peer, IPAddress.Parse("10.0.0.3")], wire.Destinations);
        Assert.Equal([Group], new VrrpWire(Settings()).Destinations);
    }

    [Fact]
    public void Check_RandomBytes_NeverThrows()
    {
        var random = new Random(11);
        var wire2 = new VrrpWire(Settings(2, "pw"));
        var wire3 = new VrrpWire(Settings(3));
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 40)];
            random.NextBytes(bytes);
            if (bytes.Length > 1)
                bytes[0] = random.Next(2) == 0 ? (byte)0x21 : (byte)0x31;
            var packet = new ReceivedVrrpPacket(Peer, Group, random.Next(2) == 0 ? 255 : random.Next(256), bytes);
            var verdict = wire2.Check(packet, null);
            Assert.True((verdict.Advert is null) != (verdict.Drop is null) || verdict == WireVerdict.Own);
            _ = wire3.Check(packet, Peer);
        }
    }
}
