using System.Net;
using LvsHa.Config;
using LvsHa.Director.Metrics;
using LvsHa.Director.Vrrp;

namespace LvsHa.Director.Tests.Metrics;

public sealed class MetricsOptionsTests
{
    private static Hosting.DirectorOptions Map(string text)
    {
        var result = ConfigLoader.LoadText(text, "test.conf");
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        return DirectorOptionsMapper.Map(result.Config!, "d1", null, new Dictionary<string, IPAddress>());
    }

    [Fact]
    public void Map_MetricsListen_CarriedOver()
    {
        var options = Map("global_defs {\n    metrics_listen 10.0.0.1 9105\n}\n");

        Assert.Equal(new MetricsListenOptions("10.0.0.1", 9105), options.MetricsListen);
        Assert.Equal("10.0.0.1:9105", options.MetricsListen!.ToString());
    }

    [Fact]
    public void Map_NoMetricsListen_Off()
    {
        Assert.Null(Map("global_defs {\n    router_id d1\n}\n").MetricsListen);
        Assert.Equal("[fd00::1]:9105", new MetricsListenOptions("fd00::1", 9105).ToString());
    }
}
