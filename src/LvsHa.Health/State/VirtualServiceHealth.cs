using System.Net;
using LvsHa.Health.Model;

namespace LvsHa.Health.State;

/// <summary>keepalived's health state of one virtual service as pure logic: checker results in, decisions out.
/// Not thread-safe; one owner (an actor or the scheduler under a lock) feeds it.</summary>
/// <remarks>Follows keepalived 2.2.7 (check/ipwrapper.c): a real server is alive when none of its checkers is failed;
/// alpha checkers start failed, others start up; the quorum is gained when the live weight sum reaches
/// quorum + hysteresis and lost when it drops below quorum - hysteresis (or to 0); while it is lost with a sorry
/// server, the sorry server replaces every live real server and real server changes touch no destination.</remarks>
public sealed class VirtualServiceHealth
{
    private readonly VirtualServiceHealthSettings settings;
    private readonly RealServerState[] realServers;
    private readonly List<HealthNotice> notices = [];
    private bool started;

    /// <summary>Creates the state from the configuration; nothing is decided until <see cref="Start"/>.</summary>
    public VirtualServiceHealth(VirtualServiceHealthSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.settings = settings;
        realServers = settings.RealServers.Select(rs => new RealServerState(rs, settings)).ToArray();
        // keepalived lowers a quorum above the real servers' total weight to that total (with a warning at load).
        var totalWeight = settings.RealServers.Sum(r => (long)r.Weight);
        Quorum = totalWeight > 0 ? Math.Min(settings.Quorum, totalWeight) : settings.Quorum;
        QuorumUp = LiveWeight() >= Quorum + settings.Hysteresis;
    }

    /// <summary>The configuration.</summary>
    public VirtualServiceHealthSettings Settings => settings;

    /// <summary>The quorum in force: the configured one, lowered to the total configured weight if above it.</summary>
    public long Quorum { get; }

    /// <summary>Whether the quorum is up.</summary>
    public bool QuorumUp { get; private set; }

    /// <summary>Whether the sorry server is in the pool in place of the real servers.</summary>
    public bool SorryServerActive { get; private set; }

    /// <summary>The sum of the live real servers' effective weights (what the quorum compares).</summary>
    public long LiveWeight() => realServers.Where(r => r.Alive).Sum(r => (long)r.EffectiveWeight);

    /// <summary>Whether a checker is currently up.</summary>
    public bool IsCheckerUp(int realServer, int checker) => realServers[realServer].Checkers[checker].IsUp;

    /// <summary>Whether a failed attempt of this checker is retried: keepalived retries while the checker is up or
    /// has not reported yet (an alpha checker's first verdict), never while it is down.</summary>
    public bool RetriesFailures(int realServer, int checker)
    {
        var state = realServers[realServer].Checkers[checker];
        return state.IsUp || !state.HasRun;
    }

    /// <summary>The notices (what keepalived mails) since the last call, oldest first; the owner takes them after each
    /// call that may produce some (<see cref="Start"/>, <see cref="OnCheckResult"/>, <see cref="OnTrackedFile"/>,
    /// <see cref="Stop"/>).</summary>
    public IReadOnlyList<HealthNotice> TakeNotices()
    {
        var taken = notices.ToArray();
        notices.Clear();
        return taken;
    }

    /// <summary>Status of every real server.</summary>
    public IReadOnlyList<RealServerStatus> RealServerStatuses() =>
        realServers.Select(r => new RealServerStatus(r.Endpoint, r.Alive, r.EffectiveWeight, r.FailedCheckers, r.Alive && InPool)).ToArray();

    private bool InPool => QuorumUp || settings.SorryServer is null || !SorryServerActive;

