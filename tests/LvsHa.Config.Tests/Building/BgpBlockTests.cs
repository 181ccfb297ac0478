using System.Net;
using static LvsHa.Config.Tests.TestSupport;

namespace LvsHa.Config.Tests.Building;

public class BgpBlockTests
{
    private const string Bgp = """
        bgp {
            local_as 65010
            neighbor 10.99.0.254 remote_as 65000
        }

        """;

    private static readonly string AnnouncedService = Vs("10.98.100.1 7000", """
            announce bgp
            lb_algo mh
            lb_kind DR
            protocol TCP
            real_server 10.99.0.11 7000 {
            }
        """);

    [Fact]
    public void Load_IssueSyntax_ReadsBlockAndAnnouncement()
    {
        var c = LoadValid(Bgp + AnnouncedService + Vs("10.98.100.2 80", "real_server 10.99.0.11 80 {\n}"));
        var bgp = c.Bgp!;
        Assert.Equal(65010u, bgp.LocalAs);
        Assert.Null(bgp.RouterId);
        Assert.Equal([new BgpNeighbor(IPAddress.Parse("10.99.0.254"), 65000, new SourceLocation("test.conf", 3, 5))], bgp.Neighbors);
        Assert.Equal(BgpSettings.DefaultHoldTime, bgp.HoldTime);
        Assert.False(bgp.Bfd);
        Assert.Equal([true, false], c.VirtualServers.Select(v => v.AnnounceBgp));
    }

    [Fact]
    public void Load_EveryOption_Read()
    {
        var bgp = LoadValid("""
            bgp {
                local_as 4200000001
                router_id 10.99.0.1
                neighbor 10.99.0.254 remote_as 65000
                neighbor 2001:db8::fe remote_as 65001
                hold_time 30
                bfd on
            }
            """).Bgp!;
        Assert.Equal(4200000001u, bgp.LocalAs);
        Assert.Equal(IPAddress.Parse("10.99.0.1"), bgp.RouterId);
        Assert.Equal([65000u, 65001u], bgp.Neighbors.Select(n => n.RemoteAs));
        Assert.Equal(TimeSpan.FromSeconds(30), bgp.HoldTime);
        Assert.True(bgp.Bfd);
    }

    [Theory]
    [InlineData("bgp {\n neighbor 10.0.0.1 remote_as 1\n}", 1, "bgp block needs 'local_as N'")]
    [InlineData("bgp {\n local_as 1\n}", 1, "at least one 'neighbor ADDRESS remote_as N'")]
    [InlineData("bgp {\n local_as 0\n neighbor 10.0.0.1 remote_as 1\n}", 2, "local_as 0 is out of range")]
    [InlineData("bgp {\n local_as 1\n neighbor 10.0.0.1 as 1\n}", 3, "neighbor needs 'neighbor ADDRESS remote_as N'")]
    [InlineData("bgp {\n local_as 1\n neighbor 10.0.0.1 remote_as 2\n neighbor 10.0.0.1 remote_as 3\n}", 4, "neighbor 10.0.0.1 is written twice")]
    [InlineData("bgp {\n local_as 1\n router_id 2001:db8::1\n neighbor 10.0.0.1 remote_as 1\n}", 3, "expected an IPv4 address")]
    [InlineData("bgp {\n local_as 1\n hold_time 2\n neighbor 10.0.0.1 remote_as 1\n}", 3, "hold_time 2 is out of range")]
    [InlineData("bgp {\n local_as 1\n neighbour 10.0.0.1 remote_as 1\n}", 3, "neighbour")]
    [InlineData("bgp {\n local_as 1\n neighbor 10.0.0.1 remote_as 1\n}\nbgp {\n local_as 1\n neighbor 10.0.0.1 remote_as 1\n}", 5, "duplicate bgp block")]
    public void Load_BadBgpBlock_RefusedAtTheLine(string text, int line, string message)
    {
        var error = SingleError(Load(text), message);
        Assert.Equal(line, error.Location.Line);
    }

    [Fact]
    public void Load_AnnounceWithoutBgpBlock_Refused()
    {
        var error = SingleError(Load(AnnouncedService), "'announce bgp' needs a bgp block");
        Assert.Equal(2, error.Location.Line);
    }

    [Theory]
    [InlineData("fwmark 5", "not a fwmark")]
    [InlineData("group G", "not a group")]
    public void Load_AnnounceOnServiceWithoutOneAddress_Refused(string header, string message)
    {
        var text = Bgp + "virtual_server_group G {\n 10.98.0.1 80\n}\n"
            + Vs(header, "announce bgp\nreal_server 10.99.0.11 80 {\n}");
        SingleError(Load(text), message);
    }

    [Fact]
    public void Load_AnnounceSomethingElse_Refused() =>
        SingleError(Load(Bgp + Vs("10.98.100.1 80", "announce ospf\nreal_server 10.99.0.11 80 {\n}")), "unknown announce 'ospf': expected bgp");
}
