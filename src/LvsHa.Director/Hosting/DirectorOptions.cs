namespace LvsHa.Director.Hosting;

/// <summary>Everything the director daemon needs to start; the lead maps the parsed config onto it.</summary>
public sealed record DirectorOptions
{
    /// <summary>Name this director reports in logs and status (defaults to the host name).</summary>
    public string NodeName { get; init; } = Environment.MachineName;

    /// <summary>Cluster block; null runs a single director without remoting, peers or split-brain guard.</summary>
    public ClusterOptions? Cluster { get; init; }

    /// <summary>Unix control socket served for `lvsha status`; null disables it.</summary>
    public string? ControlSocketPath { get; init; } = DefaultControlSocketPath;

    /// <summary>Console log layout.</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Plain;

    /// <summary>Minimum level of log events (Serilog level name: Verbose, Debug, Information, Warning, Error).</summary>
    public string LogLevel { get; init; } = "Information";

    /// <summary>global_defs metrics_listen: where the Prometheus endpoint listens; null (the default) serves none.</summary>
    public Metrics.MetricsListenOptions? MetricsListen { get; init; }

    /// <summary>The vrrp_instance blocks this director runs.</summary>
    public IReadOnlyList<VrrpInstanceOptions> Instances { get; init; } = [];

    /// <summary>Where `lvsha run` and `lvsha status` meet when no socket is named.</summary>
    public const string DefaultControlSocketPath = "/run/lvsha/lvsha.sock";
}

/// <summary>The `cluster` block: how directors find and trust each other.</summary>
public sealed record ClusterOptions
{
    /// <summary>Address Akka.Remote binds to and advertises to peers (an IP address of this director).</summary>
    public required string ListenAddress { get; init; }

    /// <summary>TCP port for cluster traffic.</summary>
    public required int ListenPort { get; init; }

    /// <summary>Seed directors as "address:port" (this director may be among them).</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>Whether a director must see a majority of directors to be master.</summary>
    public SplitBrainGuard SplitBrainGuard { get; init; } = SplitBrainGuard.Majority;

    /// <summary>
    /// Number of directors the cluster is meant to have (voters, witness included). Null: the number of distinct
    /// seeds plus this director. It is the floor of the majority denominator, so a director in a cluster of one (the
    /// only seed it lists, or an island) never believes it is a majority.
    /// </summary>
    public int? ExpectedDirectors { get; init; }

    /// <summary>File holding the shared cluster secret (at least 16 bytes; trailing whitespace ignored).</summary>
    public required string SecretFile { get; init; }

    /// <summary>`heartbeat_pause`: how long a peer may be silent before it is unreachable; null: the detector's default.</summary>
    public TimeSpan? HeartbeatPause { get; init; }

    /// <summary>
    /// Failure detector timing. With the guard holding mastership back, heartbeats every 200 ms and a deadline give
    /// the minority bound of 2.2 s the guard promises. Without it (two directors, or split_brain_guard off) VRRP alone decides and
    /// a peer's reachability is only reported, so Akka's own default rate serves: a heartbeat a second instead of
    /// five, and with it a scheduler tick of 500 ms instead of 50 (<see cref="FailureDetectorOptions.SchedulerTick"/>);
    /// the two together were most of an idle director's CPU in a cluster of two.
    /// </summary>
    public FailureDetectorOptions FailureDetector
    {
        get
        {
            var preset = GuardsMastership ? FailureDetectorOptions.Guarding : FailureDetectorOptions.Reporting;
            return HeartbeatPause is { } pause ? preset with { AcceptableHeartbeatPause = pause } : preset;
        }
    }

    /// <summary>Akka.Remote's own default: it covers a TLS handshake by a director still starting on a busy host.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Bound on connecting to a peer director, TLS and Akka handshakes included (`connect_timeout`).</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>
    /// How long a seed director waits for seeds that do not answer before it forms a cluster without them (only the
    /// lowest-addressed seed of those that answered does; see Membership.FoundingRule). Seeds that all answer, none of
    /// them a member, let it form the cluster at once. At least one connect timeout: a seed whose connection is still
    /// being set up (TLS on a busy or emulated host takes seconds) is not silent yet, and forming too early makes an
    /// island that must then give way (exit 3) to the cluster it missed.
    /// </summary>
    public TimeSpan FoundingDelay => ConnectTimeout > MinimumFoundingDelay ? ConnectTimeout : MinimumFoundingDelay;

    private static readonly TimeSpan MinimumFoundingDelay = TimeSpan.FromSeconds(10);

    /// <summary>How long membership must be stable before a majority side downs the unreachable directors (Membership.DowningRule).</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Whether the majority guard holds mastership back: split_brain_guard majority with three or more directors.
    /// Two directors cannot tell a dead peer from a cut-off one (each sees 1 of 2 either way), so there the guard
    /// would leave a dead master's VIP unheld; they behave as keepalived does (VRRP alone decides) and `lvsha check`
    /// says so. A VIP-less witness as third director is what buys the guarantee.
    /// </summary>
    public bool GuardsMastership => SplitBrainGuard == SplitBrainGuard.Majority && EffectiveExpectedDirectors >= 3;

    /// <summary>The directors the cluster is meant to have, with <see cref="ExpectedDirectors"/> applied.</summary>
    public int EffectiveExpectedDirectors =>
        ExpectedDirectors ?? Seeds.Append($"{ListenAddress}:{ListenPort}").Distinct(StringComparer.OrdinalIgnoreCase).Count();
}

