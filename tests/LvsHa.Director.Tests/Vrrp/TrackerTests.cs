using System.Net;
using System.Threading.Channels;
using LvsHa.Config;
using LvsHa.Director.Instances;
using LvsHa.Director.Vrrp;
using LvsHa.Health.Model;
using LvsHa.Netlink.Route;
using LvsHa.Vrrp;
using Microsoft.Extensions.Logging.Abstractions;
using RemoveVips = LvsHa.Vrrp.RemoveVips;
using RunNotify = LvsHa.Vrrp.RunNotify;
using TimerClock = LvsHa.Health.Tests.Support.ManualTimeProvider;
using VrrpState = LvsHa.Vrrp.VrrpState;

namespace LvsHa.Director.Tests.Vrrp;

/// <summary>track_interface, track_script and vrrp_sync_group as the director wires them (fake clock, fake links).</summary>
public sealed class TrackerTests
{
    // A configuration without global_defs: scripts run as the test does (or as keepalived_script where it exists).
    private static readonly LvsHa.Director.Security.ScriptPolicy Scripts = LvsHa.Director.Security.ScriptPolicy.For(LvsHa.Config.GlobalDefs.Empty);

    private static readonly IPAddress Local = IPAddress.Parse("10.0.0.2");
    private static readonly TimeSpan Advert = TimeSpan.FromMilliseconds(100);
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;
    private const string Own = "interface eth0";

    private static VrrpInstanceSettings Settings(string name = "VI_1", byte priority = 100) => new()
    {
        Name = name,
        VirtualRouterId = 51,
        Priority = priority,
        LocalAddress = Local,
        AdvertInterval = Advert,
    };

    private static StateMachineBehavior Behavior(byte priority = 100, params InstanceTracker[] trackers) =>
        new(Settings(priority: priority), [IPAddress.Parse("10.0.0.50")], TimeProvider.System, null,
            [new InstanceTracker(new TrackedObject(Own, 0), HoldsStart: true), .. trackers]);

    private static IReadOnlyList<VrrpAction> Up(StateMachineBehavior b, string tracker, bool up = true) =>
        b.Handle(new TrackerResult(tracker, up, 0), Now);

    [Fact]
    public void Start_WaitsForTheInterfaceState_ThenBackup()
    {
        var behavior = Behavior();
        Assert.Empty(behavior.Handle(new Start(), Now));
        Assert.Equal("INIT", behavior.State);
        var actions = Up(behavior, Own);
        Assert.Equal("BACKUP", behavior.State);
        Assert.Contains(new RunNotify(VrrpState.Backup, 100), actions);
    }

    [Fact]
    public void Start_InterfaceDown_EntersFaultOnly()
    {
        var behavior = Behavior();
        behavior.Handle(new Start(), Now);
        var actions = Up(behavior, Own, up: false);
        Assert.Equal("FAULT", behavior.State);
        Assert.Equal([new StateChanged(VrrpState.Initialize, VrrpState.Fault, "started, but a tracker is failing"), new RunNotify(VrrpState.Fault, 100)], actions);
    }

    [Fact]
    public void OwnInterfaceDown_MasterEntersFault_AndLeavesItWhenUp()
    {
        var behavior = Behavior(priority: 255);
        behavior.Handle(new Start(), Now);
        Up(behavior, Own);
        Assert.Equal("MASTER", behavior.State);

        var down = Up(behavior, Own, up: false);
        Assert.Equal("FAULT", behavior.State);
        Assert.Contains(new RemoveVips(), down);
        Up(behavior, Own);
        Assert.Equal("MASTER", behavior.State);
    }

