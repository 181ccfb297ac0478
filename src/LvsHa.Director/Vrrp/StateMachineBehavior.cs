using System.Net;
using LvsHa.Director.Instances;
using LvsHa.Vrrp;
using LvsHa.Vrrp.Wire;
using M = LvsHa.Vrrp;

namespace LvsHa.Director.Vrrp;

/// <summary>A tracker of an instance as its behavior knows it from the configuration.</summary>
/// <param name="Tracked">Name (e.g. "track_script chk"), weight and reverse flag.</param>
/// <param name="HoldsStart">The instance stays in INIT until this tracker's first state (interfaces, weight-0 scripts).</param>
public sealed record InstanceTracker(TrackedObject Tracked, bool HoldsStart);

/// <summary>
/// The VRRP state machine as an instance behavior: its inputs reach the machine unchanged, except
/// <see cref="TrackerResult"/>s, which become the machine's <see cref="M.TrackerChanged"/> with keepalived's tracker
/// bookkeeping (INIT until their first state, the weights); the machine's <see cref="VrrpAction"/>s go back to the
/// actor unchanged.
/// </summary>
public sealed class StateMachineBehavior : IVrrpInstanceBehavior
{
    private readonly VrrpStateMachine _machine;
    private VrrpInstanceSettings _settings;
    private IReadOnlyList<IPAddress> _vips;
    private readonly Action<StateChanged>? _stateChanged;
    private readonly Dictionary<string, TrackedObject> _trackers = new(StringComparer.Ordinal);
    // Each tracker's state once known: 1/0 for up/down trackers, the number of a track file (TrackedObject.Effect).
    private readonly Dictionary<string, long> _trackerState = new(StringComparer.Ordinal);
    private readonly HashSet<string> _awaited = new(StringComparer.Ordinal);
    private bool _startRequested;

    /// <summary>Creates the behavior of one instance.</summary>
    /// <param name="settings">The instance's VRRP settings.</param>
    /// <param name="vips">The VIPs named in adverts (informational for the receiver).</param>
    /// <param name="time">The clock the actor's timers follow.</param>
    /// <param name="stateChanged">Called on every state change (the daemon logs it).</param>
    /// <param name="trackers">The instance's trackers (track_interface, track_script, its own interface).</param>
    public StateMachineBehavior(
        VrrpInstanceSettings settings, IReadOnlyList<IPAddress> vips, TimeProvider time, Action<StateChanged>? stateChanged = null,
        IEnumerable<InstanceTracker>? trackers = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _vips = vips;
        _stateChanged = stateChanged;
        _machine = new VrrpStateMachine(settings, time);
        foreach (var tracker in trackers ?? [])
        {
            _trackers[tracker.Tracked.Name] = tracker.Tracked;
            if (tracker.HoldsStart)
                _awaited.Add(tracker.Tracked.Name);
        }
    }

    /// <summary>Called with the tracker's name, its old and new state as status shows it ("INIT", "UP", "DOWN", a track
    /// file's number) and the effective priority after it.</summary>
    public Action<string, string, string, int>? TrackerUpdated { get; init; }

    /// <summary>Called after any input that changed <see cref="MachineState"/> or <see cref="HasTrackerFault"/> (the sync group listens).</summary>
    public Action<StateMachineBehavior>? MemberChanged { get; init; }

    /// <summary>The instance name.</summary>
    public string Name => _settings.Name;

    /// <summary>The state machine's state.</summary>
    public VrrpState MachineState => _machine.State;

    /// <summary>True while the instance's own trackers hold it in FAULT.</summary>
    public bool HasTrackerFault => _machine.HasTrackerFault;

    /// <inheritdoc />
    public IReadOnlyList<TrackerStatus> Trackers => [.. _trackers.Values.Select(t => new TrackerStatus(t.Name, StateText(t), t.Weight, t.Reverse))];

    /// <inheritdoc />
    public string State => _machine.State.KeepalivedName();

    /// <summary>Effective priority (base plus tracker weights).</summary>
    public int? Priority => _machine.EffectivePriority;

