using System.Net;

namespace LvsHa.Vrrp.Tests;

public class VrrpStateMachineTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly IPAddress Local = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress Lower = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress Higher = IPAddress.Parse("10.0.0.3");
    private readonly ManualTimeProvider clock = new();

    private static VrrpInstanceSettings Settings(byte priority = 100) => new()
    {
        Name = "VI_1",
        VirtualRouterId = 51,
        Priority = priority,
        LocalAddress = Local,
        AdvertInterval = Second,
    };

    private static TimeSpan Down(byte priority, TimeSpan interval) => VrrpTiming.MasterDownInterval(priority, interval);

    private VrrpStateMachine Machine(VrrpInstanceSettings settings) => new(settings, clock);

    private VrrpStateMachine Backup(VrrpInstanceSettings settings)
    {
        var machine = Machine(settings);
        machine.Handle(new Start());
        Assert.Equal(VrrpState.Backup, machine.State);
        return machine;
    }

    private VrrpStateMachine Master(VrrpInstanceSettings settings)
    {
        var machine = Backup(settings);
        clock.Advance(Down(machine.EffectivePriority, settings.AdvertInterval));
        machine.Handle(new TimerExpired(VrrpTimer.MasterDown));
        Assert.Equal(VrrpState.Master, machine.State);
        return machine;
    }

    [Fact]
    public void Constructor_InvalidSettings_ThrowsWithEveryProblem()
    {
        var bad = Settings() with { VirtualRouterId = 0, Priority = 0, AdvertInterval = TimeSpan.FromMilliseconds(5) };
        var error = Assert.Throws<ArgumentException>(() => Machine(bad));
        Assert.Contains("virtual_router_id", error.Message);
        Assert.Contains("priority", error.Message);
        Assert.Contains("advert_int", error.Message);
    }

    [Fact]
    public void Start_Priority100_BecomesBackupWithMasterDownTimer()
    {
        var machine = Machine(Settings());
        var actions = machine.Handle(new Start());
        Assert.Equal(
            [
                new StartTimer(VrrpTimer.MasterDown, TimeSpan.FromTicks(36_093_750)),
                new StateChanged(VrrpState.Initialize, VrrpState.Backup, "started"),
                new RunNotify(VrrpState.Backup, 100),
            ],
            actions);
        Assert.Equal(VrrpState.Backup, machine.State);
    }

    [Fact]
    public void Start_Priority255WithNopreempt_StartsAsBackup()
    {
        // keepalived 2.2: an owner with nopreempt is not treated as state MASTER; it times out from backup.
        var machine = Machine(Settings(255) with { Preempt = false });
        var actions = machine.Handle(new Start());
        Assert.Equal(VrrpState.Backup, machine.State);
        Assert.Contains(new StartTimer(VrrpTimer.MasterDown, VrrpTiming.MasterDownInterval(255, Second)), actions);
    }

    [Fact]
    public void Start_Priority255_BecomesMasterAtOnce()
    {
        var machine = Machine(Settings(255));
        var actions = machine.Handle(new Start());
        Assert.Equal(VrrpState.Master, machine.State);
        Assert.Equal(
            [
                new AddVips(),
                new SendAdvert(255, Second),
                new SendGratuitousArps(5, TimeSpan.Zero, TimeSpan.Zero),
                new StartTimer(VrrpTimer.Advert, Second),
                new StartTimer(VrrpTimer.GarpDelay, TimeSpan.FromSeconds(5)),
                new StateChanged(VrrpState.Initialize, VrrpState.Master, "started as address owner (priority 255)"),
                new RunNotify(VrrpState.Master, 255),
            ],
            actions);
    }

    [Fact]
    public void Start_AlreadyRunning_DoesNothing()
    {
        var machine = Backup(Settings());
        Assert.Empty(machine.Handle(new Start()));
    }

    [Fact]
    public void MasterDownTimer_Expires_BecomesMasterAddsVipsAndAdvertises()
    {
        var machine = Backup(Settings());
        clock.Advance(TimeSpan.FromTicks(36_093_750));
        var actions = machine.Handle(new TimerExpired(VrrpTimer.MasterDown));
        Assert.Equal(VrrpState.Master, machine.State);
        Assert.Equal(new AddVips(), actions[0]);
        Assert.Equal(new SendAdvert(100, Second), actions[1]);
        Assert.Contains(new StartTimer(VrrpTimer.Advert, Second), actions);
        Assert.Equal(new RunNotify(VrrpState.Master, 100), actions[^1]);
        Assert.Equal(Local, machine.MasterAddress);
    }

    [Fact]
    public void MasterDownTimer_ExpiresEarly_ReArmsForTheRest()
    {
        var machine = Backup(Settings());
        clock.Advance(TimeSpan.FromSeconds(3));
        var actions = machine.Handle(new TimerExpired(VrrpTimer.MasterDown));
        Assert.Equal([new StartTimer(VrrpTimer.MasterDown, TimeSpan.FromTicks(6_093_750))], actions);
        Assert.Equal(VrrpState.Backup, machine.State);
    }

    [Fact]
    public void TimerExpired_NotPending_IsIgnoredAsStale()
    {
        var machine = Backup(Settings());
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(machine.Handle(new TimerExpired(VrrpTimer.Advert)));
        Assert.Empty(machine.Handle(new TimerExpired(VrrpTimer.GarpRefresh)));
    }

    [Fact]
    public void InstanceReloaded_Master_KeepsTheStatePutsVipsInPlaceAndAdvertisesTheNewValuesAtOnce()
    {
        var machine = Master(Settings());
        var reloaded = Settings() with { Priority = 120, AdvertInterval = TimeSpan.FromSeconds(2) };
        var actions = machine.Handle(new InstanceReloaded(reloaded, [IPAddress.Parse("10.0.0.60")]));
        Assert.Equal(
            [
                new AddVips(),
                new SendGratuitousArps(5, TimeSpan.Zero, TimeSpan.Zero),
                new SendAdvert(120, TimeSpan.FromSeconds(2)),
                new StartTimer(VrrpTimer.Advert, TimeSpan.FromSeconds(2)),
            ],
            actions.Where(a => a is not CancelTimer));
        Assert.Equal((VrrpState.Master, (byte)120), (machine.State, machine.EffectivePriority));
    }

    [Fact]
    public void InstanceReloaded_Backup_NothingToDoButTheNewPriorityCounts()
    {
        var machine = Backup(Settings());
        Assert.Empty(machine.Handle(new InstanceReloaded(Settings() with { Priority = 180 }, [IPAddress.Parse("10.0.0.60")])));
        Assert.Equal((VrrpState.Backup, (byte)180), (machine.State, machine.EffectivePriority));
    }

    [Fact]
    public void InstanceReloaded_AnotherRouterOrOwnership_Refused()
    {
        var machine = Master(Settings());
        Assert.Throws<ArgumentException>(() => machine.Handle(new InstanceReloaded(Settings() with { VirtualRouterId = 9 }, [])));
        Assert.Throws<ArgumentException>(() => machine.Handle(new InstanceReloaded(Settings() with { Priority = 255 }, [])));
    }

    [Fact]
    public void AdvertTimer_ExpiryLate_NextAdvertKeepsTheSchedule()
    {
        var machine = Master(Settings());
        clock.Advance(Second + TimeSpan.FromMilliseconds(30));
        var actions = machine.Handle(new TimerExpired(VrrpTimer.Advert));
        Assert.Equal(new StartTimer(VrrpTimer.Advert, TimeSpan.FromMilliseconds(970)), actions[1]);

        // Later than a whole interval: the schedule restarts from now, no burst of catch-up adverts.
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(new StartTimer(VrrpTimer.Advert, Second), machine.Handle(new TimerExpired(VrrpTimer.Advert))[1]);
    }

    [Fact]
    public void AdvertTimer_Master_SendsAdvertAndRestarts()
    {
        var machine = Master(Settings());
        clock.Advance(Second);
        var actions = machine.Handle(new TimerExpired(VrrpTimer.Advert));
        Assert.Equal([new SendAdvert(100, Second), new StartTimer(VrrpTimer.Advert, Second)], actions);
    }

    [Fact]
    public void Advert_BackupHearsHigherPriority_ResetsMasterDownTimer()
    {
        var machine = Backup(Settings());
        clock.Advance(Second);
        var actions = machine.Handle(new AdvertReceived(Lower, 200, Second));
        Assert.Equal([new StartTimer(VrrpTimer.MasterDown, Down(100, Second))], actions);
        Assert.Equal(Lower, machine.MasterAddress);
    }

    [Fact]
    public void Advert_BackupHearsEqualPriority_AcceptsTheMaster()
    {
        var machine = Backup(Settings());
        var actions = machine.Handle(new AdvertReceived(Lower, 100, Second));
        Assert.Equal([new StartTimer(VrrpTimer.MasterDown, Down(100, Second))], actions);
    }

    [Fact]
    public void Advert_BackupHearsDifferentInterval_AdoptsTheMastersInterval()
    {
        var machine = Backup(Settings());
        var fast = TimeSpan.FromMilliseconds(100);
        var actions = machine.Handle(new AdvertReceived(Higher, 150, fast));
        Assert.Equal(fast, machine.MasterAdvertInterval);
        Assert.Equal([new StartTimer(VrrpTimer.MasterDown, TimeSpan.FromTicks(3_000_000 + 609_375))], actions);
    }

    [Fact]
    public void Advert_BackupWithPreemptHearsLowerPriority_IgnoresItAndTakesOverAtTimeout()
    {
        var machine = Backup(Settings(150));
        clock.Advance(Second);
        Assert.Empty(machine.Handle(new AdvertReceived(Higher, 100, Second)));
        clock.Advance(Second);
        Assert.Empty(machine.Handle(new AdvertReceived(Higher, 100, Second)));
        clock.Advance(Down(150, Second) - (2 * Second));
        machine.Handle(new TimerExpired(VrrpTimer.MasterDown));
        Assert.Equal(VrrpState.Master, machine.State);
    }

    [Fact]
    public void Advert_BackupWithNopreemptHearsLowerPriority_AcceptsTheMaster()
    {
        var machine = Backup(Settings(150) with { Preempt = false });
        var actions = machine.Handle(new AdvertReceived(Higher, 100, Second));
        Assert.Equal([new StartTimer(VrrpTimer.MasterDown, Down(150, Second))], actions);
        clock.Advance(Down(150, Second) - TimeSpan.FromMilliseconds(10));
        Assert.Single(machine.Handle(new TimerExpired(VrrpTimer.MasterDown))); // early: re-armed
        Assert.Equal(VrrpState.Backup, machine.State);
    }

    [Fact]
    public void Advert_BackupWithPreemptDelay_ToleratesLowerPriorityMasterUntilTheDelayEnds()
    {
        var machine = Backup(Settings(150) with { PreemptDelay = TimeSpan.FromSeconds(10) });
        var down = Down(150, Second);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal([new StartTimer(VrrpTimer.MasterDown, down)], machine.Handle(new AdvertReceived(Higher, 100, Second)));
            clock.Advance(Second);
        }

        // t = 10 s after the first lower-priority advert: the delay is over, adverts are ignored from now on.
        Assert.Empty(machine.Handle(new AdvertReceived(Higher, 100, Second)));
        clock.Advance(down - Second);
        machine.Handle(new TimerExpired(VrrpTimer.MasterDown));
        Assert.Equal(VrrpState.Master, machine.State);
    }

    [Fact]
    public void Advert_PreemptDelayRunning_HigherPriorityAdvertRestartsTheDelay()
    {
        var machine = Backup(Settings(150) with { PreemptDelay = TimeSpan.FromSeconds(5) });
        machine.Handle(new AdvertReceived(Higher, 100, Second));
        clock.Advance(TimeSpan.FromSeconds(4));
        machine.Handle(new AdvertReceived(Higher, 200, Second));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.NotEmpty(machine.Handle(new AdvertReceived(Higher, 100, Second))); // new delay starts now
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.NotEmpty(machine.Handle(new AdvertReceived(Higher, 100, Second)));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(machine.Handle(new AdvertReceived(Higher, 100, Second)));
    }

    [Fact]
    public void Advert_BackupHearsPriorityZero_TakesOverAfterSkewTimeOnly()
    {
        var machine = Backup(Settings());
        machine.Handle(new AdvertReceived(Higher, 200, Second));
        var actions = machine.Handle(new AdvertReceived(Higher, 0, Second));
        Assert.Equal([new StartTimer(VrrpTimer.MasterDown, TimeSpan.FromTicks(6_093_750))], actions);
        clock.Advance(TimeSpan.FromTicks(6_093_750));
        machine.Handle(new TimerExpired(VrrpTimer.MasterDown));
        Assert.Equal(VrrpState.Master, machine.State);
    }

    [Fact]
    public void Advert_MasterHearsHigherPriority_BecomesBackupAndRemovesVips()
    {
        var machine = Master(Settings());
        var fast = TimeSpan.FromMilliseconds(500);
        var actions = machine.Handle(new AdvertReceived(Lower, 101, fast));
        Assert.Equal(
            [
                new CancelTimer(VrrpTimer.Advert),
                new CancelTimer(VrrpTimer.GarpDelay),
                new RemoveVips(),
                new StartTimer(VrrpTimer.MasterDown, Down(100, fast)),
                new StateChanged(VrrpState.Master, VrrpState.Backup, "heard 10.0.0.1 with higher priority 101 (ours 100)"),
                new RunNotify(VrrpState.Backup, 100),
            ],
            actions);
        Assert.Equal(fast, machine.MasterAdvertInterval);
        Assert.Equal(Lower, machine.MasterAddress);
    }

    [Fact]
    public void Advert_MasterHearsEqualPriorityFromHigherAddress_BecomesBackup()
    {
        var machine = Master(Settings());
        machine.Handle(new AdvertReceived(Higher, 100, Second));
        Assert.Equal(VrrpState.Backup, machine.State);
    }

    [Fact]
    public void Advert_MasterHearsEqualPriorityFromLowerAddress_StaysMasterAndAnswers()
    {
        var machine = Master(Settings());
        var actions = machine.Handle(new AdvertReceived(Lower, 100, Second));
        Assert.Equal(VrrpState.Master, machine.State);
        Assert.Equal([new SendAdvert(100, Second), new SendGratuitousArps(5, TimeSpan.Zero, TimeSpan.Zero)], actions);
    }

    [Fact]
    public void Advert_MasterHearsEqualPriorityIpv6_TieBrokenByHigherAddress()
    {
        var local = IPAddress.Parse("2001:db8::20");
        var machine = Master(Settings() with { LocalAddress = local });
        machine.Handle(new AdvertReceived(IPAddress.Parse("2001:db8::1f"), 100, Second));
        Assert.Equal(VrrpState.Master, machine.State);
        machine.Handle(new AdvertReceived(IPAddress.Parse("2001:db8::21"), 100, Second));
        Assert.Equal(VrrpState.Backup, machine.State);
    }

    [Fact]
    public void Advert_MasterHearsLowerPriority_AnswersAtOnceAndReannouncesVips()
    {
        var machine = Master(Settings() with { Garp = new GarpSettings { LowerPriorityRepeat = 2 } });
        var actions = machine.Handle(new AdvertReceived(Higher, 50, Second));
        Assert.Equal([new SendAdvert(100, Second), new SendGratuitousArps(2, TimeSpan.Zero, TimeSpan.Zero)], actions);
    }

    [Fact]
    public void Advert_MasterHearsPriorityZero_SendsAdvertAtOnceAndResetsAdvertTimer()
    {
        var machine = Master(Settings());
        var actions = machine.Handle(new AdvertReceived(Higher, 0, Second));
        Assert.Equal([new SendAdvert(100, Second), new StartTimer(VrrpTimer.Advert, Second)], actions);
        Assert.Equal(VrrpState.Master, machine.State);
    }

    [Fact]
    public void Advert_FromOwnAddressOrWithBadInterval_IsIgnored()
    {
        var machine = Master(Settings());
        Assert.Empty(machine.Handle(new AdvertReceived(Local, 200, Second)));
        Assert.Empty(machine.Handle(new AdvertReceived(Higher, 200, TimeSpan.Zero)));
        Assert.Empty(machine.Handle(new AdvertReceived(Higher, 200, TimeSpan.FromMilliseconds(15))));
        Assert.Equal(VrrpState.Master, machine.State);
    }

    [Fact]
    public void Advert_InitializeFaultOrStopped_IsIgnored()
    {
        var machine = Machine(Settings());
        Assert.Empty(machine.Handle(new AdvertReceived(Higher, 200, Second)));
        machine.Handle(new TrackerChanged(0, Fault: true));
        machine.Handle(new Start());
        Assert.Equal(VrrpState.Fault, machine.State);
        Assert.Empty(machine.Handle(new AdvertReceived(Higher, 200, Second)));
        machine.Handle(new Shutdown());
        Assert.Empty(machine.Handle(new AdvertReceived(Higher, 200, Second)));
    }

    [Fact]
    public void Shutdown_Master_SendsPriorityZeroRemovesVipsAndStops()
    {
        var machine = Master(Settings());
        var actions = machine.Handle(new Shutdown());
        Assert.Equal(
            [
                new CancelTimer(VrrpTimer.Advert),
                new CancelTimer(VrrpTimer.GarpDelay),
                new SendAdvert(0, Second),
                new RemoveVips(),
                new StateChanged(VrrpState.Master, VrrpState.Stopped, "stopped"),
                new RunNotify(VrrpState.Stopped, 100),
            ],
            actions);
        Assert.Empty(machine.PendingTimers);
    }

    [Fact]
    public void Shutdown_Backup_CancelsTimerAndStops()
    {
        var machine = Backup(Settings());
        var actions = machine.Handle(new Shutdown());
        Assert.Equal(
            [
                new CancelTimer(VrrpTimer.MasterDown),
                new StateChanged(VrrpState.Backup, VrrpState.Stopped, "stopped"),
                new RunNotify(VrrpState.Stopped, 100),
            ],
            actions);
        Assert.Empty(machine.Handle(new Shutdown()));
    }

    [Fact]
    public void Start_AfterStop_StartsAgainAsBackup()
    {
        var machine = Master(Settings());
        machine.Handle(new Shutdown());
        machine.Handle(new Start());
        Assert.Equal(VrrpState.Backup, machine.State);
    }

    [Fact]
    public void Tracker_WeightLowersMasterBelowBackup_BackupTakesOverAtTimeout()
    {
        var master = Master(Settings(150));
        Assert.Empty(master.Handle(new TrackerChanged(-60, Fault: false)));
        Assert.Equal(90, master.EffectivePriority);
        clock.Advance(Second);
        Assert.Equal(new SendAdvert(90, Second), master.Handle(new TimerExpired(VrrpTimer.Advert))[0]);

        var backup = Backup(Settings(100) with { LocalAddress = Lower });
        Assert.Empty(backup.Handle(new AdvertReceived(Local, 90, Second)));
    }

    [Fact]
    public void Tracker_PriorityDelta_IsClampedTo1Through254()
    {
        var machine = Backup(Settings(200));
        machine.Handle(new TrackerChanged(100, Fault: false));
        Assert.Equal(254, machine.EffectivePriority);
        machine.Handle(new TrackerChanged(-500, Fault: false));
        Assert.Equal(1, machine.EffectivePriority);
    }

    [Fact]
    public void Tracker_AddressOwner_KeepsPriority255()
    {
        var machine = Machine(Settings(255));
        machine.Handle(new TrackerChanged(-50, Fault: false));
        Assert.Equal(255, machine.EffectivePriority);
    }

    [Fact]
    public void Tracker_BackupRaisedAbovePriority_RecomputesMasterDownInterval()
    {
        var machine = Backup(Settings(100));
        machine.Handle(new TrackerChanged(50, Fault: false));
        Assert.Equal(Down(150, Second), machine.MasterDownInterval);
    }

    [Fact]
    public void Tracker_FaultWhileMaster_EntersFaultWithPriorityZeroAndRemovesVips()
    {
        var machine = Master(Settings());
        var actions = machine.Handle(new TrackerChanged(0, Fault: true));
        Assert.Equal(
            [
                new CancelTimer(VrrpTimer.Advert),
                new CancelTimer(VrrpTimer.GarpDelay),
                new SendAdvert(0, Second),
                new RemoveVips(),
                new StateChanged(VrrpState.Master, VrrpState.Fault, "a tracked interface, script or file failed"),
                new RunNotify(VrrpState.Fault, 100),
            ],
            actions);
        Assert.True(machine.HasTrackerFault);
    }

    [Fact]
    public void Tracker_FaultWhileBackup_EntersFaultAndStopsWatching()
    {
        var machine = Backup(Settings());
        var actions = machine.Handle(new TrackerChanged(0, Fault: true));
        Assert.Equal(new CancelTimer(VrrpTimer.MasterDown), actions[0]);
        Assert.Equal(VrrpState.Fault, machine.State);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(machine.Handle(new TimerExpired(VrrpTimer.MasterDown)));
    }

    [Fact]
    public void Tracker_FaultClears_ReturnsToBackup()
    {
        var machine = Backup(Settings());
        machine.Handle(new TrackerChanged(0, Fault: true));
        var actions = machine.Handle(new TrackerChanged(0, Fault: false));
        Assert.Equal(VrrpState.Backup, machine.State);
        Assert.Equal(new StartTimer(VrrpTimer.MasterDown, Down(100, Second)), actions[0]);
        Assert.Equal(new StateChanged(VrrpState.Fault, VrrpState.Backup, "trackers recovered"), actions[1]);
    }

    [Fact]
    public void Tracker_FaultClearsOnAddressOwner_ReturnsToMaster()
    {
        var machine = Machine(Settings(255));
        machine.Handle(new Start());
        machine.Handle(new TrackerChanged(0, Fault: true));
        Assert.Equal(VrrpState.Fault, machine.State);
        machine.Handle(new TrackerChanged(0, Fault: false));
        Assert.Equal(VrrpState.Master, machine.State);
    }

    [Fact]
    public void Tracker_FaultBeforeStart_StartsInFault()
    {
        var machine = Machine(Settings(255));
        machine.Handle(new TrackerChanged(0, Fault: true));
        machine.Handle(new Start());
        Assert.Equal(VrrpState.Fault, machine.State);
    }

    [Fact]
    public void Quorum_GuardOnMasterLosesMajority_DropsToBackupWithPriorityZero()
    {
        var machine = Machine(Settings() with { SplitBrainGuard = true });
        machine.Handle(new QuorumChanged(true));
        machine.Handle(new Start());
        clock.Advance(Down(100, Second));
        machine.Handle(new TimerExpired(VrrpTimer.MasterDown));
        Assert.Equal(VrrpState.Master, machine.State);

        var actions = machine.Handle(new QuorumChanged(false));
        Assert.Equal(VrrpState.Backup, machine.State);
        Assert.Contains(new SendAdvert(0, Second), actions);
        Assert.Contains(new RemoveVips(), actions);
        Assert.IsType<StateChanged>(actions[^2]);
        Assert.Contains("majority", ((StateChanged)actions[^2]).Reason);
    }

    [Fact]
    public void Quorum_GuardOnBackupWithoutMajority_DoesNotBecomeMasterUntilMajorityReturns()
    {
        var machine = Machine(Settings() with { SplitBrainGuard = true });
        machine.Handle(new Start());
        Assert.False(machine.MayBeMaster);
        clock.Advance(Down(100, Second));
        Assert.Empty(machine.Handle(new TimerExpired(VrrpTimer.MasterDown)));
        Assert.Equal(VrrpState.Backup, machine.State);

        var actions = machine.Handle(new QuorumChanged(true));
        Assert.Equal([new StartTimer(VrrpTimer.MasterDown, Down(100, Second))], actions);
        clock.Advance(Down(100, Second));
        machine.Handle(new TimerExpired(VrrpTimer.MasterDown));
        Assert.Equal(VrrpState.Master, machine.State);
    }

    [Fact]
    public void Quorum_GuardOnOwnerWithoutMajority_StartsAsBackup()
    {
        var machine = Machine(Settings(255) with { SplitBrainGuard = true });
        machine.Handle(new Start());
        Assert.Equal(VrrpState.Backup, machine.State);
    }

    [Fact]
    public void Quorum_MajorityReturnsWhileTimerRuns_KeepsTheRunningTimer()
    {
        var machine = Machine(Settings() with { SplitBrainGuard = true });
        machine.Handle(new Start());
        Assert.Empty(machine.Handle(new QuorumChanged(true)));
        Assert.Empty(machine.Handle(new QuorumChanged(true)));
    }

    [Fact]
    public void Quorum_GuardOff_IsRecordedButChangesNothing()
    {
        var machine = Master(Settings());
        Assert.Empty(machine.Handle(new QuorumChanged(false)));
        Assert.Equal(VrrpState.Master, machine.State);
        Assert.True(machine.MayBeMaster);
    }

    [Fact]
    public void ForceFailover_Master_StepsDownAndDoesNotPreemptBack()
    {
        var machine = Master(Settings(150));
        var actions = machine.Handle(new ForceFailover());
        Assert.Equal(VrrpState.Backup, machine.State);
        Assert.Contains(new SendAdvert(0, Second), actions);
        Assert.True(machine.HasYielded);

        // The lower-priority director that took over is accepted, not preempted.
        Assert.Equal([new StartTimer(VrrpTimer.MasterDown, Down(150, Second))], machine.Handle(new AdvertReceived(Higher, 100, Second)));
    }

    [Fact]
    public void ForceFailover_NobodyTakesOver_BecomesMasterAgainAfterMasterDownInterval()
    {
        var machine = Master(Settings(150));
        machine.Handle(new ForceFailover());
        clock.Advance(Down(150, Second));
        machine.Handle(new TimerExpired(VrrpTimer.MasterDown));
        Assert.Equal(VrrpState.Master, machine.State);
        Assert.False(machine.HasYielded);
    }

    [Fact]
    public void ForceFailover_Backup_DoesNothing()
    {
        var machine = Backup(Settings());
        Assert.Empty(machine.Handle(new ForceFailover()));
        Assert.False(machine.HasYielded);
    }

    [Fact]
    public void GarpTimers_Master_SecondBurstAfterDelayAndPeriodicRefresh()
    {
        var garp = new GarpSettings
        {
            MasterDelay = TimeSpan.FromSeconds(5),
            MasterRepeat = 3,
            MasterRefresh = TimeSpan.FromSeconds(60),
            MasterRefreshRepeat = 2,
            ArpInterval = TimeSpan.FromMilliseconds(1),
            NaInterval = TimeSpan.FromMilliseconds(2),
        };
        var machine = Backup(Settings() with { Garp = garp });
        clock.Advance(Down(100, Second));
        var becoming = machine.Handle(new TimerExpired(VrrpTimer.MasterDown));
        var burst = new SendGratuitousArps(3, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2));
        Assert.Contains(burst, becoming);
        Assert.Contains(new StartTimer(VrrpTimer.GarpDelay, TimeSpan.FromSeconds(5)), becoming);
        Assert.Contains(new StartTimer(VrrpTimer.GarpRefresh, TimeSpan.FromSeconds(60)), becoming);

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal([burst], machine.Handle(new TimerExpired(VrrpTimer.GarpDelay)));
        clock.Advance(TimeSpan.FromSeconds(55));
        Assert.Equal(
            [new SendGratuitousArps(2, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2)), new StartTimer(VrrpTimer.GarpRefresh, TimeSpan.FromSeconds(60))],
            machine.Handle(new TimerExpired(VrrpTimer.GarpRefresh)));
    }

    [Fact]
    public void GarpTimers_DelayZeroRefreshOff_NoGarpTimers()
    {
        var machine = Machine(Settings(255) with { Garp = new GarpSettings { MasterDelay = TimeSpan.Zero } });
        var actions = machine.Handle(new Start());
        Assert.DoesNotContain(actions, a => a is StartTimer { Timer: VrrpTimer.GarpDelay or VrrpTimer.GarpRefresh });
    }

    [Fact]
    public void GarpTimers_LeavingMaster_CancelsBothGarpTimers()
    {
        var machine = Master(Settings() with { Garp = new GarpSettings { MasterRefresh = TimeSpan.FromSeconds(30) } });
        var actions = machine.Handle(new AdvertReceived(Higher, 200, Second));
        Assert.Contains(new CancelTimer(VrrpTimer.GarpDelay), actions);
        Assert.Contains(new CancelTimer(VrrpTimer.GarpRefresh), actions);
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(machine.Handle(new TimerExpired(VrrpTimer.GarpRefresh)));
    }

    [Fact]
    public void SyncGroup_FollowFault_BackupEntersFaultAndStaysUntilGroupLeavesFault()
    {
        var machine = Backup(Settings());
        machine.Handle(new FollowSyncGroup(VrrpState.Fault));
        Assert.Equal(VrrpState.Fault, machine.State);
        Assert.False(machine.HasTrackerFault);
        machine.Handle(new TrackerChanged(0, Fault: false));
        Assert.Equal(VrrpState.Fault, machine.State); // the group still holds it
        machine.Handle(new FollowSyncGroup(VrrpState.Backup));
        Assert.Equal(VrrpState.Backup, machine.State);
    }

    [Fact]
    public void SyncGroup_FollowBackup_MasterStepsDownWithPriorityZero()
    {
        var machine = Master(Settings());
        var actions = machine.Handle(new FollowSyncGroup(VrrpState.Backup));
        Assert.Equal(VrrpState.Backup, machine.State);
        Assert.Contains(new SendAdvert(0, Second), actions);
    }

    [Fact]
    public void SyncGroup_FollowMaster_BackupBecomesMasterUnlessGuardForbids()
    {
        var machine = Backup(Settings());
        machine.Handle(new FollowSyncGroup(VrrpState.Master));
        Assert.Equal(VrrpState.Master, machine.State);

        var guarded = Backup(Settings() with { SplitBrainGuard = true });
        Assert.Empty(guarded.Handle(new FollowSyncGroup(VrrpState.Master)));
        Assert.Equal(VrrpState.Backup, guarded.State);
    }

    [Fact]
    public void SyncGroup_FollowOwnTrackerFault_StaysInFault()
    {
        var machine = Backup(Settings());
        machine.Handle(new TrackerChanged(0, Fault: true));
        Assert.Empty(machine.Handle(new FollowSyncGroup(VrrpState.Backup)));
        Assert.Equal(VrrpState.Fault, machine.State);
        Assert.Throws<ArgumentOutOfRangeException>(() => machine.Handle(new FollowSyncGroup(VrrpState.Stopped)));
    }
}
