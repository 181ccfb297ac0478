using System.Net;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;
using LvsHa.Health.Scheduling;
using LvsHa.Health.State;
using LvsHa.Health.Tests.Support;

namespace LvsHa.Health.Tests.Scheduling;

/// <summary>Identical checkers of several virtual services are probed once per round (issue 16, item 3).</summary>
public class SharedProbeTests
{
    private static readonly IPEndPoint Rs = IPEndPoint.Parse("192.168.20.1:80");

    private static TcpCheckSpec Tcp(double connectTimeout = 3, int? connectPort = null) => new()
    {
        ConnectPort = connectPort,
        Timing = new() { DelayLoop = TimeSpan.FromSeconds(10), Warmup = TimeSpan.Zero, Retry = 1, DelayBeforeRetry = TimeSpan.FromSeconds(2), ConnectTimeout = TimeSpan.FromSeconds(connectTimeout) },
    };

    private static VirtualServiceHealthSettings Service(string name, CheckerSpec spec) =>
        new(name) { RealServers = [new RealServerHealthSettings(Rs) { Checkers = [spec] }] };

    /// <summary>A checker factory whose checks fail while <see cref="Failing"/> and that counts the probes built.</summary>
    private sealed class Probes(ManualTimeProvider clock)
    {
        private readonly List<ScriptedCheck> built = [];

        public bool Failing { get; set; }

        public ScriptedCheck[] Built
        {
            get
            {
                lock (built) return built.ToArray();
            }
        }

        public HealthSchedulerOptions Options => new()
        {
            CheckFactory = (_, _, _, _) =>
            {
                var check = new ScriptedCheck(clock, _ => Failing ? CheckResult.Fail("refused") : CheckResult.Pass());
                lock (built) built.Add(check);
                return check;
            },
        };
    }