    [Fact]
    public void TrackInterfaceWithWeight_ChangesThePriorityExactly()
    {
        var log = new List<(string, string, string, int)>();
        var behavior = new StateMachineBehavior(Settings(), [], TimeProvider.System, null,
            [new InstanceTracker(new TrackedObject(Own, 0), true),
             new InstanceTracker(new TrackedObject("track_interface eth1", -20), true),
             new InstanceTracker(new TrackedObject("track_interface eth2", 15), true)])
        {
            TrackerUpdated = (t, o, n, p) => log.Add((t, o, n, p)),
        };
        behavior.Handle(new Start(), Now);
        Up(behavior, Own);
        Up(behavior, "track_interface eth1");
        Assert.Equal("INIT", behavior.State); // eth2 not known yet
        Up(behavior, "track_interface eth2");
        Assert.Equal(("BACKUP", 115), (behavior.State, behavior.Priority));

        Up(behavior, "track_interface eth1", up: false);
        Assert.Equal(("BACKUP", 95), (behavior.State, behavior.Priority));
        Up(behavior, "track_interface eth2", up: false);
        Assert.Equal(80, behavior.Priority);
        Assert.Equal(("track_interface eth2", "UP", "DOWN", 80), log[^1]);
        Assert.Equal(("track_interface eth1", "INIT", "UP", 100), log[1]);
    }

    [Theory]
    [InlineData("track_interface eth1")]
    [InlineData("track_script chk")]
    public void WeightZeroTracker_HoldsTheStart_FaultsWhileDown(string tracker)
    {
        var behavior = Behavior(100, new InstanceTracker(new TrackedObject(tracker, 0), HoldsStart: true));
        behavior.Handle(new Start(), Now);
        Up(behavior, Own);
        Assert.Equal("INIT", behavior.State);
        Up(behavior, tracker, up: false);
        Assert.Equal("FAULT", behavior.State);
        Up(behavior, tracker);
        Assert.Equal("BACKUP", behavior.State);
        Up(behavior, tracker, up: false);
        Assert.Equal("FAULT", behavior.State);
    }

    [Fact]
    public void WeightedScriptInInit_DoesNotHoldTheStartNorCount()
    {
        var behavior = Behavior(100, new InstanceTracker(new TrackedObject("track_script chk", 10), HoldsStart: false));
        behavior.Handle(new Start(), Now);
        Up(behavior, Own);
        Assert.Equal(("BACKUP", 100), (behavior.State, behavior.Priority));
        Assert.Contains(new TrackerStatus("track_script chk", "INIT", 10), behavior.Trackers);
        Up(behavior, "track_script chk");
        Assert.Equal(110, behavior.Priority);
        Up(behavior, "track_script chk", up: false);
        Assert.Equal(100, behavior.Priority);
        Assert.Contains(new TrackerStatus("track_script chk", "DOWN", 10), behavior.Trackers);
    }

    [Fact]
    public void ReversedNegativeScript_AddsWhileFailing()
    {
        var behavior = Behavior(100, new InstanceTracker(new TrackedObject("track_script chk", -30, Reverse: true), false));
        behavior.Handle(new Start(), Now);
        Up(behavior, Own);
        Up(behavior, "track_script chk", up: false);
        Assert.Equal(130, behavior.Priority);
    }

    [Fact]
    public void AddressOwner_IgnoresWeights()
    {
        var behavior = Behavior(255, new InstanceTracker(new TrackedObject("track_script chk", -30), false));
        behavior.Handle(new Start(), Now);
        Up(behavior, Own);
        Up(behavior, "track_script chk", up: false);
        Assert.Equal(("MASTER", 255), (behavior.State, behavior.Priority));
    }

    [Fact]
    public void StopWhileWaitingForTrackers_Stops()
    {
        var behavior = Behavior();
        behavior.Handle(new Start(), Now);
        behavior.Handle(new Shutdown(), Now);
        Assert.Equal("STOP", behavior.State);
        Up(behavior, Own);
        Assert.Equal("STOP", behavior.State);
    }

