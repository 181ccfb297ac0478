using System.Net;

namespace LvsHa.Vrrp;

/// <summary>
/// One VRRP instance's protocol logic (RFC 5798 with keepalived's FAULT, trackers, preempt_delay and GARP timing, plus
/// LvsHa's split-brain guard): feed it <see cref="VrrpInput"/>s, carry out the <see cref="VrrpAction"/>s it returns.
/// </summary>
/// <remarks>
/// Pure and single-threaded: no I/O, no timers of its own. The host runs the timers it asks for and reports their
/// expiry; the clock is only read to check an expiry is not early and for preempt_delay, so tests drive it with a fake.
/// </remarks>
public sealed class VrrpStateMachine
{
    // The host's timers and this clock are not the same clock: an expiry a hair before its deadline is on time.
    // Re-arming it would cost a whole scheduler tick (10 ms in Akka) of failover time.
    private static readonly TimeSpan ExpiryTolerance = TimeSpan.FromMilliseconds(2);

    private VrrpInstanceSettings settings;
    private readonly TimeProvider time;
    private readonly Dictionary<VrrpTimer, DateTimeOffset> deadlines = [];
    private int priorityDelta;
    private bool trackerFault;
    private bool groupFault;
    private bool hasMajority;
    private bool yielded;
    private DateTimeOffset? preemptDeadline;

    /// <summary>Creates a stopped-at-Initialize machine; throws when the settings are invalid.</summary>
    public VrrpStateMachine(VrrpInstanceSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        var errors = settings.Validate();
        if (errors.Count > 0)
            throw new ArgumentException($"vrrp_instance {settings.Name}: {string.Join("; ", errors)}", nameof(settings));
        this.settings = settings;
        this.time = time;
        MasterAdvertInterval = settings.AdvertInterval;
    }

    /// <summary>The current state.</summary>
    public VrrpState State { get; private set; } = VrrpState.Initialize;

    /// <summary>Base priority plus tracker weights, clamped to 1..254; the address owner (255) stays 255.</summary>
    public byte EffectivePriority =>
        settings.Priority == 255 ? (byte)255 : (byte)Math.Clamp(settings.Priority + priorityDelta, 1, 254);

    /// <summary>The interval the current master advertises (own interval until a master is heard).</summary>
    public TimeSpan MasterAdvertInterval { get; private set; }

    /// <summary>The master last accepted (this director while master; null when none is known).</summary>
    public IPAddress? MasterAddress { get; private set; }

    /// <summary>Whether the split-brain guard currently allows this director to be master.</summary>
    public bool MayBeMaster => !settings.SplitBrainGuard || hasMajority;

    /// <summary>True while the instance's own trackers hold it in FAULT (for <see cref="VrrpSyncGroup"/>).</summary>
    public bool HasTrackerFault => trackerFault;

    /// <summary>True after <see cref="ForceFailover"/> until this instance next becomes master.</summary>
    public bool HasYielded => yielded;

    /// <summary>Skew_Time for the current priority and master interval.</summary>
    public TimeSpan SkewTime => VrrpTiming.SkewTime(EffectivePriority, MasterAdvertInterval);

    /// <summary>Master_Down_Interval for the current priority and master interval.</summary>
    public TimeSpan MasterDownInterval => VrrpTiming.MasterDownInterval(EffectivePriority, MasterAdvertInterval);

    /// <summary>The timers the machine believes are pending, with their deadlines.</summary>
    public IReadOnlyDictionary<VrrpTimer, DateTimeOffset> PendingTimers => deadlines;

    /// <summary>Applies one input and returns what the host must do, in order.</summary>
    public IReadOnlyList<VrrpAction> Handle(VrrpInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var actions = new List<VrrpAction>();
        switch (input)
        {
            case Start:
                if (State is VrrpState.Initialize or VrrpState.Stopped)
                {
                    yielded = false;
                    Startup(actions, "started");
                }

                break;
            case AdvertReceived advert:
                OnAdvert(actions, advert);
                break;
            case TimerExpired expired:
                OnTimer(actions, expired.Timer);
                break;
            case TrackerChanged tracker:
                OnTracker(actions, tracker);
                break;
            case Shutdown:
                if (State != VrrpState.Stopped)
                    Stop(actions);
                break;
            case QuorumChanged quorum:
                OnQuorum(actions, quorum.HasMajority);
                break;
            case ForceFailover:
                if (State == VrrpState.Master)
                {
                    yielded = true;
                    EnterBackup(actions, "operator forced a failover", settings.AdvertInterval, announceStop: true);
                }

                break;
            case ReleaseFailover:
                yielded = false;
                break;
            case FollowSyncGroup follow:
                OnSyncGroup(actions, follow.Target);
                break;
            case InstanceReloaded reloaded:
                Reload(actions, reloaded.Settings);
                break;
            default:
                throw new ArgumentException($"unknown VRRP input {input.GetType().Name}", nameof(input));
        }

        return actions;
    }

