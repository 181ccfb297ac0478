using System.Net;
using LvsHa.Netlink.Core;
using LvsHa.Netlink.Route;

namespace LvsHa.Netlink.Tests.Route;

// Expected bytes from include/uapi/linux/rtnetlink.h and if_addr.h: nlmsghdr | ifaddrmsg/ifinfomsg | attributes.
public class RouteRequestGoldenTests
{
    private static string Build(Action<NetlinkWriter> build) => Hex.Written(build);

    private static string Expect(string text) => Hex.Expect(text);

    [Fact]
    public void AddAddress_Ipv4WithLabelAndBroadcast_CreateExclWithLocalAddressBroadcastLabel()
    {
        var address = new InterfaceAddress(3, IPAddress.Parse("192.168.1.10"), 24, "eth0:1", Broadcast: IPAddress.Parse("192.168.1.255"));
        Assert.Equal(Expect("3c000000 1400 0506 01000000 00000000 | 02 18 00 00 03000000 | 0800 0200 c0a8010a | 0800 0100 c0a8010a | " +
            "0800 0400 c0a801ff | 0b00 0300 65746830 3a3100 00"),
            Build(w => RouteMessages.WriteAddAddress(w, 1, address)));
    }

    [Fact]
    public void AddAddress_Ipv6NoDadNoPrefixRoute_FlagsGoToIfaFlags()
    {
        var address = new InterfaceAddress(2, IPAddress.Parse("fd00::1"), 64, Flags: InterfaceAddressFlags.NoDad | InterfaceAddressFlags.NoPrefixRoute);
        Assert.Equal(Expect("48000000 1400 0506 01000000 00000000 | 0a 40 00 00 02000000 | " +
            "1400 0200 fd000000 00000000 00000000 00000001 | 1400 0100 fd000000 00000000 00000000 00000001 | 0800 0800 02020000"),
            Build(w => RouteMessages.WriteAddAddress(w, 1, address)));
    }

    [Fact]
    public void AddAddress_Ipv6NoDadOnly_FlagInHeaderAndLabelIgnored()
    {
        var address = new InterfaceAddress(2, IPAddress.Parse("fd00::1"), 128, "ignored", AddressScope.Link, Flags: InterfaceAddressFlags.NoDad);
        Assert.Equal(Expect("40000000 1400 0506 01000000 00000000 | 0a 80 02 fd 02000000 | " +
            "1400 0200 fd000000 00000000 00000000 00000001 | 1400 0100 fd000000 00000000 00000000 00000001"),
            Build(w => RouteMessages.WriteAddAddress(w, 1, address)));
    }

    [Fact]
    public void DeleteAddress_Ipv4HostScope_NoCreateFlags()
    {
        var address = new InterfaceAddress(5, IPAddress.Parse("10.9.8.7"), 32, Scope: AddressScope.Host);
        Assert.Equal(Expect("28000000 1500 0500 01000000 00000000 | 02 20 00 fe 05000000 | 0800 0200 0a090807 | 0800 0100 0a090807"),
            Build(w => RouteMessages.WriteDeleteAddress(w, 1, address)));
    }

    [Fact]
    public void AddressDump_AllFamilies()
    {
        Assert.Equal(Expect("18000000 1600 0103 01000000 00000000 | 00 00 00 00 00000000"),
            Build(w => RouteMessages.WriteAddressDump(w, 1)));
    }

    [Fact]
    public void LinkDump_EmptyIfinfomsg()
    {
        Assert.Equal(Expect("20000000 1200 0103 01000000 00000000 | 00 00 0000 00000000 00000000 00000000"),
            Build(w => RouteMessages.WriteLinkDump(w, 1)));
    }

    [Fact]
    public void GetLinkByName_SendsIflaIfname()
    {
        Assert.Equal(Expect("2c000000 1200 0500 01000000 00000000 | 00 00 0000 00000000 00000000 00000000 | 0c00 0300 6c767368 612d6100"),
            Build(w => RouteMessages.WriteGetLinkByName(w, 1, "lvsha-a")));
    }
}
