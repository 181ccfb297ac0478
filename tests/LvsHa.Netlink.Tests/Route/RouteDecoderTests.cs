using System.Net;
using LvsHa.Netlink.Core;
using LvsHa.Netlink.Route;

namespace LvsHa.Netlink.Tests.Route;

public class RouteDecoderTests
{
    private static NetworkChange? Decode(string hex)
    {
        var bytes = Hex.Parse(hex);
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.TryRead(out var message));
        return RouteMessages.ParseChange(message);
    }

    [Fact]
    public void ParseChange_NewLinkAsKernelSendsIt_ReadsNameMacStateCarrier()
    {
        // RTM_NEWLINK, ifinfomsg{AF_UNSPEC, ARPHRD_ETHER=1, index 4, flags UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP},
        // IFLA_IFNAME "eth1", IFLA_MTU 9000, IFLA_OPERSTATE 6 (up), IFLA_CARRIER 1, IFLA_ADDRESS, an unknown attribute 999.
        var change = Decode("50000000 1000 0000 00000000 00000000 | 00 00 0100 04000000 43110100 00000000 | " +
            "0900 0300 65746831 00 000000 | 0800 0400 28230000 | 0500 1000 06 000000 | 0500 2100 01 000000 | " +
            "0a00 0100 020000000001 0000 | 0800 e703 deadbeef");
        var link = Assert.IsType<LinkChange>(change);
        Assert.False(link.Removed);
        Assert.Equal(4, link.Link.Index);
        Assert.Equal("eth1", link.Link.Name);
        Assert.Equal(9000, link.Link.Mtu);
        Assert.True(link.Link.IsUp);
        Assert.True(link.Link.HasCarrier);
        Assert.Equal(LinkOperationalState.Up, link.Link.OperationalState);
        Assert.Equal("020000000001", link.Link.MacAddress!.ToString());
    }

    [Fact]
    public void ParseChange_DelAddrIpv6_ReadsAddressPrefixFlags()
    {
        // RTM_DELADDR, ifaddrmsg{AF_INET6, /64, IFA_F_NODAD, scope universe, index 2}, IFA_ADDRESS, IFA_FLAGS 0x282.
        var change = Decode("3c000000 1500 0000 00000000 00000000 | 0a 40 02 00 02000000 | " +
            "1400 0100 fd000000 00000000 00000000 00000009 | 0800 0800 82020000 | 0800 0600 00000000");
        var address = Assert.IsType<AddressChange>(change);
        Assert.True(address.Removed);
        Assert.Equal(new InterfaceAddress(2, IPAddress.Parse("fd00::9"), 64, null, AddressScope.Universe, null,
            InterfaceAddressFlags.NoDad | InterfaceAddressFlags.Permanent | InterfaceAddressFlags.NoPrefixRoute), address.Address);
    }

    [Fact]
    public void ParseChange_NewAddrIpv4PointToPoint_UsesLocalNotPeer()
    {
        var change = Decode("30000000 1400 0000 00000000 00000000 | 02 20 80 00 07000000 | 0800 0100 0a000002 | 0800 0200 0a000001 | 0800 0300 74756e00");
        var address = Assert.IsType<AddressChange>(change);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), address.Address.Address);
        Assert.Equal("tun", address.Address.Label);
    }

    [Fact]
    public void ParseChange_OtherFamilyAddress_IsIgnored()
    {
        Assert.Null(Decode("18000000 1400 0000 00000000 00000000 | 11 00 00 00 07000000"));
    }

    [Fact]
    public void ParseChange_LinkWithoutName_IsProtocolError()
    {
        Assert.Throws<NetlinkProtocolException>(() => Decode("20000000 1000 0000 00000000 00000000 | 00 00 0100 04000000 01000000 00000000"));
    }

    [Fact]
    public void ParseChange_ShortIfaddrmsg_IsProtocolError()
    {
        Assert.Throws<NetlinkProtocolException>(() => Decode("14000000 1400 0000 00000000 00000000 | 02 20 00 00"));
    }
}
