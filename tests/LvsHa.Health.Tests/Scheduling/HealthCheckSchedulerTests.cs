using System.Net;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;
using LvsHa.Health.Scheduling;
using LvsHa.Health.State;
using LvsHa.Health.Tests.Support;

namespace LvsHa.Health.Tests.Scheduling;

public class HealthCheckSchedulerTests
{
    private const string Vs = "vs";
    private static readonly IPEndPoint Rs1 = IPEndPoint.Parse("192.168.20.1:80");

    [Fact]
    public async Task Scheduler_FailingThenRecovering_KeepalivedRetryTimingAndOneDecisionPerChange()
    {
        var clock = new ManualTimeProvider();
        var sink = new RecordingSink(clock);
        var failing = true;
        ScriptedCheck? check = null;
        var spec = new TcpCheckSpec
        {
            Timing = new() { Retry = 2, DelayBeforeRetry = TimeSpan.FromSeconds(3), DelayLoop = TimeSpan.FromSeconds(10), Warmup = TimeSpan.Zero },
        };
        var vs = new VirtualServiceHealthSettings(Vs) { RealServers = [new RealServerHealthSettings(Rs1, 7) { Checkers = [spec] }] };
        var options = new HealthSchedulerOptions
        {
            CheckFactory = (_, _, _, _) => check = new ScriptedCheck(clock, _ => failing ? CheckResult.Fail("down") : CheckResult.Pass()),
        };
        await using var scheduler = new HealthCheckScheduler([vs], sink, options, clock);

        scheduler.Start();
        await clock.RunFor(TimeSpan.FromSeconds(30));
        failing = false;
        await clock.RunFor(TimeSpan.FromSeconds(20));

        // Up at start; three failed attempts (1 + retry 2) 3 s apart; then one attempt per delay_loop while down.
        Assert.Equal([0, 3, 6, 16, 26, 36, 46], check!.Attempts.Select(a => a.TotalSeconds));
        Assert.Equal(
            [
                (0.0, (HealthDecision)new RealServerUp(Vs, Rs1, 7)),
                (6.0, new RealServerDown(Vs, Rs1, false)),
                (36.0, new RealServerUp(Vs, Rs1, 7)),
            ],
            sink.Timed.Select(d => ((d.At - new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds, d.Decision)));
        var history = scheduler.History(Vs, Rs1);
        Assert.Equal(7, history.Count);
        Assert.Equal([false, false, false, false, false, true, true], history.Select(h => h.Up));
    }

    [Fact]
    public async Task Scheduler_AlphaCheckerFailing_RetriedOnceThenNotifyDownThenOnePerDelayLoop()
    {
        var clock = new ManualTimeProvider();
        var sink = new RecordingSink(clock);
        ScriptedCheck? check = null;
        var notifyDown = ScriptCommand.Parse("/bin/notify down");
        var spec = new TcpCheckSpec
        {
            Timing = new() { Alpha = true, Retry = 1, DelayBeforeRetry = TimeSpan.FromSeconds(2), DelayLoop = TimeSpan.FromSeconds(10), Warmup = TimeSpan.Zero },
        };
        var vs = new VirtualServiceHealthSettings(Vs) { RealServers = [new RealServerHealthSettings(Rs1) { Checkers = [spec], NotifyDown = notifyDown }] };
        var options = new HealthSchedulerOptions { CheckFactory = (_, _, _, _) => check = new ScriptedCheck(clock, _ => CheckResult.Fail("down")) };
        await using var scheduler = new HealthCheckScheduler([vs], sink, options, clock);

        scheduler.Start();
        await clock.RunFor(TimeSpan.FromSeconds(25));

        Assert.Equal([0, 2, 12, 22], check!.Attempts.Select(a => a.TotalSeconds));
        Assert.Equal([new RunScript(Vs, notifyDown, ScriptReason.NotifyDown, Rs1)], sink.Decisions);
    }

    [Fact]
    public async Task Scheduler_SinkThrows_CheckingContinuesAndLaterDecisionsArrive()
    {
        var clock = new ManualTimeProvider();
        var sink = new ThrowOnceSink(new RecordingSink(clock));
        var up = true;
        var spec = new TcpCheckSpec { Timing = new() { Retry = 0, DelayLoop = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero } };
        var vs = new VirtualServiceHealthSettings(Vs) { RealServers = [new RealServerHealthSettings(Rs1) { Checkers = [spec] }] };
        var options = new HealthSchedulerOptions { CheckFactory = (_, _, _, _) => new ScriptedCheck(clock, _ => up ? CheckResult.Pass() : CheckResult.Fail("x")) };
        await using var scheduler = new HealthCheckScheduler([vs], sink, options, clock);

        scheduler.Start(); // the initial RealServerUp is thrown away by the sink
        up = false;
        await clock.RunFor(TimeSpan.FromSeconds(2));
        up = true;
        await clock.RunFor(TimeSpan.FromSeconds(2));

        Assert.Equal([new RealServerDown(Vs, Rs1, false), new RealServerUp(Vs, Rs1, 1)], sink.Inner.Decisions);
    }

    [Fact]
    public async Task StopAsync_NeverStartedWithOmega_NoDecisions()
    {
        var sink = new RecordingSink();
        var vs = new VirtualServiceHealthSettings(Vs)
        {
            Omega = true,
            QuorumDown = ScriptCommand.Parse("/bin/q down"),
            RealServers = [new RealServerHealthSettings(Rs1) { Checkers = [new TcpCheckSpec()] }],
        };
        await using var scheduler = new HealthCheckScheduler([vs], sink);

        await scheduler.StopAsync();

        Assert.Empty(sink.Decisions);
    }

    private sealed class ThrowOnceSink(RecordingSink inner) : IHealthDecisionSink
    {
        private int calls;

        public RecordingSink Inner => inner;

        public void Publish(IReadOnlyList<HealthDecision> decisions)
        {
            if (Interlocked.Increment(ref calls) == 1) throw new InvalidOperationException("consumer down");
            inner.Publish(decisions);
        }
    }

    [Fact]
    public async Task Scheduler_Warmup_FirstChecksSpreadWithinWarmup()
    {
        var clock = new ManualTimeProvider();
        var checks = new List<ScriptedCheck>();
        var spec = new TcpCheckSpec { Timing = new() { Warmup = TimeSpan.FromSeconds(10), DelayLoop = TimeSpan.FromSeconds(60) } };
        var realServers = Enumerable.Range(1, 50)
            .Select(i => new RealServerHealthSettings(new IPEndPoint(IPAddress.Parse("192.168.21.1"), 1000 + i)) { Checkers = [spec] })
            .ToArray();
        var options = new HealthSchedulerOptions
        {
            Random = new Random(1234),
            CheckFactory = (_, _, _, _) =>
            {
                var c = new ScriptedCheck(clock, _ => CheckResult.Pass());
                lock (checks) checks.Add(c);
                return c;
            },
        };
        await using var scheduler = new HealthCheckScheduler([new VirtualServiceHealthSettings(Vs) { RealServers = realServers }], new RecordingSink(), options, clock);

        scheduler.Start();
        await clock.RunFor(TimeSpan.FromSeconds(10.1));

        var firsts = checks.Select(c => Assert.Single(c.Attempts).TotalSeconds).ToArray();
        Assert.All(firsts, f => Assert.InRange(f, 0, 10));
        Assert.True(firsts.Max() - firsts.Min() > 5, $"warmup should spread the first checks, got {string.Join(", ", firsts)}");
    }

    [Fact]
    public async Task Scheduler_MiscDynamic_WeightDecisionsThroughScheduler()
    {
        var clock = new ManualTimeProvider();
        var sink = new RecordingSink(clock);
        var exits = new Queue<int>([0, 12, 12, 1]);
        var spec = new MiscCheckSpec("/bin/true") { Dynamic = true, Timing = new() { DelayLoop = TimeSpan.FromSeconds(5), Warmup = TimeSpan.Zero } };
        var vs = new VirtualServiceHealthSettings(Vs) { RealServers = [new RealServerHealthSettings(Rs1, 3) { Checkers = [spec] }] };
        var options = new HealthSchedulerOptions
        {
            CheckFactory = (_, _, _, _) => new ScriptedCheck(clock, _ => MiscCheck.Interpret(exits.Count > 0 ? exits.Dequeue() : 1, true, "s")),
        };
        await using var scheduler = new HealthCheckScheduler([vs], sink, options, clock);

        scheduler.Start();
        await clock.RunFor(TimeSpan.FromSeconds(16));

        Assert.Equal(
            [new RealServerUp(Vs, Rs1, 3), new RealServerWeightChanged(Vs, Rs1, 10), new RealServerDown(Vs, Rs1, false)],
            sink.Decisions);
    }
}