    /// <summary>The initial table: live real servers (inhibited failed ones at weight 0), or the sorry server alone
    /// when starting without quorum.</summary>
    public IReadOnlyList<HealthDecision> Start()
    {
        if (started) throw new InvalidOperationException($"{settings.Name} already started");
        started = true;
        var decisions = new List<HealthDecision>();
        var startWithSorry = !QuorumUp && settings.SorryServer is not null;
        foreach (var rs in realServers)
        {
            if (rs.Alive && !startWithSorry) decisions.Add(new RealServerUp(settings.Name, rs.Endpoint, rs.EffectiveWeight));
            else if (rs.Inhibit) decisions.Add(new RealServerDown(settings.Name, rs.Endpoint, Inhibit: true));

            // The kernel's start-up table reads tracked files on its own: should a file have changed in between, this
            // puts it right (when the readings agree, it changes nothing).
            else if (!startWithSorry && rs.Checkers.Any(c => c.File && !c.IsUp)) decisions.Add(new RealServerDown(settings.Name, rs.Endpoint, Inhibit: false));
        }

        if (startWithSorry)
        {
            SorryServerActive = true;
            decisions.Add(new SorryServerIn(settings.Name, settings.SorryServer!, settings.SorryServerInhibit, []));
        }
        else if (settings.SorryServer is not null && settings.SorryServerInhibit)
        {
            // keepalived installs an inhibited sorry server at weight 0 from the start.
            decisions.Add(new SorryServerOut(settings.Name, settings.SorryServer, true, []));
        }

        // keepalived (init_service_vs, update_quorum_state with init) reports a start with the quorum up, or with it
        // down when a sorry server goes in, and runs that state's script (quorum_up, quorum_down); a start with the
        // quorum down and no sorry server is neither reported nor scripted. The real servers start dead
        // (set_quorum_states), so the start is judged against quorum + hysteresis.
        if (QuorumUp || startWithSorry)
        {
            var script = QuorumUp ? settings.QuorumUp : settings.QuorumDown;
            notices.Add(new StartingQuorum(
                settings.Name, QuorumUp, Quorum, settings.Hysteresis, Quorum + settings.Hysteresis, LiveWeight(),
                script is null ? null : new RunScript(settings.Name, script, QuorumUp ? ScriptReason.QuorumUp : ScriptReason.QuorumDown)));
        }

        return decisions;
    }

    /// <summary>Feeds the outcome of one check round (after its retries) of one checker.</summary>
    /// <param name="realServer">Index into <see cref="VirtualServiceHealthSettings.RealServers"/>.</param>
    /// <param name="checker">Index into that real server's checkers.</param>
    /// <param name="up">Whether the round passed.</param>
    /// <param name="dynamicWeight">misc_dynamic weight of a passed MISC_CHECK (exit status - 2), null to keep the weight.</param>
    /// <param name="timedOut">The round failed by running out of time (reported with the verdict).</param>
    public IReadOnlyList<HealthDecision> OnCheckResult(int realServer, int checker, bool up, int? dynamicWeight = null, bool timedOut = false)
    {
        if (!started) throw new InvalidOperationException($"{settings.Name} not started");
        var rs = realServers[realServer];
        var state = rs.Checkers[checker];
        var decisions = new List<HealthDecision>();

        // keepalived (check_misc.c) sets the weight on exit 2..255 only; exit 0 leaves the last dynamic weight.
        if (up && state.Dynamic && dynamicWeight is { } weight) SetWeightDelta(rs, state, weight - rs.ConfiguredWeight, decisions);

        if (state.IsUp == up)
        {
            if (!state.HasRun)
            {
                state.HasRun = true;
                notices.Add(new CheckerVerdict(settings.Name, rs.Endpoint, checker, up, Changed: false, rs.Alive, RealServerChanged: false, timedOut));

                // keepalived notifies an alpha checker's first verdict even when it changes nothing.
                if (state.Alpha && !up) AddScript(decisions, rs.Settings.NotifyDown, ScriptReason.NotifyDown, rs.Endpoint);
            }

            return decisions;
        }

        state.HasRun = true;
        var wasAlive = rs.Alive;
        if (up && rs.FailedCheckers <= 1) SetAlive(rs, true, decisions);
        else if (!up && rs.FailedCheckers == 0) SetAlive(rs, false, decisions);
        state.IsUp = up;
        rs.FailedCheckers += up ? -1 : 1;
        notices.Add(new CheckerVerdict(settings.Name, rs.Endpoint, checker, up, Changed: true, rs.Alive, rs.Alive != wasAlive, timedOut));
        return decisions;
    }