/// <summary>Failure detector settings for heartbeats between directors.</summary>
public sealed record FailureDetectorOptions
{
    /// <summary>
    /// Where the majority guard acts on reachability: a deadline, so that a cut-off master gives its VIPs up within
    /// <see cref="UnreachableBound"/> whatever the heartbeats did before. Akka's phi-accrual detector learns the
    /// jitter of the last 1,000 heartbeats and waits longer the more it saw: in the loaded emulated VM heartbeats
    /// sent every 471 ms instead of 200 stretched its reaction to a cut from 1.7 s to 4.4 and 6.2 s, past
    /// keepalived's Master_Down_Interval (3.6 s at advert_int 1), so the cut-off master and the new one both held
    /// the VIP. The pause (1.5 s, a deadline of 1.7 s) is the silence phi tolerated with steady heartbeats.
    /// </summary>
    public static readonly FailureDetectorOptions Guarding = new()
    {
        Deadline = true,
        AcceptableHeartbeatPause = TimeSpan.FromMilliseconds(1500),
    };

    /// <summary>
    /// Where reachability is only reported (no guard): Akka's defaults (phi accrual), a fifth of the heartbeats, and
    /// a pause that rides out the stalls of a busy or emulated host without an "unreachable" line.
    /// </summary>
    public static readonly FailureDetectorOptions Reporting = new()
    {
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        AcceptableHeartbeatPause = TimeSpan.FromSeconds(3),
    };

    /// <summary>
    /// True: a peer is unreachable once nothing came from it for <see cref="AcceptableHeartbeatPause"/> plus one
    /// <see cref="HeartbeatInterval"/> (Akka.Remote's DeadlineFailureDetector). False: Akka's phi-accrual detector.
    /// </summary>
    public bool Deadline { get; init; }

    /// <summary>How often each director heartbeats its peers.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Heartbeat silence tolerated (GC pauses, scheduling on busy hosts): the deadline less one interval, or where phi starts to climb.</summary>
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>
    /// Akka's scheduler tick: a quarter of the heartbeat interval where the guard acts (its bound counts two ticks),
    /// half where reachability is only reported. Its cost is more than the wake-ups: periodic tasks due within one
    /// tick (heartbeats, gossip, reaper, probes) run together, so their messages share the threads' wake-ups. An idle
    /// pair with 1 s heartbeats: 1.67-1.73 % of a core at a 100 ms tick, 0.97-1.20 % at 250 ms (per-thread CPU from
    /// /proc over 30 s after 40 s, two directors in namespaces, interleaved runs); 0.80-0.83 % at 250 ms and
    /// 0.42-0.52 % at 500 ms (tests/lab/bench-idle.py 20 --settle 30, native build, interleaved, 2026-12-07).
    /// </summary>
    public TimeSpan SchedulerTick => Deadline ? HeartbeatInterval / 4 : HeartbeatInterval / 2;

    /// <summary>Phi threshold above which a peer is unreachable (phi accrual only).</summary>
    public double Threshold { get; init; } = 8.0;

    /// <summary>Floor of the heartbeat interval deviation used by phi (phi accrual only).</summary>
    public TimeSpan MinStdDeviation { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Worst-case time from the last heartbeat a director received to it marking the peer unreachable: the
    /// detector's own silence (the deadline, or for phi pause + mean interval + the deviation margin phi needs to pass
    /// the threshold), plus one reaper tick and one heartbeat interval of jitter, and two of Akka's scheduler ticks
    /// (the last heartbeat's send and the reaper each run on a tick). The partition lab tests check it.
    /// </summary>
    public TimeSpan UnreachableBound =>
        AcceptableHeartbeatPause + HeartbeatInterval + (Deadline ? TimeSpan.Zero : MinStdDeviation * PhiSigmas(Threshold))
        + ReaperInterval + HeartbeatInterval + (SchedulerTick * 2);

    /// <summary>How often unreachable observations are folded into the local membership view.</summary>
    public TimeSpan ReaperInterval => HeartbeatInterval;

    // Phi = -log10(1 - CDF): the number of standard deviations beyond the mean that gives P = 10^-threshold
    // (6.0 sigmas for threshold 8 with Akka's logistic approximation), rounded up for safety.
    private static double PhiSigmas(double threshold) => Math.Ceiling(threshold * 0.75);
}

/// <summary>`split_brain_guard` of the cluster block.</summary>
public enum SplitBrainGuard
{
    /// <summary>Master only while a majority of directors is seen.</summary>
    Majority,

    /// <summary>Plain VRRP: the cluster only carries adverts.</summary>
    Off,
}

/// <summary>Console log layout.</summary>
public enum LogFormat
{
    /// <summary>Human-readable single lines.</summary>
    Plain,

    /// <summary>Compact JSON (CLEF) lines; journald keeps each as one entry, tools can parse them.</summary>
    Compact,
}

/// <summary>A vrrp_instance this director runs (mapped from its block by DirectorOptionsMapper).</summary>
public sealed record VrrpInstanceOptions
{
    /// <summary>vrrp_instance name.</summary>
    public string Name => Settings.Name;

    /// <summary>virtual_router_id (1-255); instances with equal ids on different directors form one router.</summary>
    public int VirtualRouterId => Settings.VirtualRouterId;

    /// <summary>The interface the instance's adverts use.</summary>
    public required string Interface { get; init; }

    /// <summary>Everything the VRRP state machine needs (from the vrrp_instance block).</summary>
    public required LvsHa.Vrrp.VrrpInstanceSettings Settings { get; init; }

    /// <summary>What the instance sends and accepts as VRRP packets on the wire.</summary>
    public required LvsHa.Vrrp.Wire.VrrpWireSettings Wire { get; init; }
}
