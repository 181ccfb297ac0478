using static LvsHa.Config.Tests.TestSupport;

namespace LvsHa.Config.Tests.Building;

/// <summary>`track_file` blocks and a vrrp_instance's `track_file` entries, as keepalived 2.2.7 reads them.</summary>
public sealed class TrackFileTests
{
    private const string Instance = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 100
            virtual_ipaddress { 10.0.0.1 }
            track_file {
                TRACK
            }
        }
        """;

    [Fact]
    public void A_block_with_defaults_has_weight_1_and_no_init()
    {
        var config = LoadValid("track_file TRACK {\n file /run/lvsha/track\n}\n" + Instance);
        var file = Assert.Single(config.TrackFiles);
        Assert.Equal(("TRACK", "/run/lvsha/track", 1, false, (TrackFileInit?)null), (file.Name, file.Path, file.Weight, file.WeightReverse, file.Init));
        var tracked = Assert.Single(config.VrrpInstances[0].TrackFiles);
        Assert.Equal(("TRACK", (int?)null, (bool?)null), (tracked.Name, tracked.Weight, tracked.Reverse));
    }

    [Fact]
    public void Weight_reverse_init_file_and_the_instance_override_are_read()
    {
        var config = LoadValid("""
            vrrp_track_file TRACK {
                file /tmp/t
                weight -10 reverse
                init_file overwrite 5
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                virtual_ipaddress { 10.0.0.1 }
                track_file {
                    TRACK weight 0 noreverse
                }
            }
            """);
        var file = Assert.Single(config.TrackFiles);
        Assert.Equal((-10, true, new TrackFileInit(5, true)), (file.Weight, file.WeightReverse, file.Init));
        var tracked = Assert.Single(config.VrrpInstances[0].TrackFiles);
        Assert.Equal(((int?)0, (bool?)false), (tracked.Weight, tracked.Reverse));
    }

    [Fact]
    public void The_deprecated_name_warns()
    {
        var r = Load("vrrp_track_file TRACK {\n file /tmp/t\n}\n" + Instance);
        Assert.True(r.Success);
        SingleWarning(r, "'vrrp_track_file' is deprecated");
    }

    [Theory]
    [InlineData("track_file TRACK {\n weight 2\n}\n", "needs 'file'", 1)]
    [InlineData("track_file TRACK {\n file /a\n file /b\n}\n", "'file' written twice", 3)]
    [InlineData("track_file TRACK {\n file /a\n weight 300\n}\n", "weight", 3)]
    [InlineData("track_file TRACK {\n file /a\n weight 2 backwards\n}\n", "expected 'reverse'", 3)]
    [InlineData("track_file TRACK {\n file /a\n init_file maybe\n}\n", "expected a value or 'overwrite'", 3)]
    [InlineData("track_file TRACK {\n file /a\n fille /b\n}\n", "fille", 3)]
    public void Bad_blocks_are_refused_at_their_line(string block, string error, int line)
    {
        var r = Load(block + Instance);
        Assert.False(r.Success);
        Assert.Contains(r.Errors, e => e.Message.Contains(error, StringComparison.Ordinal) && e.Location.Line == line);
    }

    [Fact]
    public void An_unknown_or_repeated_track_file_is_refused()
    {
        var unknown = Load(Instance);
        Assert.Equal(7, SingleError(unknown, "unknown track_file 'TRACK'").Location.Line);
        var twice = Load("track_file TRACK {\n file /a\n}\n" + Instance.Replace("TRACK\n", "TRACK\n        TRACK weight 3\n", StringComparison.Ordinal));
        SingleError(twice, "tracks track_file 'TRACK' twice");
    }

    [Fact]
    public void Two_blocks_with_one_name_are_refused()
    {
        var r = Load("track_file TRACK {\n file /a\n}\ntrack_file TRACK {\n file /b\n}\n" + Instance);
        SingleError(r, "duplicate track_file 'TRACK'");
    }
}