    private void Reload(List<VrrpAction> actions, VrrpInstanceSettings next)
    {
        if (next.Name != settings.Name || next.VirtualRouterId != settings.VirtualRouterId
            || !next.LocalAddress.Equals(settings.LocalAddress) || next.SplitBrainGuard != settings.SplitBrainGuard
            || (next.Priority == 255) != (settings.Priority == 255))
            throw new ArgumentException($"vrrp_instance {settings.Name}: a reload cannot change its identity, guard or address ownership", nameof(next));
        var errors = next.Validate();
        if (errors.Count > 0)
            throw new ArgumentException($"vrrp_instance {settings.Name}: {string.Join("; ", errors)}", nameof(next));
        settings = next;
        if (State != VrrpState.Master)
            return;
        MasterAdvertInterval = settings.AdvertInterval;
        actions.Add(new AddVips());
        actions.Add(Announce(settings.Garp.MasterRepeat));
        actions.Add(new SendAdvert(EffectivePriority, settings.AdvertInterval));
        StartTimer(actions, VrrpTimer.Advert, settings.AdvertInterval);
        if (settings.Garp.MasterRefresh > TimeSpan.Zero)
            StartTimer(actions, VrrpTimer.GarpRefresh, settings.Garp.MasterRefresh);
        else
            CancelTimer(actions, VrrpTimer.GarpRefresh);
    }

    private void Startup(List<VrrpAction> actions, string reason)
    {
        if (trackerFault || groupFault)
            EnterFault(actions, reason + (trackerFault ? ", but a tracker is failing" : ", but the sync group is in fault"));
        // keepalived 2.2 jumps to master only for an owner that wants MASTER; with nopreempt it is not forced to MASTER
        // and starts as a backup like any other (vrrp_complete_instance, vrrp_init_state).
        else if (EffectivePriority == 255 && MayBeMaster && settings.Preempt)
            EnterMaster(actions, reason + " as address owner (priority 255)");
        else
            EnterBackup(actions, reason, settings.AdvertInterval, announceStop: false);
    }

    private void OnAdvert(List<VrrpAction> actions, AdvertReceived advert)
    {
        // An advert carrying an interval the protocol cannot express would poison Master_Down_Interval: drop it.
        if (!VrrpTiming.IsValidAdvertInterval(advert.AdvertInterval) || advert.From.Equals(settings.LocalAddress))
            return;
        if (State == VrrpState.Backup)
            OnAdvertAsBackup(actions, advert);
        else if (State == VrrpState.Master)
            OnAdvertAsMaster(actions, advert);
    }

    private void OnAdvertAsBackup(List<VrrpAction> actions, AdvertReceived advert)
    {
        if (advert.Priority == 0)
        {
            // The master is stopping: take over after Skew_Time only, so the highest-priority backup wins the race.
            MasterAddress = null;
            StartTimer(actions, VrrpTimer.MasterDown, SkewTime);
            return;
        }

        var mine = EffectivePriority;
        if (settings.PreemptDelay > TimeSpan.Zero && advert.Priority >= mine)
            preemptDeadline = null;
        if (!settings.Preempt || yielded || advert.Priority >= mine || PreemptDelayHolds())
        {
            MasterAdvertInterval = advert.AdvertInterval;
            MasterAddress = advert.From;
            StartTimer(actions, VrrpTimer.MasterDown, MasterDownInterval);
        }

        // Otherwise preempt: ignore the lower-priority master and let Master_Down_Timer run out (RFC 5798 6.4.2).
    }

    // keepalived's preempt_delay: the first lower-priority advert starts the delay; until it ends the backup treats
    // the lower-priority master as if nopreempt were set.
    private bool PreemptDelayHolds()
    {
        if (settings.PreemptDelay <= TimeSpan.Zero)
            return false;
        var now = time.GetUtcNow();
        preemptDeadline ??= now + settings.PreemptDelay;
        return now < preemptDeadline;
    }

