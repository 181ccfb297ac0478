using System.Text.Json;
using static LvsHa.Config.Tests.TestSupport;

namespace LvsHa.Config.Tests.Building;

/// <summary>FILE_CHECK in a real_server, as keepalived 2.2.7 reads it (check/check_file.c); where keepalived reports
/// and drops the checker, LvsHa refuses the configuration at the offending line.</summary>
public sealed class FileCheckTests
{
    private const string Track = "track_file TRACK {\n file /run/app/weight\n weight -3 reverse\n}\n";

    // The FILE_CHECK block starts on line 8 (after the 4 lines of Track and 3 of the virtual_server); its lines follow.
    private static string Config(string fileCheck) =>
        Track + Vs("10.0.0.1 80", $"protocol TCP\nreal_server 10.0.1.1 80 {{\nFILE_CHECK {{\n{fileCheck}\n}}\n}}");

    [Fact]
    public void Without_a_weight_the_checker_takes_the_track_file_blocks()
    {
        var checker = Assert.IsType<FileChecker>(Assert.Single(LoadValid(Config(" track_file TRACK")).VirtualServers[0].RealServers[0].Checkers));
        Assert.Equal(("FILE_CHECK", "TRACK", "/run/app/weight", -3, true), (checker.Keyword, checker.TrackFile, checker.Path, checker.Weight, checker.Reverse));
        Assert.Equal(8, checker.Location.Line);
        Assert.False(checker.Alpha);
    }

    [Theory]
    [InlineData(" weight 10", 10, false)]
    [InlineData(" weight 0 noreverse", 0, false)]
    [InlineData(" weight -2147483647 reverse", -2147483647, true)]
    public void Its_own_weight_replaces_the_blocks(string weight, int expected, bool reverse)
    {
        var checker = Assert.IsType<FileChecker>(Assert.Single(LoadValid(Config(" track_file TRACK\n" + weight)).VirtualServers[0].RealServers[0].Checkers));
        Assert.Equal((expected, reverse), (checker.Weight, checker.Reverse));
    }

    [Fact]
    public void The_track_file_block_may_come_after_the_virtual_server()
    {
        var text = Vs("10.0.0.1 80", "protocol TCP\nreal_server 10.0.1.1 80 {\nFILE_CHECK {\n track_file TRACK\n}\n}") + Track;
        Assert.Equal("/run/app/weight", Assert.IsType<FileChecker>(Assert.Single(LoadValid(text).VirtualServers[0].RealServers[0].Checkers)).Path);
    }

    [Theory]
    [InlineData(" weight 10", "FILE_CHECK needs 'track_file NAME'", 8)]
    [InlineData(" track_file OTHER", "unknown track_file 'OTHER'", 9)]
    [InlineData(" track_file TRACK\n weight 2147483648", "FILE_CHECK weight", 10)]
    [InlineData(" track_file TRACK\n weight", "FILE_CHECK weight", 10)]
    [InlineData(" track_file TRACK\n weight 5 backwards", "unknown FILE_CHECK weight option 'backwards'", 10)]
    [InlineData(" track_file TRACK\n track_file TRACK", "'track_file' already given", 10)]
    [InlineData(" track_file TRACK\n weight 1\n weight 2", "'weight' already given", 11)]
    [InlineData(" track_file TRACK\n delay_loop 3", "unknown keyword 'delay_loop' in FILE_CHECK", 10)]
    public void Mistakes_are_refused_at_their_line(string fileCheck, string error, int line)
    {
        var r = Load(Config(fileCheck));
        Assert.False(r.Success);
        Assert.Equal(line, SingleError(r, error).Location.Line);
    }

    [Fact]
    public void A_file_check_without_a_block_is_refused()
    {
        var r = Load(Track + Vs("10.0.0.1 80", "protocol TCP\nreal_server 10.0.1.1 80 {\nFILE_CHECK\n}"));
        Assert.Equal(8, SingleError(r, "'FILE_CHECK' needs a { } block").Location.Line);
    }

    [Fact]
    public void The_dump_names_the_checker_and_its_file()
    {
        using var json = JsonDocument.Parse(ConfigJson.Serialize(LoadValid(Config(" track_file TRACK\n weight 10"))));
        var checker = json.RootElement.GetProperty("virtual_servers")[0].GetProperty("real_servers")[0].GetProperty("checkers")[0];
        Assert.Equal("FILE_CHECK", checker.GetProperty("checker").GetString());
        Assert.Equal("/run/app/weight", checker.GetProperty("path").GetString());
        Assert.Equal(10, checker.GetProperty("weight").GetInt32());
    }
}
