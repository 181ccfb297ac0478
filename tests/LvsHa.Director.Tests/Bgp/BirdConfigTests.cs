using System.Net;
using LvsHa.Config;
using LvsHa.Director.Bgp;
using LvsHa.Director.Tests.Lvs;

namespace LvsHa.Director.Tests.Bgp;

public sealed class BirdConfigTests
{
    private static BgpSettings Settings(string extra = "") => TestConfigs.Load($$"""
        bgp {
            local_as 65010
            neighbor 10.99.0.254 remote_as 65000
            neighbor 2001:db8::fe remote_as 65001
        {{extra}}
        }
        """).Bgp!;

    [Fact]
    public void Render_Routes_BlackholeStaticsExportedToEachNeighborOfTheirFamily()
    {
        var text = BirdConfig.Render(Settings(), [IPAddress.Parse("10.98.100.2"), IPAddress.Parse("2001:db8:1::1"), IPAddress.Parse("10.98.100.1")]);
        Assert.Contains("route 10.98.100.1/32 blackhole;\n    route 10.98.100.2/32 blackhole;", text, StringComparison.Ordinal);
        Assert.Contains("route 2001:db8:1::1/128 blackhole;", text, StringComparison.Ordinal);
        Assert.Contains("neighbor 10.99.0.254 as 65000;", text, StringComparison.Ordinal);
        Assert.Contains("ipv4 { import none; export where proto = \"lvsha_vips4\"; next hop self; };", text, StringComparison.Ordinal);
        Assert.Contains("ipv6 { import none; export where proto = \"lvsha_vips6\"; next hop self; };", text, StringComparison.Ordinal);
        Assert.Contains("hold time 9;", text, StringComparison.Ordinal);
        Assert.DoesNotContain("protocol kernel", text, StringComparison.Ordinal);
        Assert.DoesNotContain("bfd", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Bfd_ProtocolAndSessions() =>
        Assert.Equal(3, BirdConfig.Render(Settings("bfd on"), []).Split("bfd").Length - 1);

    /// <summary>The real BIRD 2 parses every shape of file LvsHa writes (`bird -p`: parse only).</summary>
    [Theory]
    [InlineData("", "")]
    [InlineData("router_id 10.99.0.1\nhold_time 30\nbfd on", "10.98.100.1 2001:db8::1")]
    public void Render_ParsedByBird(string extra, string routes)
    {
        var file = Path.Combine(Path.GetTempPath(), $"lvsha-bird-parse-{Guid.NewGuid():N}.conf");
        try
        {
            File.WriteAllText(file, BirdConfig.Render(Settings(extra), routes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(IPAddress.Parse)));
            var (code, output) = BirdLab.Run(BgpAnnouncerOptions.DefaultBirdPath, "-p", "-c", file);
            Assert.True(code == 0, $"bird -p refused:\n{output}\n{File.ReadAllText(file)}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Sessions_ShowProtocolsReply_StatePerNeighbor()
    {
        string[] reply =
        [
            "2002-Name       Proto      Table      State  Since         Info",
            "1002-device1    Device     ---        up     08:50:02.690  ",
            " lvsha_vips4 Static     master4    up     08:50:02.690  ",
            " lvsha_n_10_99_0_254 BGP        ---        up     08:50:03.001  Established   ",
            "0000 ",
        ];
        Assert.Equal(
            [new BgpSessionStatus("10.99.0.254", "up Established"), new BgpSessionStatus("2001:db8::fe", "unknown")],
            BirdConfig.Sessions(Settings(), reply));
    }
}
