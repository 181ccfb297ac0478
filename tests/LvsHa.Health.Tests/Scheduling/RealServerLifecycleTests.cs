using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LvsHa.Health.Model;
using LvsHa.Health.Scheduling;
using LvsHa.Health.State;
using LvsHa.Health.Tests.Support;

namespace LvsHa.Health.Tests.Scheduling;

/// <summary>The scheduler with real checkers against real servers on loopback, on the real clock.</summary>
public class RealServerLifecycleTests
{
    private const string Vs = "127.0.0.1:80/TCP";

    private static TimingKeys Fast => new()
    {
        DelayLoop = TimeSpan.FromMilliseconds(200),
        Retry = 1,
        DelayBeforeRetry = TimeSpan.FromMilliseconds(100),
        ConnectTimeout = TimeSpan.FromMilliseconds(500),
        Warmup = TimeSpan.Zero,
    };

    // keepalived's bound: delay_loop + retry x delay_before_retry + connect_timeout, plus one second.
    private static readonly TimeSpan DetectionBound = TimeSpan.FromMilliseconds(200 + 100 + 500 + 1000);

    private static Socket Listen(IPEndPoint at)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(at);
        socket.Listen(16);
        _ = Task.Run(async () =>
        {
            try
            {
                while (true) (await socket.AcceptAsync()).Dispose();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        });
        return socket;
    }

    [Fact]
    public async Task TcpRealServer_StoppedAndRestarted_RemovedThenAddedWithinKeepalivedBound()
    {
        var listener = Listen(new IPEndPoint(IPAddress.Parse("127.0.0.4"), 0));
        var rs = (IPEndPoint)listener.LocalEndPoint!;
        var sink = new RecordingSink();
        var vs = new VirtualServiceHealthSettings(Vs)
        {
            Timing = Fast,
            RealServers = [new RealServerHealthSettings(rs, 3) { Checkers = [new TcpCheckSpec()] }],
        };
        await using var scheduler = new HealthCheckScheduler([vs], sink);
        try
        {
            scheduler.Start();
            await Task.Delay(500);
            Assert.Equal([new RealServerUp(Vs, rs, 3)], sink.Decisions);

            listener.Dispose();
            var stopped = Stopwatch.StartNew();
            await sink.WaitForAsync(d => d.Count == 2, DetectionBound, "removal");
            Assert.Equal(new RealServerDown(Vs, rs, false), sink.Decisions[1]);
            Assert.True(stopped.Elapsed < DetectionBound, $"removal took {stopped.Elapsed}");

            listener = Listen(rs);
            await sink.WaitForAsync(d => d.Count == 3, DetectionBound, "re-adding");
            Assert.Equal(new RealServerUp(Vs, rs, 3), sink.Decisions[2]);
            var history = scheduler.History(Vs, rs);
            Assert.Contains(history, h => !h.Up && h.Reason.Contains("refused", StringComparison.OrdinalIgnoreCase));
            Assert.True(history[^1].Up);
        }
        finally
        {
            listener.Dispose();
        }
    }

    [Fact]
    public async Task HttpRealServers_500ThenBack_InhibitedThenRestoredAndSorryServerSwapped()
    {
        var healthy = 1;
        await using var web1 = new HttpTestServer(_ => Volatile.Read(ref healthy) == 1 ? HttpReply.Ok("ok") : new HttpReply(500, []));
        await using var web2 = new HttpTestServer(_ => HttpReply.Ok("ok"));
        var sorry = IPEndPoint.Parse("127.0.0.9:80");
        var http = new HttpCheckSpec { Urls = [new HttpUrlSpec("/health")] };
        var vs = new VirtualServiceHealthSettings(Vs)
        {
            Timing = Fast,
            Quorum = 2,
            SorryServer = sorry,
            RealServers =
            [
                new RealServerHealthSettings(web1.Endpoint) { Checkers = [http], InhibitOnFailure = true },
                new RealServerHealthSettings(web2.Endpoint) { Checkers = [http] },
            ],
        };
        var sink = new RecordingSink();
        await using var scheduler = new HealthCheckScheduler([vs], sink);

        scheduler.Start();
        await Task.Delay(400);
        Volatile.Write(ref healthy, 0);
        await sink.WaitForAsync(d => d.OfType<SorryServerIn>().Any(), TimeSpan.FromSeconds(5), "quorum loss");
        Assert.False(scheduler.QuorumUp(Vs));
        Volatile.Write(ref healthy, 1);
        await sink.WaitForAsync(d => d.OfType<SorryServerOut>().Any(), TimeSpan.FromSeconds(5), "quorum regained");

        Assert.Equal(
            [
                new RealServerUp(Vs, web1.Endpoint, 1),
                new RealServerUp(Vs, web2.Endpoint, 1),
                new RealServerDown(Vs, web1.Endpoint, Inhibit: true),
            ],
            sink.Decisions.Take(3));
        Assert.Equal([new PoolMember(web2.Endpoint, 1, false)], Assert.IsType<SorryServerIn>(sink.Decisions[3]).RealServersOut);
        Assert.Equal(
            [new PoolMember(web1.Endpoint, 1, true), new PoolMember(web2.Endpoint, 1, false)],
            Assert.IsType<SorryServerOut>(sink.Decisions[4]).RealServersBack);
        Assert.Equal(5, sink.Decisions.Count);
        Assert.Contains(scheduler.History(Vs, web1.Endpoint), h => !h.Up && h.Reason.Contains("status 500", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MiscRealServer_MissingScript_DownWithReasonAndSchedulerKeepsRunning()
    {
        var rs = IPEndPoint.Parse("127.0.0.5:80");
        var missing = $"/tmp/lvsha-health-missing-{Guid.NewGuid():N}.sh";
        var other = IPEndPoint.Parse("127.0.0.6:80");
        var vs = new VirtualServiceHealthSettings(Vs)
        {
            Timing = Fast,
            RealServers =
            [
                new RealServerHealthSettings(rs) { Checkers = [new MiscCheckSpec(missing)] },
                new RealServerHealthSettings(other) { Checkers = [new MiscCheckSpec("/bin/true")] },
            ],
        };
        var sink = new RecordingSink();
        var logger = new CapturingLogger();
        await using var scheduler = new HealthCheckScheduler([vs], sink, logger: logger);

        scheduler.Start();
        await sink.WaitForAsync(d => d.Contains(new RealServerDown(Vs, rs, false)), TimeSpan.FromSeconds(3), "down");

        // The other real server keeps being checked (script runs are slow on a loaded machine: allow 10 s).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (scheduler.History(Vs, other).Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(100);

        Assert.Contains($"script {missing} not found", scheduler.History(Vs, rs)[^1].Reason);
        var log = Assert.Single(logger.Entries, e => e.Event.Id == 4001);
        Assert.Equal($"MISC_CHECK of {rs} in {Vs} is down: script {missing} not found", log.Message);
        Assert.True(scheduler.History(Vs, other).Count >= 3);
        Assert.All(scheduler.History(Vs, other), h => Assert.True(h.Up));
    }
}