    /// <summary>Feeds a new number read from a FILE_CHECK's file (see <see cref="FileCheckSpec.Judge"/>): the checker
    /// goes up or down, and while up its weight delta is added to the real server's configured weight.</summary>
    /// <remarks>Before <see cref="Start"/> it sets the initial state without any decision (keepalived reads tracked
    /// files before the checkers start, so a FILE_CHECK has no alpha and its state is known at once).</remarks>
    /// <param name="realServer">Index into <see cref="VirtualServiceHealthSettings.RealServers"/>.</param>
    /// <param name="checker">Index of a <see cref="FileCheckSpec"/> in that real server's checkers.</param>
    /// <param name="number">The file's number (<c>TrackFileValue</c>).</param>
    public IReadOnlyList<HealthDecision> OnTrackedFile(int realServer, int checker, long number)
    {
        var rs = realServers[realServer];
        var state = rs.Checkers[checker];
        var spec = rs.Settings.Checkers[checker] as FileCheckSpec
            ?? throw new ArgumentException($"checker {checker} of {rs.Endpoint} is not a FILE_CHECK", nameof(checker));
        var verdict = spec.Judge(number);
        if (!started)
        {
            state.WeightDelta = verdict.Up ? verdict.WeightDelta : 0;
            if (state.IsUp != verdict.Up)
            {
                state.IsUp = verdict.Up;
                rs.FailedCheckers += verdict.Up ? -1 : 1;
                rs.Alive = rs.FailedCheckers == 0;
            }

            QuorumUp = LiveWeight() >= Quorum + settings.Hysteresis;
            return [];
        }

        // keepalived (process_update_checker_track_file_status): leaving the fault state sets the weight, then the
        // checker up (so the real server comes back with it); entering it sets the checker down, then drops the weight.
        var decisions = new List<HealthDecision>();
        if (verdict.Up)
        {
            SetWeightDelta(rs, state, verdict.WeightDelta, decisions);
            decisions.AddRange(OnCheckResult(realServer, checker, up: true));
        }
        else
        {
            decisions.AddRange(OnCheckResult(realServer, checker, up: false));
            SetWeightDelta(rs, state, 0, decisions);
        }

        return decisions;
    }

    /// <summary>At daemon stop: with omega, the notify_down of live real servers and quorum_down if the quorum is
    /// up (and a <see cref="ShuttingDown"/> notice); without omega nothing (the daemon clears the table itself).</summary>
    public IReadOnlyList<HealthDecision> Stop()
    {
        var decisions = new List<HealthDecision>();
        if (!settings.Omega) return decisions;
        notices.Add(new ShuttingDown(settings.Name, realServers.Where(r => r.Alive && InPool).Select(r => r.Endpoint).ToArray()));
        foreach (var rs in realServers.Where(r => r.Alive))
            AddScript(decisions, rs.Settings.NotifyDown, ScriptReason.NotifyDown, rs.Endpoint);
        if (QuorumUp) AddScript(decisions, settings.QuorumDown, ScriptReason.QuorumDown, null);
        return decisions;
    }

    /// <summary>
    /// A reload takes <paramref name="removed"/> away (null: the whole virtual server), as keepalived's clear_diff_rs
    /// and clear_service_vs do on reload, omega or not: each of them alive and in the pool runs its notify_down and is
    /// reported (<see cref="RealServersRemoved"/>, "=> Removing <="), then the quorum is judged on what stays: lost
    /// when nothing live stays or the weight falls below quorum - hysteresis, with quorum_down. The kernel side is
    /// the reload's; the state is left as it was before the reload's new checks replace it.
    /// </summary>
    public IReadOnlyList<HealthDecision> Remove(IReadOnlyCollection<IPEndPoint>? removed)
    {
        if (!started) throw new InvalidOperationException($"{settings.Name} not started");
        var decisions = new List<HealthDecision>();
        var leaving = realServers.Where(r => r.Alive && InPool && (removed is null || removed.Contains(r.Endpoint))).ToArray();
        foreach (var rs in leaving)
            AddScript(decisions, rs.Settings.NotifyDown, ScriptReason.NotifyDown, rs.Endpoint);
        // keepalived weighs every alive real server that stays, in the pool or not (weigh_live_realservers).
        var weight = realServers.Where(r => r.Alive && removed is not null && !removed.Contains(r.Endpoint)).Sum(r => (long)r.EffectiveWeight);
        var threshold = Quorum - settings.Hysteresis;
        QuorumChanged? lost = QuorumUp && (weight == 0 || weight < threshold)
            ? new QuorumChanged(settings.Name, false, Quorum, settings.Hysteresis, threshold, weight)
            : null;
        if (lost is not null) AddScript(decisions, settings.QuorumDown, ScriptReason.QuorumDown, null);
        if (leaving.Length > 0 || lost is not null)
            notices.Add(new RealServersRemoved(settings.Name, leaving.Select(r => r.Endpoint).ToArray(), lost));
        return decisions;
    }