    private void OnAdvertAsMaster(List<VrrpAction> actions, AdvertReceived advert)
    {
        var mine = EffectivePriority;
        if (advert.Priority == 0)
        {
            // Another master is stopping: assert ourselves at once so its backups don't take over after Skew_Time.
            actions.Add(new SendAdvert(mine, settings.AdvertInterval));
            StartTimer(actions, VrrpTimer.Advert, settings.AdvertInterval);
            return;
        }

        var theirs = advert.Priority;
        if (theirs > mine || (theirs == mine && VrrpAddressOrder.Instance.Compare(advert.From, settings.LocalAddress) > 0))
        {
            var why = theirs > mine
                ? $"heard {advert.From} with higher priority {theirs} (ours {mine})"
                : $"heard {advert.From} with equal priority {theirs} and a higher address";
            EnterBackup(actions, why, advert.AdvertInterval, announceStop: false);
            MasterAddress = advert.From;
            return;
        }

        // Two masters (e.g. a healed partition): answer at once so the other steps down (keepalived does the same),
        // and re-announce the VIPs because clients may have learnt the other master's MAC.
        actions.Add(new SendAdvert(mine, settings.AdvertInterval));
        if (settings.Garp.LowerPriorityRepeat > 0)
            actions.Add(Announce(settings.Garp.LowerPriorityRepeat));
    }

    private void OnTimer(List<VrrpAction> actions, VrrpTimer timer)
    {
        if (!deadlines.TryGetValue(timer, out var deadline))
            return; // cancelled or replaced: a stale expiry
        var now = time.GetUtcNow();
        if (now < deadline - ExpiryTolerance)
        {
            // Early expiry (coarse host timer): re-arm for the rest rather than act early or lose the timer.
            actions.Add(new StartTimer(timer, deadline - now));
            return;
        }

        deadlines.Remove(timer);
        switch (timer)
        {
            case VrrpTimer.Advert when State == VrrpState.Master:
                actions.Add(new SendAdvert(EffectivePriority, settings.AdvertInterval));

                // Next advert one interval after the planned one, not after this late expiry: a host timer that fires
                // a tick late each time would otherwise stretch advert_int 0.1 to ~0.117 s (measured with Akka's 10 ms
                // scheduler). A lapse longer than an interval restarts the schedule rather than sending a burst.
                var next = deadline + settings.AdvertInterval;
                StartTimer(actions, VrrpTimer.Advert, next > now ? next - now : settings.AdvertInterval);
                break;
            case VrrpTimer.MasterDown when State == VrrpState.Backup:
                // Without a majority the guard holds the backup; the timer is restarted when the majority returns.
                if (MayBeMaster)
                    EnterMaster(actions, "no advert from a master within Master_Down_Interval");
                break;
            case VrrpTimer.GarpDelay when State == VrrpState.Master:
                actions.Add(Announce(settings.Garp.MasterRepeat));
                break;
            case VrrpTimer.GarpRefresh when State == VrrpState.Master:
                actions.Add(Announce(settings.Garp.MasterRefreshRepeat));
                StartTimer(actions, VrrpTimer.GarpRefresh, settings.Garp.MasterRefresh);
                break;
        }
    }

    private void OnTracker(List<VrrpAction> actions, TrackerChanged tracker)
    {
        priorityDelta = tracker.PriorityDelta;
        trackerFault = tracker.Fault;
        if (trackerFault && State is VrrpState.Backup or VrrpState.Master)
            EnterFault(actions, "a tracked interface, script or file failed");
        else if (!trackerFault && !groupFault && State == VrrpState.Fault)
            Startup(actions, "trackers recovered");

        // A plain priority change needs no action: the master's next advert carries it, and a backup compares it
        // with the next advert it hears.
    }

    private void OnQuorum(List<VrrpAction> actions, bool majority)
    {
        var had = hasMajority;
        hasMajority = majority;
        if (!settings.SplitBrainGuard)
            return;
        if (!majority && State == VrrpState.Master)
        {
            // Priority 0 lets a backup that still has the majority take over after Skew_Time instead of 3 intervals.
            EnterBackup(actions, "lost the cluster majority (split-brain guard)", settings.AdvertInterval, announceStop: true);
        }
        else if (majority && !had && State == VrrpState.Backup && !deadlines.ContainsKey(VrrpTimer.MasterDown))
        {
            StartTimer(actions, VrrpTimer.MasterDown, MasterDownInterval);
        }
    }