    [Fact]
    public async Task TwoServices_SameRealServerSameTcpCheck_OneProbePerRound_BothGetTheDecisions()
    {
        var clock = new ManualTimeProvider();
        var sink = new RecordingSink(clock);
        var logger = new CapturingLogger();
        var probes = new Probes(clock);
        await using var scheduler = new HealthCheckScheduler([Service("a", Tcp()), Service("b", Tcp())], sink, probes.Options, clock, logger);

        scheduler.Start();
        await clock.RunFor(TimeSpan.FromSeconds(5));
        probes.Failing = true;
        await clock.RunFor(TimeSpan.FromSeconds(20));

        var probe = Assert.Single(probes.Built);
        // One attempt per round, a retry 2 s after the first failure (both checkers were up), then one per round.
        Assert.Equal([0, 10, 12, 22], probe.Attempts.Select(a => a.TotalSeconds));
        Assert.Equal(
            [new RealServerUp("a", Rs, 1), new RealServerUp("b", Rs, 1), new RealServerDown("a", Rs, false), new RealServerDown("b", Rs, false)],
            sink.Decisions.OrderBy(d => d is RealServerDown).ThenBy(d => d.VirtualService));
        Assert.Equal(4, scheduler.History("a", Rs).Count);
        Assert.Equal(4, scheduler.History("b", Rs).Count);
        Assert.Contains(logger.Entries, e => e.Message == "health: 1 checks in 2 real-server entries (1 shared)");
        // Each virtual service still has its own line for its real server.
        Assert.Contains(logger.Entries, e => e.Message.StartsWith("SCRIPTED of 192.168.20.1:80 in a is down", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Message.StartsWith("SCRIPTED of 192.168.20.1:80 in b is down", StringComparison.Ordinal));
    }

    public static TheoryData<string, CheckerSpec> Different => new()
    {
        { "connect_timeout", Tcp(connectTimeout: 4) },
        { "connect_port", Tcp(connectPort: 8080) },
        { "delay_loop", Tcp() with { Timing = Tcp().Timing with { DelayLoop = TimeSpan.FromSeconds(11) } } },
        { "bindto", Tcp() with { BindTo = IPAddress.Loopback } },
        { "another checker", new HttpCheckSpec { Urls = [new("/")], Timing = Tcp().Timing } },
    };

    [Theory]
    [MemberData(nameof(Different))]
    public async Task TwoServices_ChecksDifferInOneParameter_TwoProbes(string difference, CheckerSpec other)
    {
        var clock = new ManualTimeProvider();
        var probes = new Probes(clock);
        var logger = new CapturingLogger();
        await using var scheduler = new HealthCheckScheduler([Service("a", Tcp()), Service("b", other)], new RecordingSink(clock), probes.Options, clock, logger);

        scheduler.Start();
        await clock.RunFor(TimeSpan.FromSeconds(15));

        Assert.True(probes.Built.Length == 2, difference);
        // Each on its own schedule: a first round at once, a second a delay_loop later.
        Assert.All(probes.Built, p => Assert.Equal(2, p.Attempts.Count));
        Assert.DoesNotContain(logger.Entries, e => e.Message.StartsWith("health:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reload_OneOfTwoSharingServicesRemoved_ProbeKeepsFeedingTheOther_AChangedOneGetsItsOwn()
    {
        // As the director: one scheduler per virtual service on one SharedProbes.
        var clock = new ManualTimeProvider();
        var probes = new Probes(clock);
        await using var shared = new SharedProbes(probes.Options, clock);
        var sinkA = new RecordingSink(clock);
        var sinkB = new RecordingSink(clock);
        var options = new HealthSchedulerOptions { Probes = shared };
        await using var a = new HealthCheckScheduler([Service("a", Tcp())], sinkA, options);
        var b = new HealthCheckScheduler([Service("b", Tcp())], sinkB, options);
        a.Start();
        b.Start();
        await clock.RunFor(TimeSpan.FromSeconds(5));
        Assert.Equal((1, 2), shared.Count);

        await b.DisposeAsync();
        probes.Failing = true;
        await clock.RunFor(TimeSpan.FromSeconds(15));

        var probe = Assert.Single(probes.Built);
        Assert.Equal([0, 10, 12], probe.Attempts.Select(x => x.TotalSeconds));
        Assert.Equal([new RealServerUp("a", Rs, 1), new RealServerDown("a", Rs, false)], sinkA.Decisions);
        Assert.Equal([new RealServerUp("b", Rs, 1)], sinkB.Decisions);
        Assert.Equal((1, 1), shared.Count);

        // "b" comes back with another connect_timeout: a probe of its own, the old one goes on for "a".
        await using var changed = new HealthCheckScheduler([Service("b", Tcp(connectTimeout: 4))], sinkB, options);
        changed.Start();
        await clock.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(2, probes.Built.Length);
        Assert.Equal((2, 2), shared.Count);
    }

    [Fact]
    public async Task Reload_LastSubscriberLeaves_ProbeStops()
    {
        var clock = new ManualTimeProvider();
        var probes = new Probes(clock);
        await using var shared = new SharedProbes(probes.Options, clock);
        var scheduler = new HealthCheckScheduler([Service("a", Tcp())], new RecordingSink(clock), new HealthSchedulerOptions { Probes = shared });
        scheduler.Start();
        await clock.RunFor(TimeSpan.FromSeconds(5));

        await scheduler.DisposeAsync();
        await clock.RunFor(TimeSpan.FromSeconds(30));

        Assert.Equal([0], Assert.Single(probes.Built).Attempts.Select(x => x.TotalSeconds));
        Assert.Equal((0, 0), shared.Count);
    }

    [Fact]
    public async Task SharedProbe_SubscriberDownWhileAnotherUp_OnlyTheUpOneRetries()
    {
        // "a" fails and is down; "b" joins later (a reload) with its checker up: the round retries for "b", and "a",
        // which keepalived would not retry, takes the round's first attempt.
        var clock = new ManualTimeProvider();
        var probes = new Probes(clock) { Failing = true };
        await using var shared = new SharedProbes(probes.Options, clock);
        var options = new HealthSchedulerOptions { Probes = shared };
        var sinkA = new RecordingSink(clock);
        var sinkB = new RecordingSink(clock);
        await using var a = new HealthCheckScheduler([Service("a", Tcp())], sinkA, options);
        a.Start();
        await clock.RunFor(TimeSpan.FromSeconds(5));
        Assert.Equal([new RealServerUp("a", Rs, 1), new RealServerDown("a", Rs, false)], sinkA.Decisions);
        Assert.Equal(2, a.History("a", Rs).Count);

        await using var b = new HealthCheckScheduler([Service("b", Tcp())], sinkB, options);
        b.Start();
        await clock.RunFor(TimeSpan.FromSeconds(10));

        Assert.Equal([0, 2, 12, 14], Assert.Single(probes.Built).Attempts.Select(x => x.TotalSeconds));
        Assert.Equal(3, a.History("a", Rs).Count);
        Assert.Equal(2, b.History("b", Rs).Count);
        Assert.Equal([new RealServerUp("b", Rs, 1), new RealServerDown("b", Rs, false)], sinkB.Decisions);
    }

    [Fact]
    public void ProbeKey_ListsComparedByValue_AnyDifferenceKeepsThemApart()
    {
        var rs = new RealServerHealthSettings(Rs);
        var vs = new VirtualServiceHealthSettings("vs");
        ProbeKey Key(CheckerSpec spec) => ProbeKey.Of(spec, rs, vs, CheckerTiming.Resolve(spec, rs.Timing, vs.Timing));
        HttpCheckSpec Http(int to) => new() { Urls = [new("/health", StatusCodes: [new(200, to)])] };
        UdpCheckSpec Udp(byte last) => new() { Payload = new byte[] { 1, 2, last }, ReplyNibbles = [1, null], RequireReply = true };

        Assert.Equal(Key(Http(299)), Key(Http(299)));
        Assert.Equal(Key(Http(299)).GetHashCode(), Key(Http(299)).GetHashCode());
        Assert.NotEqual(Key(Http(299)), Key(Http(204)));
        Assert.Equal(Key(Udp(3)), Key(Udp(3)));
        Assert.NotEqual(Key(Udp(3)), Key(Udp(4)));
        // The checker's own timing keys count by their resolved values: retry 1 written out is the default.
        Assert.Equal(Key(new TcpCheckSpec()), Key(new TcpCheckSpec { Timing = new() { Retry = 1 } }));
        Assert.NotEqual(Key(new TcpCheckSpec()), Key(new TcpCheckSpec { Timing = new() { Alpha = true } }));
        Assert.NotEqual(Key(new MiscCheckSpec("/bin/true")), Key(new MiscCheckSpec("/bin/true") { User = new ScriptUser("nobody", 65534, 65534) }));
        Assert.NotEqual(Key(new MiscCheckSpec("/bin/true")), Key(new MiscCheckSpec("/bin/true") { Timeout = TimeSpan.FromSeconds(2) }));
        Assert.Equal(Key(new MiscCheckSpec("/bin/true")), Key(new MiscCheckSpec("/bin/true")));
        // An HTTP check's virtualhost falls back on the virtual service's.
        Assert.NotEqual(Key(Http(299)), ProbeKey.Of(Http(299), rs, vs with { VirtualHost = "www" }, CheckerTiming.Resolve(Http(299), rs.Timing, vs.Timing)));
    }

    [Fact]
    public async Task Loopback_TwoServicesSharingATcpCheck_OneConnectionPerRound()
    {
        await using var server = TcpTestServer.AcceptAndClose();
        var spec = new TcpCheckSpec { Timing = new() { DelayLoop = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero, ConnectTimeout = TimeSpan.FromSeconds(2) } };
        VirtualServiceHealthSettings Real(string name) => new(name) { RealServers = [new RealServerHealthSettings(server.Endpoint) { Checkers = [spec] }] };
        var sink = new RecordingSink();
        await using var scheduler = new HealthCheckScheduler([Real("a"), Real("b")], sink);

        scheduler.Start();
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await scheduler.StopAsync();

        // Rounds at about 0, 1 and 2 s (more if a loaded machine wakes the test late): one connection per round for
        // both services, where unshared probes would make two.
        Assert.True(server.Accepted >= 2, $"{server.Accepted} connections");
        Assert.Equal(server.Accepted, scheduler.History("a", server.Endpoint).Count);
        Assert.Equal(server.Accepted, scheduler.History("b", server.Endpoint).Count);
        Assert.All(scheduler.History("b", server.Endpoint), h => Assert.True(h.Up));
    }
}
