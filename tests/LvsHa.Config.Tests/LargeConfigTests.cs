namespace LvsHa.Config.Tests;

public class LargeConfigTests
{
    [Fact]
    public void LoadText_ThousandVirtualServersWithTenRealServersEach_LoadsAll()
    {
        var text = ConfigGenerator.Generate(1000, 10);
        var r = ConfigLoader.LoadText(text, "large.conf");
        Assert.True(r.Success, string.Join('\n', r.Diagnostics.Take(5)));
        Assert.Empty(r.Diagnostics);
        Assert.Equal(1000, r.Config!.VirtualServers.Count);
        Assert.Equal(10_000, r.Config.VirtualServers.Sum(v => v.RealServers.Count));
        Assert.All(r.Config.VirtualServers, v => Assert.All(v.RealServers, rs => Assert.Single(rs.Checkers)));
    }

    [Fact]
    public void LoadText_LargeConfigWithErrors_ReportsEveryOne()
    {
        var text = ConfigGenerator.Generate(200, 5).Replace("lb_algo wlc", "lb_algo wlcc", StringComparison.Ordinal);
        var r = ConfigLoader.LoadText(text, "large.conf");
        Assert.Equal(200, r.Errors.Count(e => e.Message.Contains("unknown scheduler 'wlcc'", StringComparison.Ordinal)));
    }

    [Fact]
    public void LoadText_DeeplyNestedBraces_DoesNotOverflow()
    {
        var text = string.Concat(Enumerable.Repeat("a {\n", 100_000)) + string.Concat(Enumerable.Repeat("}\n", 100_000));
        var r = ConfigLoader.LoadText(text, "deep.conf");
        Assert.False(r.Success);
        Assert.Equal("unknown keyword 'a' at the top level", Assert.Single(r.Diagnostics).Message);
    }
}
