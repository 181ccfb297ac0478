using System.Net;
using LvsHa.Health.Model;
using LvsHa.Health.State;

namespace LvsHa.Health.Tests.State;

public class VirtualServiceHealthTests
{
    private const string Vs = "10.0.0.1:80/TCP";
    private static readonly IPEndPoint Rs1 = IPEndPoint.Parse("192.168.10.1:80");
    private static readonly IPEndPoint Rs2 = IPEndPoint.Parse("192.168.10.2:80");
    private static readonly IPEndPoint Rs3 = IPEndPoint.Parse("192.168.10.3:80");
    private static readonly IPEndPoint Sorry = IPEndPoint.Parse("192.168.10.99:80");
    private static readonly ScriptCommand Up = ScriptCommand.Parse("/bin/notify up");
    private static readonly ScriptCommand Down = ScriptCommand.Parse("/bin/notify down");
    private static readonly ScriptCommand QUp = ScriptCommand.Parse("/bin/quorum up");
    private static readonly ScriptCommand QDown = ScriptCommand.Parse("/bin/quorum down");

    private static RealServerHealthSettings Rs(IPEndPoint ep, int weight = 1, int checkers = 1, bool alpha = false, bool inhibit = false) =>
        new(ep, weight)
        {
            Checkers = Enumerable.Range(0, checkers).Select(_ => (CheckerSpec)new TcpCheckSpec { Timing = new() { Alpha = alpha ? true : null } }).ToArray(),
            InhibitOnFailure = inhibit,
            NotifyUp = Up,
            NotifyDown = Down,
        };