    [Fact]
    public void Plan_OwnInterfaceTrackInterfacesAndScriptsWithOverrides()
    {
        var config = Load($$"""
            vrrp_script chk {
             script /bin/true
             weight -10 reverse
            }
            vrrp_script bad {
             script /bin/false
            }
            vrrp_instance VI_1 {
             {{Common}}
             track_interface {
              eth1 weight -20
             }
             track_script {
              chk weight 5 noreverse
              bad
             }
            }
            """);
        Assert.Equal(
            [
                new InstanceTracker(new TrackedObject("interface eth0", 0), true),
                new InstanceTracker(new TrackedObject("track_interface eth1", -20), true),
                new InstanceTracker(new TrackedObject("track_script chk", 5), false),
                new InstanceTracker(new TrackedObject("track_script bad", 0), true),
            ],
            VrrpTrackerPlan.For(config.VrrpInstances[0], config.VrrpScripts));
    }

    [Fact]
    public void Plan_DontTrackPrimary_OwnInterfaceNotTracked()
    {
        var config = Load($$"""
            vrrp_instance VI_1 {
             {{Common}}
             dont_track_primary
            }
            """);
        Assert.Empty(VrrpTrackerPlan.For(config.VrrpInstances[0], config.VrrpScripts));
        Assert.Empty(VrrpTrackerPlan.InterfaceWatchers(config));
    }

    [Theory]
    [InlineData(0x1 | 0x40, true)]
    [InlineData(0x1, false)] // up but no carrier (IFF_RUNNING clear)
    [InlineData(0x40, false)]
    public void Plan_IsUp_NeedsUpAndRunning(uint flags, bool up) =>
        Assert.Equal(up, VrrpTrackerPlan.IsUp(Link("eth1", flags)));

    [Fact]
    public async Task ScriptTracker_RunsEveryIntervalAndCountsRiseAndFall()
    {
        var clock = new TimerClock();
        var statuses = new Queue<int>([1, 1, 0, 0, 0]);
        var runs = new List<TimeSpan>();
        var verdicts = new List<bool>();
        var tracker = new VrrpScriptTracker(Script(interval: 2, rise: 2, fall: 2), ["VI_1"], clock, NullLogger.Instance, (_, _) =>
        {
            lock (runs)
                runs.Add(clock.Elapsed);
            return Task.FromResult(statuses.Dequeue());
        });
        using var stop = new CancellationTokenSource();
        var loop = tracker.RunAsync(v => { lock (verdicts) verdicts.Add(v); }, stop.Token);

        await Until(() => Count(runs) == 1);
        clock.Advance(TimeSpan.FromSeconds(1.9));
        await Task.Delay(50);
        Assert.Equal(1, Count(runs));
        for (var i = 2; i <= 4; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(i == 2 ? 0.1 : 2));
            await Until(() => Count(runs) == i);
        }

