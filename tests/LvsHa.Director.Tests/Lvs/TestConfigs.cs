using LvsHa.Config;

namespace LvsHa.Director.Tests.Lvs;

internal static class TestConfigs
{
    public static LvsHaConfig Load(string text)
    {
        var result = ConfigLoader.LoadText(text, "/tmp/lvsha-lvs-test.conf");
        Assert.True(result.Config is not null, string.Join("\n", result.Diagnostics));
        return result.Config!;
    }
}