    private void OnSyncGroup(List<VrrpAction> actions, VrrpState target)
    {
        switch (target)
        {
            case VrrpState.Fault:
                groupFault = true;
                if (State is VrrpState.Backup or VrrpState.Master)
                    EnterFault(actions, "another member of the sync group is in fault");
                break;
            case VrrpState.Backup:
                groupFault = false;
                if (State == VrrpState.Master)
                    EnterBackup(actions, "the sync group went backup", settings.AdvertInterval, announceStop: true);
                else if (State == VrrpState.Fault && !trackerFault)
                    EnterBackup(actions, "the sync group left fault", settings.AdvertInterval, announceStop: false);
                break;
            case VrrpState.Master:
                groupFault = false;
                if (State == VrrpState.Backup && MayBeMaster)
                    EnterMaster(actions, "the sync group went master");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(target), target, "a sync group only leads to Master, Backup or Fault");
        }
    }

    private void EnterMaster(List<VrrpAction> actions, string reason)
    {
        var from = State;
        CancelTimer(actions, VrrpTimer.MasterDown);
        State = VrrpState.Master;
        yielded = false;
        preemptDeadline = null;
        MasterAddress = settings.LocalAddress;
        MasterAdvertInterval = settings.AdvertInterval;
        var priority = EffectivePriority;
        actions.Add(new AddVips());
        actions.Add(new SendAdvert(priority, settings.AdvertInterval));
        actions.Add(Announce(settings.Garp.MasterRepeat));
        StartTimer(actions, VrrpTimer.Advert, settings.AdvertInterval);
        if (settings.Garp.MasterDelay > TimeSpan.Zero)
            StartTimer(actions, VrrpTimer.GarpDelay, settings.Garp.MasterDelay);
        if (settings.Garp.MasterRefresh > TimeSpan.Zero)
            StartTimer(actions, VrrpTimer.GarpRefresh, settings.Garp.MasterRefresh);
        actions.Add(new StateChanged(from, VrrpState.Master, reason));
        actions.Add(new RunNotify(VrrpState.Master, priority));
    }

    private void EnterBackup(List<VrrpAction> actions, string reason, TimeSpan masterAdvertInterval, bool announceStop)
    {
        var from = State;
        if (from == VrrpState.Master)
            LeaveMaster(actions, announceStop);
        State = VrrpState.Backup;
        MasterAddress = null;
        MasterAdvertInterval = masterAdvertInterval;
        StartTimer(actions, VrrpTimer.MasterDown, MasterDownInterval);
        actions.Add(new StateChanged(from, VrrpState.Backup, reason));
        actions.Add(new RunNotify(VrrpState.Backup, EffectivePriority));
    }

    private void EnterFault(List<VrrpAction> actions, string reason) => Idle(actions, VrrpState.Fault, reason);

    private void Stop(List<VrrpAction> actions) => Idle(actions, VrrpState.Stopped, "stopped");

    // FAULT and STOP both hand over at once (priority 0) and stop watching for a master.
    private void Idle(List<VrrpAction> actions, VrrpState to, string reason)
    {
        var from = State;
        if (from == VrrpState.Master)
            LeaveMaster(actions, announceStop: true);
        CancelTimer(actions, VrrpTimer.MasterDown);
        State = to;
        MasterAddress = null;
        actions.Add(new StateChanged(from, to, reason));
        actions.Add(new RunNotify(to, EffectivePriority));
    }

    private void LeaveMaster(List<VrrpAction> actions, bool announceStop)
    {
        CancelTimer(actions, VrrpTimer.Advert);
        CancelTimer(actions, VrrpTimer.GarpDelay);
        CancelTimer(actions, VrrpTimer.GarpRefresh);
        if (announceStop)
            actions.Add(new SendAdvert(0, settings.AdvertInterval));
        actions.Add(new RemoveVips());
    }

    private SendGratuitousArps Announce(int repeat) =>
        new(repeat, settings.Garp.ArpInterval, settings.Garp.NaInterval);

    private void StartTimer(List<VrrpAction> actions, VrrpTimer timer, TimeSpan duration)
    {
        deadlines[timer] = time.GetUtcNow() + duration;
        actions.Add(new StartTimer(timer, duration));
    }

    private void CancelTimer(List<VrrpAction> actions, VrrpTimer timer)
    {
        if (deadlines.Remove(timer))
            actions.Add(new CancelTimer(timer));
    }
}
