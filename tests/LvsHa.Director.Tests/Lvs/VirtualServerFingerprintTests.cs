using LvsHa.Director.Lvs;

namespace LvsHa.Director.Tests.Lvs;

public class VirtualServerFingerprintTests
{
    private const string Block = """
        virtual_server 10.0.0.1 80 {
            protocol TCP
            lb_kind NAT
            real_server 10.0.1.1 80 {
                weight 2
                TCP_CHECK {
                }
            }
        }
        """;

    [Fact]
    public void Unchanged_SameBlockOnOtherLines_IsUnchanged()
    {
        var before = HealthSettingsMapper.Map(TestConfigs.Load(Block));
        var after = HealthSettingsMapper.Map(TestConfigs.Load("# moved\n\n" + Block));

        Assert.Equal(["10.0.0.1:80"], VirtualServerFingerprint.Unchanged(before, after));
    }

    [Fact]
    public void Unchanged_WeightChanged_IsChanged()
    {
        var before = HealthSettingsMapper.Map(TestConfigs.Load(Block));
        var after = HealthSettingsMapper.Map(TestConfigs.Load(Block.Replace("weight 2", "weight 3", StringComparison.Ordinal)));

        Assert.Empty(VirtualServerFingerprint.Unchanged(before, after));
    }
}
