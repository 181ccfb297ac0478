using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using LvsHa.Director.Bgp;
using LvsHa.Director.Membership;
using LvsHa.Director.Tests.Lvs;

namespace LvsHa.Director.Tests.Bgp;

/// <summary>
/// The announcer with the real BIRD 2 it starts (on this machine, no namespace needed: its only neighbor is 127.0.0.2,
/// where nothing listens, so no route leaves BIRD). What BIRD holds is read back over its own control socket. The
/// VIPs are not put on lo here (no address manager): the kernel lab (BgpKernelTests, in the VM) does that part.
/// </summary>
public sealed class BgpAnnouncerActorTests : TestKit
{
    private const string Config = """
        bgp {
            local_as 65010
            neighbor 127.0.0.2 remote_as 65000
        }
        virtual_server 10.98.100.1 7000 {
            announce bgp
            lb_kind DR
            protocol TCP
            real_server 10.99.0.11 7000 {
            }
        }
        """;

    private static readonly ImmutableHashSet<IPAddress> Vip = [IPAddress.Parse("10.98.100.1")];
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("lvsha-bgp-actor-");
    private readonly ListLogger _log = new();

    private string Socket => Path.Combine(_folder.FullName, "bird.ctl");

    private string PidFile => Path.Combine(_folder.FullName, "bird.pid");

    private IActorRef Start()
    {
        Assert.True(File.Exists(BgpAnnouncerOptions.DefaultBirdPath), "BIRD 2 is missing: install Debian's bird2 (tests/lab/install-deps.sh does)");
        var options = new BgpAnnouncerOptions { RunDirectory = _folder.FullName, RetryDelay = TimeSpan.FromMilliseconds(300) };
        return Sys.ActorOf(BgpAnnouncerActor.Props(TestConfigs.Load(Config), addresses: null, majority: null, options, _log));
    }

    private async Task<string> RoutesAsync() =>
        string.Join('\n', await BirdControl.RunAsync(Socket, "show route", CancellationToken.None));

    private async Task AwaitRouteAsync(bool present) =>
        await AwaitAssertAsync(
            async () => Assert.Equal(present, (await RoutesAsync()).Contains("10.98.100.1/32", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));

    // BIRD holds a route a moment before the actor hears its answer and logs the change.
    private Task AwaitLoggedAsync(string text) =>
        AwaitAssertAsync(() => Assert.True(Logged(text), text), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));

    private bool Logged(string text) => _log.Entries.Any(e => e.Message.Contains(text, StringComparison.Ordinal));

    [Fact]
    public async Task Announcer_FollowsForwardableMajorityAndStop_SurvivesBirdsDeath()
    {
        var announcer = Start();
        announcer.Tell(new ForwardableVips(Vip));
        await AwaitRouteAsync(present: true);
        await AwaitLoggedAsync("BGP: announcing 10.98.100.1/32 to 127.0.0.2 (IPVS can forward it)");

        announcer.Tell(new ForwardableVips([]));
        await AwaitRouteAsync(present: false);
        await AwaitLoggedAsync("BGP: withdrew 10.98.100.1/32 from 127.0.0.2 (no real server can take its traffic)");

        // A reload that drops `announce bgp` withdraws the route and says why, before the IPVS table changes.
        announcer.Tell(new ForwardableVips(Vip));
        await AwaitRouteAsync(present: true);
        announcer.Tell(new ReloadBgp(TestConfigs.Load(Config).Bgp!, []));
        await AwaitRouteAsync(present: false);
        await AwaitLoggedAsync("BGP: withdrew 10.98.100.1/32 from 127.0.0.2 (its virtual server no longer says announce bgp)");
        announcer.Tell(new ReloadBgp(TestConfigs.Load(Config).Bgp!, Vip));

        announcer.Tell(new ForwardableVips(Vip));
        announcer.Tell(new QuorumChanged(false, 1, 3));
        await AwaitAssertAsync(() => Assert.True(Logged("(this director lost the majority of the cluster)")), TimeSpan.FromSeconds(10));
        await AwaitRouteAsync(present: false);
        announcer.Tell(new QuorumChanged(true, 2, 3));
        await AwaitRouteAsync(present: true);

        // lvsha drain --director: answered once BIRD took it, and kept until undone.
        var drained = await announcer.Ask<BgpStatus>(new DrainDirector(true), TimeSpan.FromSeconds(10));
        Assert.True(drained.Drained);
        Assert.Empty(drained.Announced);
        Assert.DoesNotContain("10.98.100.1/32", await RoutesAsync(), StringComparison.Ordinal);
        Assert.True(Logged("(the director is drained: lvsha drain --director)"));
        announcer.Tell(new ForwardableVips(Vip));
        Assert.False((await announcer.Ask<BgpStatus>(new DrainDirector(false), TimeSpan.FromSeconds(10))).Drained);
        await AwaitRouteAsync(present: true);

        var status = await announcer.Ask<BgpStatus>(GetBgpStatus.Instance, TimeSpan.FromSeconds(5));
        Assert.Equal("10.98.100.1/32", Assert.Single(status.Announced));
        Assert.Equal("127.0.0.2", Assert.Single(status.Sessions).Neighbor);
        Assert.NotEqual("unknown", status.Sessions[0].State);

        // BIRD dies: the announcer says so, starts it again, and the route is back.
        var pid = int.Parse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture);
        BirdLab.Run("/bin/kill", "-KILL", pid.ToString(CultureInfo.InvariantCulture));
        await AwaitAssertAsync(() => Assert.True(Logged("BGP: BIRD exited with code")), TimeSpan.FromSeconds(10));
        await AwaitAssertAsync(async () =>
        {
            Assert.NotEqual(pid, int.Parse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture));
            Assert.Contains("10.98.100.1/32", await RoutesAsync(), StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));

