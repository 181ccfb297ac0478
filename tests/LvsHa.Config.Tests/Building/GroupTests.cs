using System.Net;
using static LvsHa.Config.Tests.TestSupport;

namespace LvsHa.Config.Tests.Building;

public class GroupTests
{
    private const string Rs = "real_server 10.0.1.1 80 {\n}";

    private static VirtualServer LoadGroup(string entries, string body = "protocol TCP\nlb_kind DR\n" + Rs) =>
        Assert.Single(LoadValid($"virtual_server_group G {{\n{entries}\n}}\n" + Vs("group G", body)).VirtualServers);

    [Fact]
    public void Load_GroupOfAddressesAndPorts_ExpandsToOneEndpointEach()
    {
        var vs = LoadGroup("10.0.0.1 80\n10.0.0.1 443\n10.0.0.2 80");
        Assert.Equal(["TCP 10.0.0.1:80", "TCP 10.0.0.1:443", "TCP 10.0.0.2:80"], vs.Endpoints.Select(e => e.ToString()));
        Assert.Equal("G", vs.GroupName);
        Assert.Equal([80, 443, 80], vs.Endpoints.Select(e => vs.RealServers[0].PortFor(e)));
    }

    [Fact]
    public void Load_GroupShortRange_IncludesBothEnds()
    {
        var vs = LoadGroup("192.168.200.1-3 80");
        Assert.Equal(["192.168.200.1", "192.168.200.2", "192.168.200.3"], vs.Endpoints.Select(e => e.Address!.ToString()));
    }

    [Fact]
    public void Load_GroupLongRangeAndCidr_Expand()
    {
        var vs = LoadGroup("192.168.200.254-192.168.201.1 80\n192.168.202.8/30 80");
        Assert.Equal(["192.168.200.254", "192.168.200.255", "192.168.201.0", "192.168.201.1",
                      "192.168.202.8", "192.168.202.9", "192.168.202.10", "192.168.202.11"],
            vs.Endpoints.Select(e => e.Address!.ToString()));
        Assert.Equal(3, vs.Endpoints[4].Location.Line);
    }

    [Fact]
    public void Load_GroupIpv6RangeAndFwmark_Expand()
    {
        var vs = Assert.Single(LoadValid("virtual_server_group G6 {\n2001:db8::1-3 80\nfwmark 9\n}\n" +
            Vs("group G6", "protocol TCP\nlb_kind DR\nreal_server 2001:db8::100 80 {\n}")).VirtualServers);
        Assert.Equal(IpFamily.IPv6, vs.Family);
        Assert.Equal(4, vs.Endpoints.Count);
        Assert.Equal(IPAddress.Parse("2001:db8::3"), vs.Endpoints[2].Address);
        Assert.Equal((9u, IpFamily.IPv6), (vs.Endpoints[3].Fwmark, vs.Endpoints[3].Family));
    }

    [Fact]
    public void Load_UnknownGroup_IsAnError()
    {
        SingleError(Load(Vs("group NOPE", "protocol TCP\n" + Rs)), "unknown virtual_server_group 'NOPE'");
    }

    [Fact]
    public void Load_GroupWithMixedFamilies_IsAnError()
    {
        SingleError(Load("virtual_server_group G {\n10.0.0.1 80\n2001:db8::1 80\n}\n" + Vs("group G", "protocol TCP\n" + Rs)),
            "mixed address families in virtual_server_group 'G'");
    }

    [Theory]
    [InlineData("10.0.0.5-2 80")]
    [InlineData("10.0.0.1-300 80")]
    [InlineData("10.0.0.1/33 80")]
    [InlineData("10.0.0.x 80")]
    public void Load_BadGroupRange_IsAnError(string entry)
    {
        Assert.False(Load($"virtual_server_group G {{\n{entry}\n}}\n" + Vs("group G", "protocol TCP\n" + Rs)).Success);
    }

    [Fact]
    public void Load_HugeGroupRange_IsRefused()
    {
        SingleError(Load("virtual_server_group G {\n10.0.0.0/8 80\n}\n" + Vs("group G", "protocol TCP\n" + Rs)), "more than 65536 addresses");
    }

    [Fact]
    public void Load_GroupEndpointAlsoStandalone_IsDuplicate()
    {
        var text = "virtual_server_group G {\n10.0.0.1-2 80\n}\n" + Vs("group G", "protocol TCP\n" + Rs) + Vs("10.0.0.2 80", "protocol TCP\n" + Rs);
        SingleError(Load(text), "duplicate virtual server TCP 10.0.0.2:80");
    }

    [Fact]
    public void Load_DuplicateGroupName_IsAnError()
    {
        SingleError(Load("virtual_server_group G {\n10.0.0.1 80\n}\nvirtual_server_group G {\n10.0.0.2 80\n}\n"), "duplicate virtual_server_group 'G'");
    }
}
