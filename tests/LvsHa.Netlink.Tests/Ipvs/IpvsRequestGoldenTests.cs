using System.Net;
using System.Net.Sockets;
using LvsHa.Netlink.Core;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Netlink.Tests.Ipvs;

// Expected bytes are written by hand from include/uapi/linux/ip_vs.h and netlink.h (x86-64, little-endian host):
// nlmsghdr | genlmsghdr | attributes, each attribute "len type value pad". Family id 0x23, sequence 1.
public class IpvsRequestGoldenTests
{
    private const ushort Family = 0x23;

    private static readonly IpvsServiceKey TcpKey = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80);

    // Nested service key of TcpKey: AF=2, PROTOCOL=6, ADDR 10.0.0.1 as 16-byte nf_inet_addr, PORT 80 big-endian.
    private const string TcpKeyAttributes =
        "0600 0100 0200 0000 | 0600 0200 0600 0000 | 1400 0300 0a000001 00000000 00000000 00000000 | 0600 0400 0050 0000";

    private static string Build(IpvsOperation operation) => Hex.Written(w => IpvsMessages.WriteOperation(w, Family, 1, operation));

    private static string Build(Action<NetlinkWriter> build) => Hex.Written(build);

    private static string Expect(string text) => Hex.Expect(text);

    [Fact]
    public void AddService_Tcp4Defaults_MatchesKernelLayout()
    {
        var bytes = Build(new IpvsOperation.AddService(new IpvsService(TcpKey, "wlc")));
        Assert.Equal(Expect(
            "68000000 2300 0500 01000000 00000000 | 01 01 0000 | 5400 0100 | " + TcpKeyAttributes +
            " | 0800 0600 776c6300 | 0c00 0700 00000000 ffffffff | 0800 0800 00000000 | 0800 0900 ffffffff"), bytes);
    }

    [Fact]
    public void AddService_PersistentWithNetmask24_SendsMaskInNetworkOrder()
    {
        var service = new IpvsService(TcpKey, "rr", IpvsServiceFlags.Persistent | IpvsServiceFlags.OnePacket, 360, 24);
        var bytes = Build(new IpvsOperation.AddService(service));
        Assert.Equal(Expect(
            "68000000 2300 0500 01000000 00000000 | 01 01 0000 | 5400 0100 | " + TcpKeyAttributes +
            " | 0700 0600 727200 00 | 0c00 0700 05000000 ffffffff | 0800 0800 68010000 | 0800 0900 ffffff00"), bytes);
    }

    [Fact]
    public void UpdateService_Udp6WithEngineAndSchedulerFlag_SendsPrefixLengthAndEngine()
    {
        var key = IpvsServiceKey.ForAddress(IpvsProtocol.Udp, IPAddress.Parse("fd00::1"), 53);
        var service = new IpvsService(key, "sh", IpvsServiceFlags.Persistent | IpvsServiceFlags.SchedulerFlag1, 300, 64, "sip");
        var bytes = Build(new IpvsOperation.UpdateService(service));
        Assert.Equal(Expect(
            "70000000 2300 0500 01000000 00000000 | 02 01 0000 | 5c00 0100 | 0600 0100 0a00 0000 | 0600 0200 1100 0000 | " +
            "1400 0300 fd000000 00000000 00000000 00000001 | 0600 0400 0035 0000 | 0700 0600 736800 00 | 0800 0b00 73697000 | " +
            "0c00 0700 09000000 ffffffff | 0800 0800 2c010000 | 0800 0900 40000000"), bytes);
    }

    [Fact]
    public void AddService_SctpAllSchedulerFlags_SendsProtocol132AndHashedNeverSent()
    {
        var key = IpvsServiceKey.ForAddress(IpvsProtocol.Sctp, IPAddress.Parse("192.168.1.1"), 9);
        var flags = IpvsServiceFlags.SchedulerFlag1 | IpvsServiceFlags.SchedulerFlag2 | IpvsServiceFlags.SchedulerFlag3 | IpvsServiceFlags.Hashed;
        var bytes = Build(new IpvsOperation.AddService(new IpvsService(key, "mh", flags)));
        Assert.Equal(Expect(
            "68000000 2300 0500 01000000 00000000 | 01 01 0000 | 5400 0100 | 0600 0100 0200 0000 | 0600 0200 8400 0000 | " +
            "1400 0300 c0a80101 00000000 00000000 00000000 | 0600 0400 0009 0000 | 0700 0600 6d6800 00 | " +
            "0c00 0700 38000000 ffffffff | 0800 0800 00000000 | 0800 0900 ffffffff"), bytes);
    }

    [Fact]
    public void AddService_Fwmark6_SendsMarkInsteadOfAddress()
    {
        var key = IpvsServiceKey.ForFwmark(AddressFamily.InterNetworkV6, 7);
        var bytes = Build(new IpvsOperation.AddService(new IpvsService(key, "wrr")));
        Assert.Equal(Expect(
            "4c000000 2300 0500 01000000 00000000 | 01 01 0000 | 3800 0100 | 0600 0100 0a00 0000 | 0800 0500 07000000 | " +
            "0800 0600 77727200 | 0c00 0700 00000000 ffffffff | 0800 0800 00000000 | 0800 0900 80000000"), bytes);
    }

    [Fact]
    public void DeleteService_Fwmark4_SendsKeyOnly()
    {
        var bytes = Build(new IpvsOperation.DeleteService(IpvsServiceKey.ForFwmark(AddressFamily.InterNetwork, 7)));
        Assert.Equal(Expect("28000000 2300 0500 01000000 00000000 | 03 01 0000 | 1400 0100 | 0600 0100 0200 0000 | 0800 0500 07000000"), bytes);
    }

    [Fact]
    public void DeleteService_Tcp4_SendsKeyOnly()
    {
        var bytes = Build(new IpvsOperation.DeleteService(TcpKey));
        Assert.Equal(Expect("44000000 2300 0500 01000000 00000000 | 03 01 0000 | 3000 0100 | " + TcpKeyAttributes), bytes);
    }

    private static string DestinationMessage(string command, string length, string destNested) =>
        $"{length} 2300 0500 01000000 00000000 | {command} 01 0000 | 3000 0100 | {TcpKeyAttributes} | {destNested}";

    private const string Dest4 = "0600 0b00 0200 0000 | 1400 0100 0a000105 00000000 00000000 00000000 | 0600 0200 1f90 0000";

    [Fact]
    public void AddDestination_Masquerade_SendsWeightAndThresholds()
    {
        var destination = new IpvsDestination(TcpKey, IPAddress.Parse("10.0.1.5"), 8080, IpvsForwarding.Masquerade, 5, 100, 10);
        Assert.Equal(Expect(DestinationMessage("05", "8c000000",
            "4800 0200 | " + Dest4 + " | 0800 0300 00000000 | 0800 0400 05000000 | 0800 0500 64000000 | 0800 0600 0a000000")),
            Build(new IpvsOperation.AddDestination(destination)));
    }

    [Fact]
    public void AddDestination_DirectRoute_SendsMethod3()
    {
        var destination = new IpvsDestination(TcpKey, IPAddress.Parse("10.0.1.5"), 8080, IpvsForwarding.DirectRoute, 1);
        Assert.Equal(Expect(DestinationMessage("05", "8c000000",
            "4800 0200 | " + Dest4 + " | 0800 0300 03000000 | 0800 0400 01000000 | 0800 0500 00000000 | 0800 0600 00000000")),
            Build(new IpvsOperation.AddDestination(destination)));
    }

    [Fact]
    public void AddDestination_TunnelIpipWithoutOptions_SendsNoTunnelAttributes()
    {
        var destination = new IpvsDestination(TcpKey, IPAddress.Parse("10.0.1.5"), 8080, IpvsForwarding.Tunnel, 0);
        Assert.Equal(Expect(DestinationMessage("05", "8c000000",
            "4800 0200 | " + Dest4 + " | 0800 0300 02000000 | 0800 0400 00000000 | 0800 0500 00000000 | 0800 0600 00000000")),
            Build(new IpvsOperation.AddDestination(destination)));
    }

    [Fact]
    public void AddDestination_TunnelGueWithChecksum_SendsTypePortAndFlags()
    {
        var tunnel = new IpvsTunnel(IpvsTunnelType.Gue, 6080, IpvsTunnelFlags.Checksum);
        var destination = new IpvsDestination(TcpKey, IPAddress.Parse("10.0.1.5"), 8080, IpvsForwarding.Tunnel, 3, Tunnel: tunnel);
        Assert.Equal(Expect(DestinationMessage("05", "a4000000",
            "6000 0200 | " + Dest4 + " | 0800 0300 02000000 | 0800 0400 03000000 | 0500 0d00 01 000000 | 0600 0e00 17c0 0000 | " +
            "0600 0f00 0100 0000 | 0800 0500 00000000 | 0800 0600 00000000")),
            Build(new IpvsOperation.AddDestination(destination)));
    }

    [Fact]
    public void UpdateDestination_TunnelGreRemoteChecksum_SendsSetDest()
    {
        var tunnel = new IpvsTunnel(IpvsTunnelType.Gre, 0, IpvsTunnelFlags.RemoteChecksum);
        var destination = new IpvsDestination(TcpKey, IPAddress.Parse("10.0.1.5"), 8080, IpvsForwarding.Tunnel, 7, Tunnel: tunnel);
        Assert.Equal(Expect(DestinationMessage("06", "a4000000",
            "6000 0200 | " + Dest4 + " | 0800 0300 02000000 | 0800 0400 07000000 | 0500 0d00 02 000000 | 0600 0e00 0000 0000 | " +
            "0600 0f00 0200 0000 | 0800 0500 00000000 | 0800 0600 00000000")),
            Build(new IpvsOperation.UpdateDestination(destination)));
    }

    [Fact]
    public void UpdateDestination_TunnelGueNoChecksum_SendsFlagsZero()
    {
        var tunnel = new IpvsTunnel(IpvsTunnelType.Gue, 5555, IpvsTunnelFlags.NoChecksum);
        var destination = new IpvsDestination(TcpKey, IPAddress.Parse("10.0.1.5"), 8080, IpvsForwarding.Tunnel, 1, Tunnel: tunnel);
        Assert.Equal(Expect(DestinationMessage("06", "a4000000",
            "6000 0200 | " + Dest4 + " | 0800 0300 02000000 | 0800 0400 01000000 | 0500 0d00 01 000000 | 0600 0e00 15b3 0000 | " +
            "0600 0f00 0000 0000 | 0800 0500 00000000 | 0800 0600 00000000")),
            Build(new IpvsOperation.UpdateDestination(destination)));
    }

    [Fact]
    public void AddDestination_Ipv6RealServerOnFwmarkService_SendsDestFamily10()
    {
        var key = IpvsServiceKey.ForFwmark(AddressFamily.InterNetworkV6, 1);
        var destination = new IpvsDestination(key, IPAddress.Parse("fd00::5"), 0, IpvsForwarding.DirectRoute, 2);
        Assert.Equal(Expect(
            "70000000 2300 0500 01000000 00000000 | 05 01 0000 | 1400 0100 | 0600 0100 0a00 0000 | 0800 0500 01000000 | " +
            "4800 0200 | 0600 0b00 0a00 0000 | 1400 0100 fd000000 00000000 00000000 00000005 | 0600 0200 0000 0000 | " +
            "0800 0300 03000000 | 0800 0400 02000000 | 0800 0500 00000000 | 0800 0600 00000000"),
            Build(new IpvsOperation.AddDestination(destination)));
    }

    [Fact]
    public void DeleteDestination_Tcp4_SendsAddressAndPortOnly()
    {
        Assert.Equal(Expect(DestinationMessage("07", "6c000000", "2800 0200 | " + Dest4)),
            Build(new IpvsOperation.DeleteDestination(TcpKey, IPAddress.Parse("10.0.1.5"), 8080)));
    }

    [Fact]
    public void Flush_HasNoAttributes()
    {
        Assert.Equal(Expect("14000000 2300 0500 01000000 00000000 | 11 01 0000"),
            Build(w => IpvsMessages.WriteSimple(w, Family, 1, IpvsCmd.Flush)));
    }

    [Fact]
    public void GetInfo_HasNoAttributes()
    {
        Assert.Equal(Expect("14000000 2300 0500 01000000 00000000 | 0f 01 0000"),
            Build(w => IpvsMessages.WriteSimple(w, Family, 1, IpvsCmd.GetInfo)));
    }

    [Fact]
    public void GetTimeouts_IsGetConfig()
    {
        Assert.Equal(Expect("14000000 2300 0500 01000000 00000000 | 0d 01 0000"),
            Build(w => IpvsMessages.WriteSimple(w, Family, 1, IpvsCmd.GetConfig)));
    }

    [Fact]
    public void SetTimeouts_SendsThreeU32()
    {
        Assert.Equal(Expect("2c000000 2300 0500 01000000 00000000 | 0c 01 0000 | 0800 0400 84030000 | 0800 0500 78000000 | 0800 0600 2c010000"),
            Build(w => IpvsMessages.WriteSetTimeouts(w, Family, 1, new IpvsTimeouts(900, 120, 300))));
    }

    [Fact]
    public void ServiceDump_UsesDumpFlags()
    {
        Assert.Equal(Expect("14000000 2300 0103 01000000 00000000 | 04 01 0000"),
            Build(w => IpvsMessages.WriteServiceDump(w, Family, 1)));
    }

    [Fact]
    public void GetService_SendsKeyWithAck()
    {
        Assert.Equal(Expect("44000000 2300 0500 01000000 00000000 | 04 01 0000 | 3000 0100 | " + TcpKeyAttributes),
            Build(w => IpvsMessages.WriteGetService(w, Family, 1, TcpKey)));
    }

    [Fact]
    public void DestinationDump_SendsServiceKey()
    {
        Assert.Equal(Expect("44000000 2300 0103 01000000 00000000 | 08 01 0000 | 3000 0100 | " + TcpKeyAttributes),
            Build(w => IpvsMessages.WriteDestinationDump(w, Family, 1, TcpKey)));
    }

    [Fact]
    public void DaemonDump_UsesDumpFlags()
    {
        Assert.Equal(Expect("14000000 2300 0103 01000000 00000000 | 0b 01 0000"),
            Build(w => IpvsMessages.WriteDaemonDump(w, Family, 1)));
    }

    [Fact]
    public void NewDaemon_MasterMinimal_SendsStateInterfaceSyncId()
    {
        Assert.Equal(Expect("34000000 2300 0500 01000000 00000000 | 09 01 0000 | 2000 0300 | 0800 0100 01000000 | 0900 0200 65746830 00 000000 | 0800 0300 05000000"),
            Build(w => IpvsMessages.WriteNewDaemon(w, Family, 1, new IpvsSyncDaemon(IpvsSyncDaemonRole.Master, "eth0", 5))));
    }

    [Fact]
    public void NewDaemon_BackupWithAllOptions_SendsGroupPortTtlMaxLength()
    {
        var daemon = new IpvsSyncDaemon(IpvsSyncDaemonRole.Backup, "eth0", 5, 1472, 8848, 2, IPAddress.Parse("239.1.2.3"));
        Assert.Equal(Expect("54000000 2300 0500 01000000 00000000 | 09 01 0000 | 4000 0300 | 0800 0100 02000000 | 0900 0200 65746830 00 000000 | " +
            "0800 0300 05000000 | 0600 0400 c005 0000 | 0800 0500 ef010203 | 0600 0700 9022 0000 | 0500 0800 02 000000"),
            Build(w => IpvsMessages.WriteNewDaemon(w, Family, 1, daemon)));
    }

    [Fact]
    public void NewDaemon_Ipv6Group_SendsGroup6()
    {
        var daemon = new IpvsSyncDaemon(IpvsSyncDaemonRole.Master, "eth0", 1, MulticastGroup: IPAddress.Parse("ff02::12"));
        Assert.Equal(Expect("48000000 2300 0500 01000000 00000000 | 09 01 0000 | 3400 0300 | 0800 0100 01000000 | 0900 0200 65746830 00 000000 | " +
            "0800 0300 01000000 | 1400 0600 ff020000 00000000 00000000 00000012"),
            Build(w => IpvsMessages.WriteNewDaemon(w, Family, 1, daemon)));
    }

    [Fact]
    public void DelDaemon_SendsStateOnly()
    {
        Assert.Equal(Expect("20000000 2300 0500 01000000 00000000 | 0a 01 0000 | 0c00 0300 | 0800 0100 02000000"),
            Build(w => IpvsMessages.WriteDelDaemon(w, Family, 1, IpvsSyncDaemonRole.Backup)));
    }

    [Fact]
    public void GetFamily_Ipvs_MatchesControllerLayout()
    {
        Assert.Equal(Expect("20000000 1000 0500 01000000 00000000 | 03 01 0000 | 0900 0200 49505653 00 000000"),
            Build(w => GenericNetlink.WriteGetFamily(w, 1, "IPVS")));
    }

    [Fact]
    public void WriteOperation_TwoInOneBuffer_MessagesBackToBackAligned()
    {
        var writer = new NetlinkWriter();
        IpvsMessages.WriteOperation(writer, Family, 1, new IpvsOperation.DeleteService(IpvsServiceKey.ForFwmark(AddressFamily.InterNetwork, 7)));
        IpvsMessages.WriteOperation(writer, Family, 2, new IpvsOperation.DeleteService(IpvsServiceKey.ForFwmark(AddressFamily.InterNetwork, 8)));
        Assert.Equal(Expect(
            "28000000 2300 0500 01000000 00000000 | 03 01 0000 | 1400 0100 | 0600 0100 0200 0000 | 0800 0500 07000000 | " +
            "28000000 2300 0500 02000000 00000000 | 03 01 0000 | 1400 0100 | 0600 0100 0200 0000 | 0800 0500 08000000"),
            Hex.Format(writer.WrittenSpan));
    }
}