        // Stopping: everything withdrawn and answered, then BIRD ends with the actor.
        await announcer.Ask<RoutesWithdrawn>(WithdrawRoutes.Instance, TimeSpan.FromSeconds(10));
        await AwaitRouteAsync(present: false);
        var last = int.Parse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture);
        await announcer.GracefulStop(TimeSpan.FromSeconds(10));
        await AwaitAssertAsync(() => Assert.False(Directory.Exists($"/proc/{last}")), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Announcer_Reload_BirdTakesNewSettingsAndANewAddressInPlace()
    {
        var announcer = Start();
        announcer.Tell(new ForwardableVips(Vip));
        await AwaitRouteAsync(present: true);
        var pid = File.ReadAllText(PidFile).Trim();

        // A second neighbor and a second announced VIP, as `lvsha reload` sends them.
        var reloaded = TestConfigs.Load(Config.Replace("neighbor 127.0.0.2 remote_as 65000", "neighbor 127.0.0.2 remote_as 65000\n    neighbor 127.0.0.3 remote_as 65001", StringComparison.Ordinal));
        ImmutableHashSet<IPAddress> both = [.. Vip, IPAddress.Parse("10.98.100.2")];
        announcer.Tell(new ReloadBgp(reloaded.Bgp!, both));
        await AwaitLoggedAsync("BGP: bgp block reloaded: BIRD re-reads it, restarting the sessions whose settings changed (neighbors now 127.0.0.2, 127.0.0.3)");
        await AwaitAssertAsync(async () =>
        {
            var status = await announcer.Ask<BgpStatus>(GetBgpStatus.Instance, TimeSpan.FromSeconds(5));
            Assert.Equal(["127.0.0.2", "127.0.0.3"], status.Sessions.Select(x => x.Neighbor));
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
        Assert.Contains("10.98.100.1/32", await RoutesAsync(), StringComparison.Ordinal);

        // The new VIP is announced once IPVS can forward it, by the same BIRD.
        Assert.DoesNotContain("10.98.100.2/32", await RoutesAsync(), StringComparison.Ordinal);
        announcer.Tell(new ForwardableVips(both));
        await AwaitAssertAsync(async () => Assert.Contains("10.98.100.2/32", await RoutesAsync(), StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        await AwaitLoggedAsync("BGP: announcing 10.98.100.2/32 to 127.0.0.2, 127.0.0.3 (IPVS can forward it)");
        Assert.Equal(pid, File.ReadAllText(PidFile).Trim());
        await announcer.GracefulStop(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Announcer_BirdLeftByAKilledRun_StoppedAtStart()
    {
        // What a run killed with SIGKILL leaves behind: its BIRD, still announcing, with this folder's socket and pid file.
        var config = Path.Combine(_folder.FullName, "stale.conf");
        File.WriteAllText(config, BirdConfig.Render(TestConfigs.Load(Config).Bgp!, Vip));
        var (code, output) = BirdLab.Run(BgpAnnouncerOptions.DefaultBirdPath, "-c", config, "-s", Socket, "-P", PidFile);
        Assert.True(code == 0, output);
        await AwaitAssertAsync(() => Assert.True(File.Exists(PidFile) && File.ReadAllText(PidFile).Trim().Length > 0), TimeSpan.FromSeconds(10));
        var stale = int.Parse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture);
        await AwaitRouteAsync(present: true);

        Start();
        await AwaitAssertAsync(() => Assert.False(Directory.Exists($"/proc/{stale}")), TimeSpan.FromSeconds(10));
        await AwaitAssertAsync(() => Assert.True(Logged($"BGP: stopped BIRD pid {stale} left by an earlier run")), TimeSpan.FromSeconds(10));
        // The new BIRD announces nothing until the reconciler says what the kernel forwards.
        await AwaitAssertAsync(async () =>
        {
            Assert.NotEqual(stale, int.Parse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture));
            Assert.DoesNotContain("10.98.100.1/32", await RoutesAsync(), StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Announcer_NoFolderNoBird_ReportsOnceAndStillAnswers()
    {
        // An unusable folder and a missing BIRD are reported, retried, and never stop the actor (status asks it).
        var options = new BgpAnnouncerOptions { RunDirectory = "/proc/lvsha-no-such-folder", BirdPath = "/nonexistent/bird", RetryDelay = TimeSpan.FromMilliseconds(50) };
        var announcer = Sys.ActorOf(BgpAnnouncerActor.Props(TestConfigs.Load(Config), addresses: null, majority: null, options, _log));
        announcer.Tell(new ForwardableVips(Vip));
        await AwaitLoggedAsync("BGP: cannot write BIRD's configuration in /proc/lvsha-no-such-folder");
        await AwaitLoggedAsync("BGP: cannot start BIRD (/nonexistent/bird)");
        await Task.Delay(500);
        var status = await announcer.Ask<BgpStatus>(GetBgpStatus.Instance, TimeSpan.FromSeconds(5));
        Assert.Empty(status.Announced);
        Assert.Empty(status.Sessions);
        Assert.Single(_log.Entries, e => e.Message.StartsWith("BGP: cannot start BIRD", StringComparison.Ordinal));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var pidFile in Directory.EnumerateFiles(_folder.FullName, "bird.pid"))
        {
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) && Directory.Exists($"/proc/{pid}"))
                BirdLab.Run("/bin/kill", "-KILL", pid.ToString(CultureInfo.InvariantCulture));
        }
        _folder.Delete(recursive: true);
    }
}