    /// <summary>Address of the master this instance last heard (or its own while master); null when unknown.</summary>
    public string? Master => (_machine.State == VrrpState.Master ? _settings.LocalAddress : _machine.MasterAddress)?.ToString();

    /// <inheritdoc />
    public IReadOnlyList<string> Vips => [.. _vips.Select(v => v.ToString())];

    /// <inheritdoc />
    public IReadOnlyList<VrrpAction> Handle(VrrpInput input, DateTimeOffset now)
    {
        var before = (_machine.State, _machine.HasTrackerFault);
        var actions = new List<VrrpAction>();
        switch (input)
        {
            // keepalived keeps an instance in INIT until its interfaces and weight-0 scripts have a first state.
            case Start when _awaited.Count > 0:
                _startRequested = true;
                break;
            case Shutdown:
                _startRequested = false;
                actions.AddRange(_machine.Handle(input));
                break;
            case InstanceReloaded reloaded:
                actions.AddRange(_machine.Handle(input));
                (_settings, _vips) = (reloaded.Settings, reloaded.Vips);
                break;
            case TrackerResult or TrackFileResult or TrackersReloaded:
                actions.AddRange(_machine.Handle(input switch
                {
                    TrackerResult t => Track(t.Tracker, TrackerSet.State(t.Up), t.Weight),
                    TrackFileResult f => Track(f.Tracker, f.Number, 0),
                    _ => Retrack(((TrackersReloaded)input).Trackers),
                }));
                if (_startRequested && _awaited.Count == 0)
                {
                    _startRequested = false;
                    actions.AddRange(_machine.Handle(new Start()));
                }

                break;
            default:
                actions.AddRange(_machine.Handle(input));
                break;
        }

        foreach (var changed in actions.OfType<StateChanged>())
            _stateChanged?.Invoke(changed);
        if (before != (_machine.State, _machine.HasTrackerFault))
            MemberChanged?.Invoke(this);
        return actions;
    }

    // Trackers still in INIT (no state yet) count neither way, as keepalived's scripts before their first result.
    // `weight` is for a tracker the plan did not name (tests feed those directly).
    private M.TrackerChanged Track(string tracker, long state, int weight)
    {
        if (!_trackers.TryGetValue(tracker, out var tracked))
            _trackers[tracker] = tracked = new TrackedObject(tracker, weight);
        var old = StateText(tracked);
        _trackerState[tracker] = state;
        _awaited.Remove(tracker);
        var verdict = TrackerSet.Evaluate(_trackers.Values.Where(t => _trackerState.ContainsKey(t.Name)), _trackerState);
        if (old != StateText(tracked))
        {
            var priority = _settings.Priority == 255 ? 255 : Math.Clamp(_settings.Priority + verdict.PriorityDelta, 1, 254);
            TrackerUpdated?.Invoke(tracker, old, StateText(tracked), priority);
        }

        return verdict;
    }

    // A reload's new tracker set: states of kept trackers stay (an unchanged vrrp_script is not reset to INIT), new
    // ones count neither way until their first state, removed ones are forgotten; the machine gets the new sum.
    private M.TrackerChanged Retrack(IReadOnlyList<InstanceTracker> trackers)
    {
        var names = trackers.Select(t => t.Tracked.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _trackers.Keys.Where(n => !names.Contains(n)).ToList())
        {
            _trackers.Remove(gone);
            _trackerState.Remove(gone);
            _awaited.Remove(gone);
        }

        foreach (var tracker in trackers)
        {
            _trackers[tracker.Tracked.Name] = tracker.Tracked;
            // Only an instance still waiting for its first states waits for a new one too; a running one keeps running.
            if (tracker.HoldsStart && _startRequested && !_trackerState.ContainsKey(tracker.Tracked.Name))
                _awaited.Add(tracker.Tracked.Name);
        }

        return TrackerSet.Evaluate(_trackers.Values.Where(t => _trackerState.ContainsKey(t.Name)), _trackerState);
    }

    private string StateText(TrackedObject tracker) =>
        !_trackerState.TryGetValue(tracker.Name, out var state) ? "INIT"
        : tracker.Valued ? state.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : state != 0 ? "UP" : "DOWN";
}
