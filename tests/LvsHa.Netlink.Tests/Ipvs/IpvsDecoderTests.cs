using System.Net;
using System.Net.Sockets;
using LvsHa.Netlink.Core;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Netlink.Tests.Ipvs;

// Replies written the way ip_vs_ctl.c fills them (ip_vs_genl_fill_service/_dest/_daemon, ip_vs_genl_get_cmd).
public class IpvsDecoderTests
{
    private static readonly IpvsServiceKey TcpKey = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80);

    private static T Parse<T>(byte[] datagram, ParseFunc<T> parse)
    {
        var reader = new NetlinkMessageReader(datagram);
        Assert.True(reader.TryRead(out var message));
        var result = parse(message);
        Assert.False(reader.TryRead(out _));
        return result;
    }

    private delegate T ParseFunc<T>(in NetlinkMessage message);

    [Fact]
    public void ParseService_KernelReplyWithBothStats_Prefers64BitAndDropsHashed()
    {
        var datagram = Wire.Message(0x23, "01 01 0000 | 9400 0100 | 0600 0100 0200 0000 | 0600 0200 0600 0000 | " +
            "1400 0300 0a000001 00000000 00000000 00000000 | 0600 0400 0050 0000 | 0800 0600 776c6300 | 0c00 0700 03000000 ffffffff | " +
            "0800 0800 68010000 | 0800 0900 ffffff00 | 1800 0a00 0800 0100 05000000 0c00 0400 e803000000000000 | " +
            "2800 0c00 0c00 0100 0500000000000000 0c00 0400 00e40b5402000000 0c00 0600 0300000000000000");

        var entry = Parse(datagram, IpvsMessages.ParseService);

        Assert.Equal(new IpvsService(TcpKey, "wlc", IpvsServiceFlags.Persistent, 360, 24), entry.Service);
        Assert.Equal(IpvsStats.Zero with { Connections = 5, InBytes = 10_000_000_000, ConnectionsPerSecond = 3 }, entry.Stats);
    }

    [Fact]
    public void ParseService_Only32BitStats_ReadsU32CountersAndU64Bytes()
    {
        var datagram = Wire.Message(0x23, "01 01 0000 | 4c00 0100 | 0600 0100 0a00 0000 | 0800 0500 2a000000 | 0700 0600 736800 00 | " +
            "0800 0b00 73697000 | 0800 0900 40000000 | 2000 0a00 0800 0200 07000000 0800 0300 08000000 0c00 0500 0900000000000000");

        var entry = Parse(datagram, IpvsMessages.ParseService);

        Assert.Equal(new IpvsService(IpvsServiceKey.ForFwmark(AddressFamily.InterNetworkV6, 42), "sh", IpvsServiceFlags.None, 0, 64, "sip"), entry.Service);
        Assert.Equal(IpvsStats.Zero with { InPackets = 7, OutPackets = 8, OutBytes = 9 }, entry.Stats);
    }

    [Fact]
    public void ParseDestination_GueTunnelWithCounters_ReadsEverything()
    {
        var datagram = Wire.Message(0x23, "05 01 0000 | 8800 0200 | 1400 0100 0a000105 00000000 00000000 00000000 | 0600 0200 1f90 0000 | " +
            "0800 0300 02000000 | 0800 0400 03000000 | 0500 0d00 01 000000 | 0600 0e00 17c0 0000 | 0600 0f00 0100 0000 | " +
            "0800 0500 64000000 | 0800 0600 0a000000 | 0800 0700 0b000000 | 0800 0800 0c000000 | 0800 0900 0d000000 | " +
            "0600 0b00 0200 0000 | 1000 0c00 0c00 0100 0e00000000000000");

        var entry = Parse(datagram, (in NetlinkMessage m) => IpvsMessages.ParseDestination(m, TcpKey));

        Assert.Equal(new IpvsDestination(TcpKey, IPAddress.Parse("10.0.1.5"), 8080, IpvsForwarding.Tunnel, 3, 100, 10,
            new IpvsTunnel(IpvsTunnelType.Gue, 6080, IpvsTunnelFlags.Checksum)), entry.Destination);
        Assert.Equal((11u, 12u, 13u), (entry.ActiveConnections, entry.InactiveConnections, entry.PersistentConnections));
        Assert.Equal(14ul, entry.Stats.Connections);
    }

    [Fact]
    public void ParseDestination_DirectRouteWithZeroTunnelFields_HasNoTunnel()
    {
        var datagram = Wire.Message(0x23, "05 01 0000 | 4800 0200 | 1400 0100 0a000105 00000000 00000000 00000000 | 0600 0200 0050 0000 | " +
            "0800 0300 03000000 | 0800 0400 01000000 | 0500 0d00 00 000000 | 0600 0e00 0000 0000 | 0600 0f00 0000 0000");

        var entry = Parse(datagram, (in NetlinkMessage m) => IpvsMessages.ParseDestination(m, TcpKey));

        Assert.Equal(new IpvsDestination(TcpKey, IPAddress.Parse("10.0.1.5"), 80, IpvsForwarding.DirectRoute, 1), entry.Destination);
        Assert.Equal(IpvsStats.Zero, entry.Stats);
    }

    [Fact]
    public void ParseInfo_VersionCode_DecodesMajorMinorPatch()
    {
        var info = Parse(Wire.Message(0x23, "0e 01 0000 | 0800 0100 01020100 | 0800 0200 00100000"), IpvsMessages.ParseInfo);
        Assert.Equal(new IpvsInfo(new Version(1, 2, 1), 4096), info);
    }

    [Fact]
    public void ParseInfo_MissingTableSize_IsProtocolError()
    {
        Assert.Throws<NetlinkProtocolException>(() => Parse(Wire.Message(0x23, "0e 01 0000 | 0800 0100 01020100"), IpvsMessages.ParseInfo));
    }

    [Fact]
    public void ParseTimeouts_ThreeValues()
    {
        var timeouts = Parse(Wire.Message(0x23, "0c 01 0000 | 0800 0400 84030000 | 0800 0500 78000000 | 0800 0600 2c010000"), IpvsMessages.ParseTimeouts);
        Assert.Equal(new IpvsTimeouts(900, 120, 300), timeouts);
    }

    [Fact]
    public void ParseDaemon_BackupWithGroup_ReadsAll()
    {
        var datagram = Wire.Message(0x23, "09 01 0000 | 4000 0300 | 0800 0100 02000000 | 0900 0200 65746830 00 000000 | 0800 0300 05000000 | " +
            "0600 0400 c005 0000 | 0800 0500 ef010203 | 0600 0700 9022 0000 | 0500 0800 02 000000");
        var daemon = Parse(datagram, IpvsMessages.ParseDaemon);
        Assert.Equal(new IpvsSyncDaemon(IpvsSyncDaemonRole.Backup, "eth0", 5, 1472, 8848, 2, IPAddress.Parse("239.1.2.3")), daemon);
    }

    [Fact]
    public void ParseFamily_ControllerReply_ReadsIdAndVersion()
    {
        var datagram = Wire.Message(0x10, "01 02 0000 | 0900 0200 49505653 00 000000 | 0600 0100 2300 0000 | 0800 0300 01000000 | " +
            "0800 0400 00000000 | 0800 0500 11000000 | 0400 0600");
        var family = Parse(datagram, GenericNetlink.ParseFamily);
        Assert.Equal(new GenericNetlinkFamily("IPVS", 0x23, 1, 17), family);
    }

    [Fact]
    public void ParseError_CappedWithExtendedAckText_ReturnsErrnoAndText()
    {
        // NLMSG_ERROR flags CAPPED|ACK_TLVS: error -17, the request's header, NLMSGERR_ATTR_MSG "bad".
        var datagram = Wire.Message(2, "efffffff | 14000000 2300 0500 07000000 00000000 | 0800 0100 62616400", flags: 0x300);
        var (errno, text) = Parse(datagram, NetlinkConnection.ParseError);
        Assert.Equal((17, "bad"), (errno, text));
    }

    [Fact]
    public void ParseError_UncappedEchoThenTlv_SkipsTheEchoedRequest()
    {
        var datagram = Wire.Message(2, "feffffff | 18000000 1400 0506 07000000 00000000 02180000 03000000 | 0800 0100 78797a00", flags: 0x200);
        Assert.Equal((2, "xyz"), Parse(datagram, NetlinkConnection.ParseError));
    }

    [Fact]
    public void ParseError_Ack_IsErrnoZero()
    {
        Assert.Equal((0, (string?)null), Parse(Wire.Message(2, "00000000 | 14000000 2300 0500 07000000 00000000", flags: 0x100), NetlinkConnection.ParseError));
    }

    [Fact]
    public void ParseError_PositiveError_IsProtocolError()
    {
        Assert.Throws<NetlinkProtocolException>(() => Parse(Wire.Message(2, "11000000"), NetlinkConnection.ParseError));
    }

    [Fact]
    public void ParseService_UnknownAndZeroLengthAttributes_AreSkipped()
    {
        var datagram = Wire.Message(0x23, "01 01 0000 | 0400 6300 | 4000 0100 | 0400 6300 | 0600 0100 0200 0000 | 0800 0500 07000000 | " +
            "0800 0600 72720000 | 0800 6400 01020304 | 0400 0b00 | 0c00 0700 00000000 ffffffff | 0800 0900 ffffffff");
        var entry = Parse(datagram, IpvsMessages.ParseService);
        Assert.Equal(new IpvsService(IpvsServiceKey.ForFwmark(AddressFamily.InterNetwork, 7), "rr", NetmaskPrefixLength: 32), entry.Service);
    }

    [Theory]
    [InlineData("01 01 0000 | 0c00 0100 | 0600 0100 0200")] // service attribute claims 12 bytes, 8 present
    [InlineData("01 01 0000 | 0800 0100 | 0300 0100")] // attribute length below the header size
    [InlineData("01 01 0000 | 1000 0100 | 0600 0100 0200 0000 | 0500 0500 07")] // fwmark of 1 byte
    [InlineData("01 01 0000 | 0c00 0100 | 0600 0100 0700 0000")] // address family 7
    [InlineData("01 01 0000 | 0400 0100")] // service without family
    [InlineData("01 01")] // genl header cut
    public void ParseService_BrokenInput_IsProtocolError(string payload)
    {
        Assert.Throws<NetlinkProtocolException>(() => Parse(Wire.Message(0x23, payload), IpvsMessages.ParseService));
    }
}
