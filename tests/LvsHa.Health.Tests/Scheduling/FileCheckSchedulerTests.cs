using System.Net;
using LvsHa.Health.Files;
using LvsHa.Health.Model;
using LvsHa.Health.Scheduling;
using LvsHa.Health.State;
using LvsHa.Health.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsHa.Health.Tests.Scheduling;

/// <summary>FILE_CHECK end to end with a real file and real inotify: the scheduler reads the file at start, the
/// watcher feeds it every change, the decisions follow within milliseconds (no delay_loop).</summary>
public sealed class FileCheckSchedulerTests : IDisposable
{
    private const string Vs = "vs";
    private static readonly IPEndPoint Rs1 = IPEndPoint.Parse("192.168.30.1:80");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    private readonly string _dir = Directory.CreateTempSubdirectory("lvsha-filecheck-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string number)
    {
        var path = Path.Combine(_dir, "weight");
        System.IO.File.WriteAllText(path, number);
        return path;
    }

    private static VirtualServiceHealthSettings Service(string path, int fileWeight) => new(Vs)
    {
        // A delay_loop of an hour: any change seen within a second did not wait for it.
        Timing = new TimingKeys { DelayLoop = TimeSpan.FromHours(1) },
        RealServers = [new RealServerHealthSettings(Rs1, 5) { Checkers = [new FileCheckSpec(path, fileWeight, false)] }],
    };

    /// <summary>Writes the file and waits for the decision it causes (published after the write).</summary>
    private async Task Written(string number, RecordingSink sink, HealthDecision decision, string what)
    {
        var before = sink.Decisions.Count;
        File(number);
        await sink.WaitForAsync(d => d.Skip(before).Contains(decision), Bound, what);
    }

    [Fact]
    public async Task Weight_0_writing_1_takes_the_real_server_out_and_0_brings_it_back()
    {
        var path = File("0\n");
        var sink = new RecordingSink();
        var logger = new CapturingLogger();
        await using var scheduler = new HealthCheckScheduler([Service(path, 0)], sink, logger: logger);
        scheduler.Start();
        using var watcher = new TrackFileWatcher(scheduler.TrackedFiles, scheduler.OnTrackedFileChanged, NullLogger.Instance);
        Assert.Equal([new RealServerUp(Vs, Rs1, 5)], sink.Decisions);

        await Written("1\n", sink, new RealServerDown(Vs, Rs1, false), "the real server out after writing 1");
        await Written("0\n", sink, new RealServerUp(Vs, Rs1, 5), "the real server back after writing 0");
        Assert.Equal([new RealServerUp(Vs, Rs1, 5), new RealServerDown(Vs, Rs1, false), new RealServerUp(Vs, Rs1, 5)], sink.Decisions);

        Assert.Contains(logger.Entries, e => e.Event.Id == 4012 && e.Message.Contains($"{Rs1} in {Vs}: {path} reads 1, the checker is down", StringComparison.Ordinal));
        Assert.Equal([true, false, true], scheduler.History(Vs, Rs1).Select(h => h.Up));
        Assert.Equal("FILE_CHECK", scheduler.History(Vs, Rs1)[^1].Checker);
    }

    [Fact]
    public async Task Weight_10_and_3_adds_30_to_the_configured_weight()
    {
        var path = File("0");
        var sink = new RecordingSink();
        await using var scheduler = new HealthCheckScheduler([Service(path, 10)], sink);
        scheduler.Start();
        using var watcher = new TrackFileWatcher(scheduler.TrackedFiles, scheduler.OnTrackedFileChanged, NullLogger.Instance);

        await Written("3", sink, new RealServerWeightChanged(Vs, Rs1, 35), "the weight 5 + 3 x 10");
        Assert.Equal(35, scheduler.Status(Vs)[0].Weight);
    }

    [Fact]
    public async Task The_file_is_read_before_the_first_table()
    {
        var path = File("1");
        var sink = new RecordingSink();
        await using var scheduler = new HealthCheckScheduler([Service(path, 0), Service(path, 10) with { Name = "weighted" }], sink);
        scheduler.Start();

        // Never up then down: the first decisions already follow the file.
        Assert.Equal([new RealServerDown(Vs, Rs1, false), new RealServerUp("weighted", Rs1, 15)], sink.Decisions);
        Assert.Equal([path], scheduler.TrackedFiles);
    }

    [Fact]
    public async Task A_missing_file_reads_0()
    {
        var sink = new RecordingSink();
        await using var scheduler = new HealthCheckScheduler([Service(Path.Combine(_dir, "none"), 0)], sink);
        scheduler.Start();
        Assert.Equal([new RealServerUp(Vs, Rs1, 5)], sink.Decisions);
    }
}