    [Fact]
    public void Start_NonAlphaRealServers_AllAddedWithWeights()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { RealServers = [Rs(Rs1, 3), Rs(Rs2, 5)] });

        var decisions = health.Start();

        Assert.Equal([new RealServerUp(Vs, Rs1, 3), new RealServerUp(Vs, Rs2, 5)], decisions);
        Assert.True(health.QuorumUp);
    }

    [Fact]
    public void Start_AlphaRealServer_StartsOutUntilFirstSuccess()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { RealServers = [Rs(Rs1, alpha: true), Rs(Rs2)] });

        Assert.Equal([new RealServerUp(Vs, Rs2, 1)], health.Start());
        Assert.False(health.RealServerStatuses()[0].Alive);

        var decisions = health.OnCheckResult(0, 0, up: true);

        Assert.Equal([new RealServerUp(Vs, Rs1, 1), new RunScript(Vs, Up, ScriptReason.NotifyUp, Rs1)], decisions);
    }

    [Fact]
    public void OnCheckResult_AlphaFirstFailure_OnlyNotifiesDown()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { RealServers = [Rs(Rs1, alpha: true), Rs(Rs2)] });
        health.Start();

        Assert.Equal([new RunScript(Vs, Down, ScriptReason.NotifyDown, Rs1)], health.OnCheckResult(0, 0, up: false));
        Assert.Empty(health.OnCheckResult(0, 0, up: false));
    }

    [Fact]
    public void Start_AlphaWithInhibit_AddedAtWeightZero()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { RealServers = [Rs(Rs1, alpha: true, inhibit: true), Rs(Rs2)] });

        Assert.Equal([new RealServerDown(Vs, Rs1, Inhibit: true), new RealServerUp(Vs, Rs2, 1)], health.Start());
    }

    [Fact]
    public void OnCheckResult_UpDownUp_OneDecisionPerChangePlusScripts()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { RealServers = [Rs(Rs1, 2), Rs(Rs2, 2)] });
        health.Start();

        Assert.Empty(health.OnCheckResult(0, 0, up: true));
        Assert.Equal([new RealServerDown(Vs, Rs1, false), new RunScript(Vs, Down, ScriptReason.NotifyDown, Rs1)], health.OnCheckResult(0, 0, up: false));
        Assert.Empty(health.OnCheckResult(0, 0, up: false));
        Assert.Equal([new RealServerUp(Vs, Rs1, 2), new RunScript(Vs, Up, ScriptReason.NotifyUp, Rs1)], health.OnCheckResult(0, 0, up: true));
    }

    [Fact]
    public void OnCheckResult_InhibitOnFailure_WeightZeroInsteadOfRemoval()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { RealServers = [Rs(Rs1, inhibit: true), Rs(Rs2)] });
        health.Start();

        Assert.Contains(new RealServerDown(Vs, Rs1, Inhibit: true), health.OnCheckResult(0, 0, up: false));
    }

    [Fact]
    public void OnCheckResult_VirtualServiceInhibit_AppliesToRealServers()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { InhibitOnFailure = true, RealServers = [Rs(Rs1), Rs(Rs2)] });
        health.Start();

        Assert.Contains(new RealServerDown(Vs, Rs1, Inhibit: true), health.OnCheckResult(0, 0, up: false));
    }

    [Fact]
    public void OnCheckResult_SeveralCheckers_DownOnFirstFailureUpOnlyWhenAllPass()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { RealServers = [Rs(Rs1, checkers: 3), Rs(Rs2)] });
        health.Start();

        Assert.Contains(new RealServerDown(Vs, Rs1, false), health.OnCheckResult(0, 1, up: false));
        Assert.Empty(health.OnCheckResult(0, 2, up: false));
        Assert.Empty(health.OnCheckResult(0, 1, up: true));
        Assert.Equal(1, health.RealServerStatuses()[0].FailedCheckers);
        Assert.Contains(new RealServerUp(Vs, Rs1, 1), health.OnCheckResult(0, 2, up: true));
        Assert.True(health.RealServerStatuses()[0].Alive);
    }

    [Fact]
    public void OnCheckResult_QuorumWithHysteresis_LostBelowQuorumMinusHysteresisRegainedAtQuorumPlusHysteresis()
    {
        // Weights 2+2+2 = 6, quorum 4, hysteresis 1: lost below 3, regained at 5.
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs)
        {
            Quorum = 4,
            Hysteresis = 1,
            QuorumUp = QUp,
            QuorumDown = QDown,
            RealServers = [Rs(Rs1, 2), Rs(Rs2, 2), Rs(Rs3, 2)],
        });
        health.Start();

        Assert.DoesNotContain(health.OnCheckResult(0, 0, up: false), d => d is RunScript { Reason: ScriptReason.QuorumDown }); // 4
        Assert.True(health.QuorumUp);
        Assert.Contains(new RunScript(Vs, QDown, ScriptReason.QuorumDown), health.OnCheckResult(1, 0, up: false)); // 2 < 3
        Assert.False(health.QuorumUp);
        Assert.DoesNotContain(health.OnCheckResult(1, 0, up: true), d => d is RunScript { Reason: ScriptReason.QuorumUp }); // 4 < 5
        Assert.False(health.QuorumUp);
        Assert.Contains(new RunScript(Vs, QUp, ScriptReason.QuorumUp), health.OnCheckResult(0, 0, up: true)); // 6 >= 5
        Assert.True(health.QuorumUp);
    }

    [Fact]
    public void OnCheckResult_QuorumLostWithSorryServer_SwapsSorryInAndOut()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs)
        {
            Quorum = 2,
            SorryServer = Sorry,
            RealServers = [Rs(Rs1), Rs(Rs2)],
        });
        health.Start();

        var lost = health.OnCheckResult(0, 0, up: false);
        Assert.Equal(
            [
                new RealServerDown(Vs, Rs1, false),
                new RunScript(Vs, Down, ScriptReason.NotifyDown, Rs1),
            ],
            lost.Take(2));
        var sorryIn = Assert.IsType<SorryServerIn>(lost[2]);
        Assert.Equal([new PoolMember(Rs2, 1, false)], sorryIn.RealServersOut);
        Assert.True(health.SorryServerActive);

        // While the sorry server serves, real server changes touch no destination.
        Assert.Equal([new RunScript(Vs, Down, ScriptReason.NotifyDown, Rs2)], health.OnCheckResult(1, 0, up: false));
        Assert.Equal([new RunScript(Vs, Up, ScriptReason.NotifyUp, Rs2)], health.OnCheckResult(1, 0, up: true));

        var regained = health.OnCheckResult(0, 0, up: true);
        Assert.Equal(new RunScript(Vs, Up, ScriptReason.NotifyUp, Rs1), regained[0]);
        var sorryOut = Assert.IsType<SorryServerOut>(regained[1]);
        Assert.Equal([new PoolMember(Rs1, 1, false), new PoolMember(Rs2, 1, false)], sorryOut.RealServersBack);
        Assert.False(health.SorryServerActive);
    }

    [Fact]
    public void Quorum_AboveTotalWeight_LoweredToTotal()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { Quorum = 10, RealServers = [Rs(Rs1, 2), Rs(Rs2, 3)] });

        Assert.Equal(5, health.Quorum);
        Assert.True(health.QuorumUp);
    }

    [Fact]
    public void Start_WithoutQuorumAndSorryServer_SorryServerAlone()
    {
        // Quorum 2 + hysteresis 1 needs 3 at start; the two real servers weigh 2.
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs)
        {
            Quorum = 2,
            Hysteresis = 1,
            SorryServer = Sorry,
            QuorumDown = QDown,
            RealServers = [Rs(Rs1), Rs(Rs2)],
        });

        var decisions = health.Start();

        // quorum_down rides on the start notice: its owner runs it when the state is news (see StartingQuorum).
        Assert.Empty(Assert.IsType<SorryServerIn>(Assert.Single(decisions)).RealServersOut);
        Assert.Equal(new RunScript(Vs, QDown, ScriptReason.QuorumDown), Assert.IsType<StartingQuorum>(Assert.Single(health.TakeNotices())).Script);
    }

    [Fact]
    public void Start_SorryServerInhibit_InstalledAtWeightZero()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs)
        {
            SorryServer = Sorry,
            SorryServerInhibit = true,
            RealServers = [Rs(Rs1)],
        });

        Assert.Contains(health.Start(), d => d is SorryServerOut { SorryServerInhibit: true, RealServersBack.Count: 0 });
    }

    [Fact]
    public void OnCheckResult_AllDownQuorumZero_QuorumLostAtWeightZero()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { Quorum = 0, QuorumDown = QDown, RealServers = [Rs(Rs1)] });
        health.Start();

        Assert.Contains(new RunScript(Vs, QDown, ScriptReason.QuorumDown), health.OnCheckResult(0, 0, up: false));
    }

    [Fact]
    public void OnCheckResult_MiscDynamic_WeightFollowsExitStatus()
    {
        var rs = new RealServerHealthSettings(Rs1, 5) { Checkers = [new MiscCheckSpec("/bin/true") { Dynamic = true }] };
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { Quorum = 1, RealServers = [rs] });
        health.Start();

        Assert.Equal([new RealServerWeightChanged(Vs, Rs1, 8)], health.OnCheckResult(0, 0, up: true, dynamicWeight: 8));
        Assert.Equal(8, health.LiveWeight());
        Assert.Empty(health.OnCheckResult(0, 0, up: true, dynamicWeight: 8));
        Assert.Empty(health.OnCheckResult(0, 0, up: true, dynamicWeight: null)); // exit 0 keeps the weight
        Assert.Equal([new RealServerWeightChanged(Vs, Rs1, 5)], health.OnCheckResult(0, 0, up: true, dynamicWeight: 5));
        Assert.Equal([new RealServerDown(Vs, Rs1, false)], health.OnCheckResult(0, 0, up: false).Take(1));
    }

    [Fact]
    public void OnCheckResult_MiscDynamicWeightZero_LosesQuorum()
    {
        var rs = new RealServerHealthSettings(Rs1, 5) { Checkers = [new MiscCheckSpec("/bin/true") { Dynamic = true }] };
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { QuorumDown = QDown, RealServers = [rs] });
        health.Start();

        var decisions = health.OnCheckResult(0, 0, up: true, dynamicWeight: 0);

        Assert.Equal(
            [new RealServerWeightChanged(Vs, Rs1, 0), new QuorumChanged(Vs, false, 1, 0, 1, 0), new RunScript(Vs, QDown, ScriptReason.QuorumDown)],
            decisions);
    }

    [Fact]
    public void Stop_Omega_RunsNotifyDownAndQuorumDown()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { Omega = true, QuorumDown = QDown, RealServers = [Rs(Rs1), Rs(Rs2)] });
        health.Start();
        health.OnCheckResult(1, 0, up: false);

        Assert.Equal(
            [new RunScript(Vs, Down, ScriptReason.NotifyDown, Rs1), new RunScript(Vs, QDown, ScriptReason.QuorumDown)],
            health.Stop());
    }

    [Fact]
    public void Stop_WithoutOmega_NoDecisions()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { QuorumDown = QDown, RealServers = [Rs(Rs1)] });
        health.Start();

        Assert.Empty(health.Stop());
    }

    [Fact]
    public void Start_RealServerWithoutCheckers_AlwaysUp()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { RealServers = [new RealServerHealthSettings(Rs1, 4)] });

        Assert.Equal([new RealServerUp(Vs, Rs1, 4)], health.Start());
    }

    // keepalived's clear_diff_rs / clear_service_vs on reload: live real servers taken away run notify_down and are
    // reported; the quorum is judged on what stays (quorum 3 - hysteresis 1 = 2).
    [Fact]
    public void Remove_RealServersThenTheVirtualServer_NotifyDownAndQuorumLostOnWhatStays()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs)
        {
            Quorum = 3, Hysteresis = 1, QuorumDown = QDown, RealServers = [Rs(Rs1, 3), Rs(Rs2, 1), Rs(Rs3, 1, alpha: true)],
        });
        health.Start();
        health.TakeNotices();

        // Rs2 goes (live, in the pool); Rs3 is not alive: nothing for it. 3 stays: the quorum holds.
        Assert.Equal([new RunScript(Vs, Down, ScriptReason.NotifyDown, Rs2)], health.Remove([Rs2, Rs3]));
        var removed = Assert.IsType<RealServersRemoved>(Assert.Single(health.TakeNotices()));
        Assert.Equal([Rs2], removed.RealServers);
        Assert.Null(removed.QuorumLost);

        // The virtual server goes: Rs1 and Rs2 (still alive here: the reload's new checks replace this state).
        Assert.Equal(
            [new RunScript(Vs, Down, ScriptReason.NotifyDown, Rs1), new RunScript(Vs, Down, ScriptReason.NotifyDown, Rs2), new RunScript(Vs, QDown, ScriptReason.QuorumDown)],
            health.Remove(null));
        removed = Assert.IsType<RealServersRemoved>(Assert.Single(health.TakeNotices()));
        Assert.Equal([Rs1, Rs2], removed.RealServers);
        Assert.Equal(new QuorumChanged(Vs, false, 3, 1, 2, 0), removed.QuorumLost);

        // Taking away a real server that leaves too little: lost on the weight that stays (1 < 2).
        Assert.Equal(new QuorumChanged(Vs, false, 3, 1, 2, 1), Assert.IsType<RealServersRemoved>(Assert.Single(NoticesAfter(health.Remove([Rs1]), health))).QuorumLost);

        static IReadOnlyList<HealthNotice> NoticesAfter(IReadOnlyList<HealthDecision> _, VirtualServiceHealth h) => h.TakeNotices();
    }

    // keepalived's init_service_vs: the quorum up is reported at start and quorum_up runs; down (and quorum_down) only
    // when a sorry server goes in.
    [Fact]
    public void Start_QuorumUpReportedAndScripted_DownOnlyWithSorryServer()
    {
        var up = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs)
        {
            Hysteresis = 1, QuorumUp = QUp, QuorumDown = QDown, RealServers = [Rs(Rs1, 3), Rs(Rs2, alpha: true)],
        });
        Assert.DoesNotContain(up.Start(), d => d is RunScript);
        Assert.Equal([new StartingQuorum(Vs, true, 1, 1, 2, 3, new RunScript(Vs, QUp, ScriptReason.QuorumUp))], up.TakeNotices());
        Assert.Empty(up.TakeNotices());

        var down = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { QuorumUp = QUp, QuorumDown = QDown, RealServers = [Rs(Rs1, alpha: true)] });
        Assert.DoesNotContain(down.Start(), d => d is RunScript);
        Assert.Empty(down.TakeNotices());

        var sorry = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { SorryServer = Sorry, RealServers = [Rs(Rs1, alpha: true)] });
        sorry.Start();
        Assert.Equal([new StartingQuorum(Vs, false, 1, 0, 1, 0)], sorry.TakeNotices());
    }

    // What keepalived's checkers decide their mail on: a change of the checker (with the real server's state), and
    // the first verdict even when it changes nothing.
    [Fact]
    public void OnCheckResult_CheckerVerdicts_ChangesAndFirstVerdict()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { RealServers = [Rs(Rs1, checkers: 2), Rs(Rs2)] });
        health.Start();
        health.TakeNotices();

        health.OnCheckResult(0, 0, up: true);
        health.OnCheckResult(0, 0, up: true);
        health.OnCheckResult(0, 0, up: false);
        health.OnCheckResult(0, 1, up: false, timedOut: true);
        health.OnCheckResult(0, 1, up: false);
        health.OnCheckResult(0, 0, up: true);
        health.OnCheckResult(0, 1, up: true);

        Assert.Equal(
            [
                new CheckerVerdict(Vs, Rs1, 0, true, Changed: false, RealServerUp: true, RealServerChanged: false),
                new CheckerVerdict(Vs, Rs1, 0, false, Changed: true, RealServerUp: false, RealServerChanged: true),
                new CheckerVerdict(Vs, Rs1, 1, false, Changed: true, RealServerUp: false, RealServerChanged: false, TimedOut: true),
                new CheckerVerdict(Vs, Rs1, 0, true, Changed: true, RealServerUp: false, RealServerChanged: false),
                new CheckerVerdict(Vs, Rs1, 1, true, Changed: true, RealServerUp: true, RealServerChanged: true),
            ],
            health.TakeNotices());
    }

    [Fact]
    public void Stop_Omega_ShuttingDownNamesTheLiveRealServers()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs) { Omega = true, RealServers = [Rs(Rs1), Rs(Rs2)] });
        health.Start();
        health.OnCheckResult(1, 0, up: false);
        health.TakeNotices();

        health.Stop();

        var down = Assert.IsType<ShuttingDown>(Assert.Single(health.TakeNotices()));
        Assert.Equal([Rs1], down.LiveRealServers);
    }
}