        await Until(() => Count(verdicts) == 2);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6)], runs);

        // INIT's first failure is a verdict at once; then rise 2 needs two successes.
        Assert.Equal([false, true], verdicts);
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task ScriptTracker_TimeoutIsAFailure()
    {
        var clock = new TimerClock();
        var tracker = new VrrpScriptTracker(Script(interval: 5, timeout: 2), ["VI_1"], clock, NullLogger.Instance,
            async (_, token) =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, token);
                return 0;
            });
        var run = tracker.RunOnceAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(run.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(await run.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ScriptTracker_MissingScript_FailsWithoutRunning()
    {
        var ran = false;
        var tracker = new VrrpScriptTracker(Script(command: "/nonexistent/lvsha-check"), ["VI_1"], new TimerClock(), NullLogger.Instance,
            (_, _) => { ran = true; return Task.FromResult(0); });
        Assert.False(await tracker.RunOnceAsync(CancellationToken.None));
        Assert.False(ran);
    }

    [Fact]
    public async Task ScriptTracker_InitFail_ReportsTheFailureAtOnce()
    {
        var clock = new TimerClock();
        var verdicts = new List<bool>();
        var script = Script(rise: 2) with { InitFail = true };
        var tracker = new VrrpScriptTracker(script, ["VI_1"], clock, NullLogger.Instance, (_, _) => Task.FromResult(0));
        using var stop = new CancellationTokenSource();
        var loop = tracker.RunAsync(v => { lock (verdicts) verdicts.Add(v); }, stop.Token);
        await Until(() => Count(verdicts) == 1);
        Assert.False(verdicts[0]);
        clock.Advance(TimeSpan.FromSeconds(1));
        await Until(() => Count(verdicts) == 2);
        Assert.True(verdicts[1]);
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public void SyncGroup_MemberFault_FaultsTheOthers_AndRecoveryBringsThemBack()
    {
        var (groups, sent, notified) = Coordinator();
        groups.MemberChanged("A", VrrpState.Backup, false);
        groups.MemberChanged("B", VrrpState.Backup, false);
        Assert.Equal("BACKUP", groups.GroupState("G"));

        groups.MemberChanged("A", VrrpState.Fault, true);
        Assert.Equal([("B", "FAULT")], sent);
        Assert.Equal("FAULT", groups.GroupState("G"));
        groups.MemberChanged("B", VrrpState.Fault, false);

        sent.Clear();
        groups.MemberChanged("A", VrrpState.Backup, false);
        Assert.Equal([("B", "BACKUP")], sent);
        groups.MemberChanged("B", VrrpState.Backup, false);
        Assert.Equal(["BACKUP", "FAULT", "BACKUP"], notified);
    }

    [Fact]
    public void SyncGroup_MemberGoesMaster_OthersFollow_GroupNotifiedOnceAllAreMaster()
    {
        var (groups, sent, notified) = Coordinator();
        groups.MemberChanged("A", VrrpState.Backup, false);
        groups.MemberChanged("B", VrrpState.Backup, false);
        groups.MemberChanged("A", VrrpState.Master, false);
        Assert.Equal([("B", "MASTER")], sent);
        Assert.Equal(["BACKUP"], notified);
        groups.MemberChanged("B", VrrpState.Master, false);
        Assert.Equal(["BACKUP", "MASTER"], notified);

        sent.Clear();
        groups.MemberChanged("B", VrrpState.Backup, false);
        Assert.Equal([("A", "BACKUP")], sent);
    }

    [Fact]
    public void SyncGroup_TrackerFaultWithoutStateChange_StillHoldsTheGroup()
    {
        var (groups, sent, _) = Coordinator();
        groups.MemberChanged("A", VrrpState.Fault, true);
        groups.MemberChanged("B", VrrpState.Fault, false); // held by the group
        groups.MemberChanged("B", VrrpState.Fault, true);  // now its own tracker fails too
        sent.Clear();
        groups.MemberChanged("A", VrrpState.Backup, false);
        Assert.Equal([("A", "FAULT")], sent);
    }

    [Fact]
    public void SyncGroup_WiredToBehaviors_OneMembersTrackerFaultsBoth_AndTheyComeBackTogether()
    {
        // The daemon's wiring without actors: deliveries queue up like mailboxes and are handled afterwards.
        var mailbox = new Queue<(string Member, VrrpInput Event)>();
        var notified = new List<string>();
        var group = new Config.VrrpSyncGroup { Name = "G", Instances = ["A", "B"], Location = new SourceLocation("t", 1, 1) };
        var coordinator = new SyncGroupCoordinator(
            [group], (m, e) => mailbox.Enqueue((m, e)), (_, state) => { notified.Add(state); return Task.CompletedTask; }, NullLogger.Instance);
        var members = new[] { "A", "B" }.ToDictionary(n => n, n => new StateMachineBehavior(
            Settings(n), [], TimeProvider.System, null,
            [new InstanceTracker(new TrackedObject(Own, 0), true), new InstanceTracker(new TrackedObject("track_script chk", 0), false)])
        {
            MemberChanged = b => coordinator.MemberChanged(b.Name, b.MachineState, b.HasTrackerFault),
        });

        void Drain()
        {
            while (mailbox.TryDequeue(out var item))
                members[item.Member].Handle(item.Event, Now);
        }

        foreach (var member in members.Values)
        {
            member.Handle(new Start(), Now);
            Up(member, Own);
            Up(member, "track_script chk");
        }

        Drain();
        Assert.Equal(("BACKUP", "BACKUP"), (members["A"].State, members["B"].State));

        Up(members["A"], "track_script chk", up: false);
        Drain();
        Assert.Equal(("FAULT", "FAULT"), (members["A"].State, members["B"].State));

        Up(members["A"], "track_script chk");
        Drain();
        Assert.Equal(("BACKUP", "BACKUP"), (members["A"].State, members["B"].State));
        Assert.Equal(["BACKUP", "FAULT", "BACKUP"], notified);
    }

    [Fact]
    public void SyncGroup_Regroup_RunningInstanceJoinsAGroupInItsState_NobodyMoves_NewBlockNotifies()
    {
        var (groups, sent, notified) = Coordinator();
        groups.MemberChanged("A", VrrpState.Master, false);
        groups.MemberChanged("B", VrrpState.Master, false);
        groups.MemberChanged("C", VrrpState.Master, false);
        notified.Clear();

        var withC = new Config.VrrpSyncGroup { Name = "G", Instances = ["A", "B", "C"], Location = new SourceLocation("t", 1, 1) };
        groups.Regroup([withC]);
        Assert.Empty(sent);
        Assert.Empty(notified);
        Assert.Equal("MASTER", groups.GroupState("G"));

        // The group's rules now hold C: its step down takes the others along.
        groups.MemberChanged("C", VrrpState.Backup, false);
        Assert.Equal([("A", "BACKUP"), ("B", "BACKUP")], sent);
    }

    [Fact]
    public void SyncGroup_Regroup_JoinerInAnotherState_MastersGoBackup_JoinerInFault_AllFault()
    {
        var (groups, sent, notified) = Coordinator();
        groups.MemberChanged("A", VrrpState.Master, false);
        groups.MemberChanged("B", VrrpState.Master, false);
        groups.MemberChanged("C", VrrpState.Backup, false);
        groups.Regroup([Group("G", "A", "B", "C")]);
        Assert.Equal([("A", "BACKUP"), ("B", "BACKUP")], sent);
        Assert.Equal("BACKUP", groups.GroupState("G"));
        Assert.Equal(["MASTER", "BACKUP"], notified);

        sent.Clear();
        groups.MemberChanged("D", VrrpState.Fault, true);
        groups.Regroup([Group("G", "A", "B", "C", "D")]);
        Assert.Equal("FAULT", groups.GroupState("G"));
        Assert.Equal([("A", "FAULT"), ("B", "FAULT"), ("C", "FAULT")], sent);
    }

    [Fact]
    public void SyncGroup_Regroup_FaultyMemberLeaves_TheRestReturnToBackup_NewGroupOfMastersNotNotified_ARemovedGroupsMembersKeepTheirState()
    {
        var (groups, sent, notified) = Coordinator();
        groups.MemberChanged("A", VrrpState.Fault, true);
        groups.MemberChanged("B", VrrpState.Fault, false);
        groups.MemberChanged("C", VrrpState.Backup, false);
        groups.MemberChanged("D", VrrpState.Master, false);
        groups.MemberChanged("E", VrrpState.Master, false);
        groups.Regroup([Group("G", "B", "C"), Group("H", "D", "E")]);
        Assert.Equal([("B", "BACKUP")], sent);
        Assert.Equal(("BACKUP", "MASTER"), (groups.GroupState("G"), groups.GroupState("H")));
        // As keepalived at reload: a group's new BACKUP or FAULT is notified, a new group of masters is MASTER silently.
        Assert.Equal(["FAULT", "BACKUP"], notified);

        sent.Clear();
        groups.Regroup([Group("G", "B", "C")]);
        Assert.Empty(sent);
        Assert.Null(groups.GroupState("H"));
        groups.MemberChanged("D", VrrpState.Backup, false); // no group any more: E stays master
        Assert.Empty(sent);
    }

    [Fact]
    public void SyncGroup_Regroup_UnchangedMembersNewNotifyBlock_UsedAtTheNextState()
    {
        var used = new List<string?>();
        var coordinator = new SyncGroupCoordinator(
            [Group("G", "A", "B")], (_, _) => { }, (group, state) => { used.Add(group.NotifyMaster?.Command); return Task.CompletedTask; }, NullLogger.Instance);
        coordinator.MemberChanged("A", VrrpState.Backup, false);
        coordinator.MemberChanged("B", VrrpState.Backup, false);
        coordinator.Regroup([Group("G", "B", "A") with { NotifyMaster = new NotifyScript("/bin/new", null, new SourceLocation("t", 1, 1)) }]);
        coordinator.MemberChanged("A", VrrpState.Master, false);
        coordinator.MemberChanged("B", VrrpState.Master, false);
        Assert.Equal([null, "/bin/new"], used);
    }

    private static Config.VrrpSyncGroup Group(string name, params string[] members) =>
        new() { Name = name, Instances = members, Location = new SourceLocation("t", 1, 1) };

    [Fact]
    public void SyncGroup_NotifyCommands_GroupNameStateAndZero()
    {
        var group = new Config.VrrpSyncGroup
        {
            Name = "G",
            Instances = ["A", "B"],
            Notify = new NotifyScript("/bin/notify x", null, new SourceLocation("t", 1, 1)),
            NotifyFault = new NotifyScript("/bin/fault", null, new SourceLocation("t", 1, 1)),
            Location = new SourceLocation("t", 1, 1),
        };
        Assert.Equal(
            ["/bin/fault", "/bin/notify x GROUP G FAULT 0"],
            ScriptNotifyRunner.CommandsFor(group, "FAULT", Scripts).Select(c => c.Display));
        Assert.Equal(["/bin/notify x GROUP G MASTER 0"], ScriptNotifyRunner.CommandsFor(group, "MASTER", Scripts).Select(c => c.Display));
    }

    [Fact]
    public async Task Tracking_ReadsLinksAtStart_ThenFollowsLinkEvents()
    {
        var config = Load($$"""
            vrrp_instance VI_1 {
             {{Common}}
             track_interface {
              eth1 weight -20
              missing0
             }
            }
            """);
        var links = new FakeLinks([Link("eth0", 0x41), Link("eth1", 0x41)]);
        var events = Channel.CreateUnbounded<NetworkChange>();
        var sent = new List<(string Instance, TrackerResult Change)>();
        using var tracking = new VrrpTracking(
            config, links, token => events.Reader.ReadAllAsync(token), (i, e) => { lock (sent) sent.Add((i, (TrackerResult)e)); },
            () => true, TimeProvider.System, NullLogger.Instance);
        await tracking.StartAsync(CancellationToken.None);
        await Until(() => Count(sent) == 3);
        Assert.Equal(
            [
                ("VI_1", new TrackerResult("interface eth0", true, 0)),
                ("VI_1", new TrackerResult("track_interface eth1", true, 0)),
                ("VI_1", new TrackerResult("track_interface missing0", false, 0)),
            ],
            sent.OrderBy(s => s.Change.Tracker, StringComparer.Ordinal));

        await events.Writer.WriteAsync(new LinkChange(Link("eth1", 0x1), Removed: false)); // carrier lost
        await events.Writer.WriteAsync(new LinkChange(Link("eth9", 0x1), Removed: false)); // not tracked
        await Until(() => Count(sent) == 4);
        Assert.Equal(("VI_1", new TrackerResult("track_interface eth1", false, 0)), sent[^1]);

        links.Links = [Link("eth0", 0x41), Link("eth1", 0x41), Link("missing0", 0x41)];
        await events.Writer.WriteAsync(new ChangesLost());
        await Until(() => Count(sent) == 6);
        await tracking.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void TrackersReloaded_KeptStatesStay_NewOnesCountOnceKnown_RemovedOnesNoLonger_NoTransition()
    {
        var log = new List<(string, string, string, int)>();
        var own = new InstanceTracker(new TrackedObject(Own, 0), HoldsStart: true);
        var behavior = new StateMachineBehavior(Settings(priority: 150), [], TimeProvider.System, null,
            [own, new InstanceTracker(new TrackedObject("track_script chk", -20), HoldsStart: false)])
        {
            TrackerUpdated = (t, o, n, p) => log.Add((t, o, n, p)),
        };
        behavior.Handle(new Start(), Now);
        Up(behavior, Own);
        Up(behavior, "track_script chk", up: false);
        Assert.Equal(("BACKUP", 130), (behavior.State, behavior.Priority));
        var logged = log.Count;

        // Re-weighted (its DOWN kept, no INIT in between) and a weighted file added: it counts from its first number.
        var actions = behavior.Handle(new TrackersReloaded(
            [own, new InstanceTracker(new TrackedObject("track_script chk", -30), false),
             new InstanceTracker(new TrackedObject("track_file maint", -10, Valued: true), true)]), Now);
        Assert.Empty(actions.OfType<StateChanged>());
        Assert.Equal(("BACKUP", 120), (behavior.State, behavior.Priority));
        Assert.Contains(new TrackerStatus("track_script chk", "DOWN", -30), behavior.Trackers);
        Assert.Contains(new TrackerStatus("track_file maint", "INIT", -10), behavior.Trackers);
        Assert.Equal(logged, log.Count);
        behavior.Handle(new TrackFileResult("track_file maint", 2), Now);
        Assert.Equal(100, behavior.Priority);

        // Removed: they no longer count, and status no longer lists them.
        behavior.Handle(new TrackersReloaded([own]), Now);
        Assert.Equal(("BACKUP", 150), (behavior.State, behavior.Priority));
        Assert.Equal([Own], behavior.Trackers.Select(t => t.Tracker));
    }

    [Fact]
    public void TrackersReloaded_WeightZeroTrackerAddedToAMaster_FaultsOnceItReportsDown()
    {
        var behavior = Behavior(priority: 255);
        behavior.Handle(new Start(), Now);
        Up(behavior, Own);
        Assert.Equal("MASTER", behavior.State);

        behavior.Handle(new TrackersReloaded([new InstanceTracker(new TrackedObject(Own, 0), true), new InstanceTracker(new TrackedObject("track_script chk", 0), true)]), Now);
        Assert.Equal("MASTER", behavior.State); // a running instance does not wait for it
        Up(behavior, "track_script chk", up: false);
        Assert.Equal("FAULT", behavior.State);
    }

    [Fact]
    public async Task Tracking_Apply_UnchangedScriptKeepsRunningAndItsVerdict_ChangedOneRestarts_NewFollowerGetsTheVerdict()
    {
        const string Scripts = """
            vrrp_script keep {
             script /bin/true
             interval 0.05
            }
            vrrp_script change {
             script /bin/false
             interval 0.05
            }

            """;
        var config = Load(Scripts + $$"""
            vrrp_instance VI_1 {
             {{Common}}
             track_script {
              keep weight -10
              change weight -10
             }
            }
            """);
        var runs = new Dictionary<string, int>(StringComparer.Ordinal);
        Task<int> Run(ScriptCommand command, CancellationToken token)
        {
            lock (runs)
                runs[command.Display] = runs.GetValueOrDefault(command.Display) + 1;
            return Task.FromResult(command.Display.Contains("true", StringComparison.Ordinal) ? 0 : 1);
        }

        var sent = new List<(string Instance, TrackerResult Change)>();
        using var tracking = new VrrpTracking(
            config, new FakeLinks([Link("eth0", 0x41)]), token => Channel.CreateUnbounded<NetworkChange>().Reader.ReadAllAsync(token),
            (i, e) => { lock (sent) sent.Add((i, (TrackerResult)e)); }, () => true, TimeProvider.System, NullLogger.Instance, Run);
        await tracking.StartAsync(CancellationToken.None);
        await Until(() => Count(sent) == 3);
        int RunsOf(string display)
        {
            lock (runs)
                return runs.GetValueOrDefault(display);
        }

        // VI_2 added, tracking `keep`; `change` now runs /bin/true.
        var next = Load(Scripts.Replace("/bin/false", "/bin/true x", StringComparison.Ordinal) + $$"""
            vrrp_instance VI_1 {
             {{Common}}
             track_script {
              keep weight -10
              change weight -10
             }
            }
            vrrp_instance VI_2 {
             {{Common.Replace("virtual_router_id 51", "virtual_router_id 52", StringComparison.Ordinal)}}
             track_script {
              keep
             }
            }
            """);
        var keptRuns = RunsOf("/bin/true");
        lock (sent)
            sent.Clear();
        await tracking.ApplyAsync(next, new HashSet<string>(["VI_2"], StringComparer.Ordinal), CancellationToken.None);
        var oldRuns = RunsOf("/bin/false");
        await Until(() => RunsOf("/bin/true x") > 0 && RunsOf("/bin/true") > keptRuns + 2);
        await Until(() => Count(sent) >= 3);
        await Task.Delay(200);
        await tracking.StopAsync(CancellationToken.None);

        lock (sent)
        {
            // VI_2 gets its interface and the running verdict of `keep` at once; VI_1 only the changed script's new verdict.
            Assert.Contains(("VI_2", new TrackerResult("interface eth0", true, 0)), sent);
            Assert.Contains(("VI_2", new TrackerResult("track_script keep", true, 0)), sent);
            Assert.Contains(("VI_1", new TrackerResult("track_script change", true, 0)), sent);
            Assert.DoesNotContain(sent, s => s.Instance == "VI_1" && s.Change.Tracker != "track_script change");
            Assert.Equal(3, sent.Count);
        }

        Assert.True(RunsOf("/bin/false") <= oldRuns + 1, "the replaced loop kept running");
    }

    // The lines every test instance shares (interface, virtual router, one VIP).
    private const string Common = "interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n  10.0.0.50\n }";

    private static (SyncGroupCoordinator, List<(string, string)>, List<string>) Coordinator()
    {
        var sent = new List<(string, string)>();
        var notified = new List<string>();
        var group = new Config.VrrpSyncGroup { Name = "G", Instances = ["A", "B"], Location = new SourceLocation("t", 1, 1) };
        var coordinator = new SyncGroupCoordinator(
            [group], (member, e) => sent.Add((member, ((FollowSyncGroup)e).Target.KeepalivedName())),
            (_, state) => { notified.Add(state); return Task.CompletedTask; }, NullLogger.Instance);
        return (coordinator, sent, notified);
    }

    private static VrrpScript Script(double interval = 1, double? timeout = null, int rise = 1, int fall = 1, string command = "/bin/true") => new()
    {
        Name = "chk",
        Script = command,
        Interval = TimeSpan.FromSeconds(interval),
        Timeout = TimeSpan.FromSeconds(timeout ?? interval),
        Rise = rise,
        Fall = fall,
        Location = new SourceLocation("t", 1, 1),
    };

    private static NetworkLink Link(string name, uint flags) =>
        new(name.GetHashCode(StringComparison.Ordinal) & 0xffff, name, (flags & 1) != 0, (flags & 0x40) != 0, null, LinkOperationalState.Up, 1500, flags);

    private static LvsHaConfig Load(string text)
    {
        var result = ConfigLoader.LoadText(text, "test.conf");
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        return result.Config!;
    }

    private static int Count<T>(List<T> list)
    {
        lock (list)
            return list.Count;
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(5);
        }
    }

    private sealed class FakeLinks(IReadOnlyList<NetworkLink> links) : IAddressManager
    {
        public IReadOnlyList<NetworkLink> Links { get; set; } = links;

        public Task<IReadOnlyList<InterfaceAddress>> GetAddressesAsync(int? interfaceIndex = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<InterfaceAddress>>([]);

        public Task AddAddressAsync(InterfaceAddress address, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task DeleteAddressAsync(InterfaceAddress address, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<IReadOnlyList<NetworkLink>> GetLinksAsync(CancellationToken cancellationToken = default) => Task.FromResult(Links);

        public Task<NetworkLink?> GetLinkAsync(string name, CancellationToken cancellationToken = default) =>
            Task.FromResult(Links.FirstOrDefault(l => l.Name == name));
    }
}
