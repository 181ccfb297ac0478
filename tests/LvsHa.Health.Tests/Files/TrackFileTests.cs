using System.Collections.Concurrent;
using LvsHa.Health.Files;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsHa.Health.Tests.Files;

/// <summary>Tracked files: the number as keepalived's strtol reads it, and changes seen through real inotify.</summary>
public sealed class TrackFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsha-track-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("", 0L)]
    [InlineData("abc", 0L)]
    [InlineData("5\n", 5L)]
    [InlineData("  -12 apples", -12L)]
    [InlineData("+7", 7L)]
    [InlineData("0x1f", 31L)]
    [InlineData("0X", 0L)]
    [InlineData("010", 8L)]
    [InlineData("09", 0L)]
    [InlineData("2147483648", 2147483648L)]
    [InlineData("-2147483648", -2147483648L)]
    public void Parse_reads_like_strtol_base_0(string text, long expected) => Assert.Equal(expected, TrackFileValue.Parse(text));

    [Theory]
    [InlineData("2147483649")]
    [InlineData("-2147483649")]
    [InlineData("99999999999999999999999")]
    [InlineData("0xffffffffffffffff")]
    public void Parse_refuses_numbers_out_of_keepalived_range(string text) => Assert.Null(TrackFileValue.Parse(text));

    [Fact]
    public void Read_of_a_missing_file_is_0() => Assert.Equal(0L, TrackFileValue.Read(Path.Combine(_dir, "none")));

    [Fact]
    public void The_watcher_reports_writes_moves_and_deletes()
    {
        var path = Path.Combine(_dir, "track");
        var other = Path.Combine(_dir, "other");
        var seen = new BlockingCollection<(string, long)>();
        using var watcher = new TrackFileWatcher([path], (p, v) => seen.Add((p, v)), NullLogger.Instance);

        File.WriteAllText(path, "3\n");
        Assert.Equal((path, 3L), Next(seen));
        File.WriteAllText(other, "9\n"); // another file in the directory: not reported
        File.WriteAllText(Path.Combine(_dir, "track.new"), "-4\n");
        File.Move(Path.Combine(_dir, "track.new"), path, overwrite: true);
        Assert.Equal((path, -4L), Next(seen));
        File.Delete(path);
        Assert.Equal((path, 0L), Next(seen));
        Assert.False(seen.TryTake(out _, TimeSpan.FromMilliseconds(200)));
    }

    private static (string, long) Next(BlockingCollection<(string, long)> seen)
    {
        Assert.True(seen.TryTake(out var item, TimeSpan.FromSeconds(5)), "no change reported within 5 s");
        return item;
    }
}
