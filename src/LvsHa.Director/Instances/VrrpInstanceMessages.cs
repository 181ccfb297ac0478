using LvsHa.Director.Membership;

namespace LvsHa.Director.Instances;

// An instance actor's inputs are the VRRP state machine's own (LvsHa.Vrrp.VrrpInput: Start, TimerExpired,
// AdvertReceived, QuorumChanged, FollowSyncGroup, ForceFailover / ReleaseFailover, Shutdown), sent to the actor as
// messages and fed to the machine unchanged; TrackerResult is the one input the behavior turns into the machine's
// TrackerChanged (keepalived's weights and the INIT hold need the tracker's name). Shutdown is answered with
// InstanceStopped, ForceFailover and ReleaseFailover with the instance's status.

/// <summary>Reply to <see cref="LvsHa.Vrrp.Shutdown"/>: the behavior's stop actions have been carried out.</summary>
public sealed record InstanceStopped
{
    /// <summary>The message.</summary>
    public static readonly InstanceStopped Instance = new();
}

/// <summary>
/// A reload changed what the instance may change while it runs (see <see cref="LvsHa.Vrrp.InstanceReloaded"/>): the
/// actor takes the new wire settings and feeds the machine the new settings.
/// </summary>
public sealed record ReloadInstance(Hosting.VrrpInstanceOptions Options);

/// <summary>
/// A reload changed the instance's trackers (track_interface, track_script, track_file entries, the weights of the
/// vrrp_script or track_file blocks they name, sync-group tracking): the behavior takes <paramref name="Trackers"/> as
/// its whole tracker set. A tracker kept by name keeps its last state; a new one counts neither way until its first
/// state arrives (VrrpTracking sends it); a removed one no longer counts. The effective priority follows at once.
/// </summary>
/// <param name="Trackers">The instance's trackers as planned from the reloaded configuration.</param>
public sealed record TrackersReloaded(IReadOnlyList<Vrrp.InstanceTracker> Trackers) : LvsHa.Vrrp.VrrpInput;

/// <summary>A tracked interface or script reported its state (track_interface, track_script).</summary>
/// <param name="Tracker">The tracker's name as status shows it, e.g. "track_script chk_web".</param>
/// <param name="Up">Its new state.</param>
/// <param name="Weight">Its keepalived weight (0: FAULT while down).</param>
public sealed record TrackerResult(string Tracker, bool Up, int Weight) : LvsHa.Vrrp.VrrpInput;

/// <summary>A tracked file's number changed (track_file; the instance knows the tracker's weight from its plan).</summary>
/// <param name="Tracker">The tracker's name as status shows it, e.g. "track_file maintenance".</param>
/// <param name="Number">The number the file holds now (0 when missing).</param>
public sealed record TrackFileResult(string Tracker, long Number) : LvsHa.Vrrp.VrrpInput;

/// <summary>One tracker of an instance as `lvsha status` shows it.</summary>
/// <param name="Tracker">What is tracked, e.g. "track_script chk_web" or "interface eth0".</param>
/// <param name="State">UP, DOWN, or INIT before its first result.</param>
/// <param name="Weight">keepalived weight (0 = FAULT while down).</param>
/// <param name="Reverse">Written with `reverse`: the weight counts the other way round.</param>
public sealed record TrackerStatus(string Tracker, string State, int Weight, bool Reverse = false);

/// <summary>Asks an instance actor for its <see cref="InstanceStatus"/>.</summary>
public sealed record GetInstanceStatus
{
    /// <summary>The message.</summary>
    public static readonly GetInstanceStatus Instance = new();
}

/// <summary>What an instance actor reports to `lvsha status`.</summary>
/// <param name="Name">vrrp_instance name.</param>
/// <param name="VirtualRouterId">virtual_router_id.</param>
/// <param name="State">State name of the behavior.</param>
/// <param name="AdvertsSent">Adverts sent since start.</param>
/// <param name="AdvertsAccepted">Authentic adverts received.</param>
/// <param name="AdvertsRejected">Adverts dropped (bad HMAC, stale, replayed).</param>
/// <param name="LastAdvertBySender">Arrival time of the last accepted advert per sender.</param>
/// <param name="Quorum">Last majority view received.</param>
/// <param name="Priority">Effective priority (null when the behavior has none, as unit-test doubles).</param>
/// <param name="Master">Address of the current master as this instance knows it, or null.</param>
/// <param name="Vips">The VIPs the instance holds while master.</param>
/// <param name="Trackers">Its track_interface / track_script states (null when the behavior has none).</param>
/// <param name="Since">When the instance entered its state (null before its first transition).</param>
/// <param name="SinceReason">Why it entered it, as its log line says (e.g. "no advert from a master within Master_Down_Interval").</param>
public sealed record InstanceStatus(
    string Name,
    int VirtualRouterId,
    string State,
    long AdvertsSent,
    long AdvertsAccepted,
    long AdvertsRejected,
    IReadOnlyDictionary<string, DateTimeOffset> LastAdvertBySender,
    QuorumChanged? Quorum,
    int? Priority = null,
    string? Master = null,
    IReadOnlyList<string>? Vips = null,
    IReadOnlyList<TrackerStatus>? Trackers = null,
    DateTimeOffset? Since = null,
    string? SinceReason = null);
