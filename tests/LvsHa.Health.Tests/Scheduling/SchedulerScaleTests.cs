using System.Diagnostics;
using System.Net;
using LvsHa.Health.Benchmarks;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;
using LvsHa.Health.Scheduling;
using LvsHa.Health.State;
using LvsHa.Health.Tests.Support;

namespace LvsHa.Health.Tests.Scheduling;

public class SchedulerScaleTests
{
    [Fact]
    public async Task Scheduler_ThousandRealTcpChecks_AllUpWithoutAThreadPerCheck()
    {
        await using var listeners = LoopbackListeners.Start(1000);
        var spec = new TcpCheckSpec { Timing = new() { DelayLoop = TimeSpan.FromSeconds(1), Warmup = TimeSpan.FromSeconds(1) } };
        var vs = new VirtualServiceHealthSettings("scale")
        {
            RealServers = listeners.Endpoints.Select(e => new RealServerHealthSettings(e) { Checkers = [spec] }).ToArray(),
        };
        var sink = new RecordingSink();
        var threadsBefore = Process.GetCurrentProcess().Threads.Count;
        await using var scheduler = new HealthCheckScheduler([vs], sink);

        scheduler.Start();

        // Two rounds each: warmup (up to 1 s) plus one delay_loop, with room for a loaded machine.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (listeners.Endpoints.Any(e => scheduler.History("scale", e).Count < 2) && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        var threadsDuring = Process.GetCurrentProcess().Threads.Count;
        await scheduler.StopAsync();

        Assert.Equal(1000, sink.Decisions.OfType<RealServerUp>().Count());
        Assert.Equal(1000, sink.Decisions.Count);
        Assert.All(listeners.Endpoints, e => Assert.True(scheduler.History("scale", e).Count >= 2));
        Assert.All(listeners.Endpoints, e => Assert.All(scheduler.History("scale", e), h => Assert.True(h.Up, h.Reason)));
        Assert.True(threadsDuring - threadsBefore < 100, $"threads grew from {threadsBefore} to {threadsDuring}");
    }

    [Fact]
    public async Task Scheduler_MaxConcurrentChecks_NeverExceeded()
    {
        var running = 0;
        var peak = 0;
        var spec = new TcpCheckSpec { Timing = new() { DelayLoop = TimeSpan.FromMilliseconds(50), Warmup = TimeSpan.Zero } };
        var vs = new VirtualServiceHealthSettings("bounded")
        {
            RealServers = Enumerable.Range(1, 20)
                .Select(i => new RealServerHealthSettings(new IPEndPoint(IPAddress.Loopback, i)) { Checkers = [spec] })
                .ToArray(),
        };
        var options = new HealthSchedulerOptions
        {
            MaxConcurrentChecks = 3,
            CheckFactory = (_, _, _, _) => new SlowCheck(() =>
            {
                var now = Interlocked.Increment(ref running);
                int seen;
                while (now > (seen = Volatile.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen)
                {
                }
            }, () => Interlocked.Decrement(ref running)),
        };
        await using var scheduler = new HealthCheckScheduler([vs], new RecordingSink(), options);

        scheduler.Start();
        // Until every real server was checked at least once (20 x 30 ms through 3 slots: about 0.2 s on a quiet machine;
        // a fixed second was not always enough while the other test assemblies load both cores).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (vs.RealServers.Any(rs => scheduler.History("bounded", rs.Endpoint).Count == 0) && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        await scheduler.StopAsync();

        Assert.Equal(3, Volatile.Read(ref peak));
        Assert.All(vs.RealServers, rs => Assert.NotEmpty(scheduler.History("bounded", rs.Endpoint)));
    }

    private sealed class SlowCheck(Action enter, Action leave) : IHealthCheck
    {
        public string Kind => "SLOW";

        public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
        {
            enter();
            try
            {
                await Task.Delay(30, cancellationToken);
                return CheckResult.Pass();
            }
            finally
            {
                leave();
            }
        }
    }
}