    private void SetAlive(RealServerState rs, bool alive, List<HealthDecision> decisions)
    {
        if (rs.Alive == alive) return;
        if (InPool)
        {
            decisions.Add(alive
                ? new RealServerUp(settings.Name, rs.Endpoint, rs.EffectiveWeight)
                : new RealServerDown(settings.Name, rs.Endpoint, rs.Inhibit));
        }

        rs.Alive = alive;
        AddScript(decisions, alive ? rs.Settings.NotifyUp : rs.Settings.NotifyDown,
            alive ? ScriptReason.NotifyUp : ScriptReason.NotifyDown, rs.Endpoint);
        UpdateQuorum(decisions);
    }

    /// <summary>A checker's part of the real server's weight (misc_dynamic: weight - configured; FILE_CHECK: the
    /// file's number x weight); the effective weight is the configured one plus every checker's part.</summary>
    private void SetWeightDelta(RealServerState rs, CheckerState checker, int delta, List<HealthDecision> decisions)
    {
        var before = rs.EffectiveWeight;
        checker.WeightDelta = delta;
        if (rs.EffectiveWeight == before) return;
        if (rs.Alive && InPool) decisions.Add(new RealServerWeightChanged(settings.Name, rs.Endpoint, rs.EffectiveWeight));
        UpdateQuorum(decisions);
    }

    private void UpdateQuorum(List<HealthDecision> decisions)
    {
        var weight = LiveWeight();
        var threshold = Quorum + (QuorumUp ? -1 : 1) * settings.Hysteresis;
        if (!QuorumUp && weight >= threshold)
        {
            QuorumUp = true;
            if (settings.SorryServer is not null && SorryServerActive)
            {
                SorryServerActive = false;
                decisions.Add(new SorryServerOut(settings.Name, settings.SorryServer, settings.SorryServerInhibit, LiveMembers()));
            }

            decisions.Add(new QuorumChanged(settings.Name, true, Quorum, settings.Hysteresis, threshold, weight));
            AddScript(decisions, settings.QuorumUp, ScriptReason.QuorumUp, null);
        }
        else if (QuorumUp && (weight == 0 || weight < threshold))
        {
            QuorumUp = false;
            if (settings.SorryServer is not null && !SorryServerActive)
            {
                SorryServerActive = true;
                decisions.Add(new SorryServerIn(settings.Name, settings.SorryServer, settings.SorryServerInhibit, LiveMembers()));
            }

            decisions.Add(new QuorumChanged(settings.Name, false, Quorum, settings.Hysteresis, threshold, weight));
            AddScript(decisions, settings.QuorumDown, ScriptReason.QuorumDown, null);
        }
    }

    private PoolMember[] LiveMembers() =>
        realServers.Where(r => r.Alive).Select(r => new PoolMember(r.Endpoint, r.EffectiveWeight, r.Inhibit)).ToArray();

    private void AddScript(List<HealthDecision> decisions, ScriptCommand? script, ScriptReason reason, IPEndPoint? realServer)
    {
        if (script is not null) decisions.Add(new RunScript(settings.Name, script, reason, realServer));
    }

    private sealed class CheckerState(bool alpha, bool dynamic, bool file)
    {
        public bool Alpha { get; } = alpha;

        public bool Dynamic { get; } = dynamic;

        /// <summary>A FILE_CHECK: never alpha, and it has run from the start (keepalived reads the file at once).</summary>
        public bool File { get; } = file;

        public bool IsUp { get; set; } = !alpha;

        public bool HasRun { get; set; } = file;

        public int WeightDelta { get; set; }
    }

    private sealed class RealServerState
    {
        public RealServerState(RealServerHealthSettings rs, VirtualServiceHealthSettings vs)
        {
            Settings = rs;
            Checkers = rs.Checkers
                .Select(c => new CheckerState(
                    c is not FileCheckSpec && CheckerTiming.Resolve(c, rs.Timing, vs.Timing).Alpha,
                    c is MiscCheckSpec { Dynamic: true },
                    c is FileCheckSpec))
                .ToArray();
            FailedCheckers = Checkers.Count(c => !c.IsUp);
            Alive = FailedCheckers == 0;
            Inhibit = rs.InhibitOnFailure || vs.InhibitOnFailure;
        }

        public RealServerHealthSettings Settings { get; }

        public IPEndPoint Endpoint => Settings.Endpoint;

        public int ConfiguredWeight => Settings.Weight;

        public int EffectiveWeight => (int)Math.Clamp(ConfiguredWeight + Checkers.Sum(c => (long)c.WeightDelta), 0, 65535);

        public CheckerState[] Checkers { get; }

        public bool Inhibit { get; }

        public bool Alive { get; set; }

        public int FailedCheckers { get; set; }
    }
}
