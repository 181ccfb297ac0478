using LvsHa.Director.Membership;

namespace LvsHa.Director.Instances;

/// <summary>Something that happened to a vrrp instance; fed to its <see cref="IVrrpInstanceBehavior"/>.</summary>
public abstract record VrrpInstanceEvent;

/// <summary>The instance actor started.</summary>
public sealed record InstanceStarted : VrrpInstanceEvent;

/// <summary>The daemon is stopping (send priority 0, drop VIPs); the actor replies <see cref="InstanceStopped"/> when done.</summary>
public sealed record InstanceStopping : VrrpInstanceEvent
{
    /// <summary>The message.</summary>
    public static readonly InstanceStopping Instance = new();
}

/// <summary>Reply to <see cref="InstanceStopping"/>: the behavior's stop actions have been carried out.</summary>
public sealed record InstanceStopped
{
    /// <summary>The message.</summary>
    public static readonly InstanceStopped Instance = new();
}

/// <summary>An authenticated, fresh advert from another director.</summary>
public sealed record AdvertReceived(string SenderNode, byte[] Payload) : VrrpInstanceEvent;

/// <summary>A VRRP advert from the wire that passed keepalived's checks (<see cref="LvsHa.Vrrp.Wire.VrrpWire.Check"/>).</summary>
public sealed record WireAdvertReceived(LvsHa.Vrrp.AdvertReceived Advert) : VrrpInstanceEvent;

/// <summary>A timer the behavior started (the state machine's <see cref="LvsHa.Vrrp.StartTimer"/>) has fired.</summary>
public sealed record TimerElapsed(LvsHa.Vrrp.VrrpTimer Timer) : VrrpInstanceEvent;

/// <summary>The director majority view changed.</summary>
public sealed record QuorumUpdated(QuorumChanged Quorum) : VrrpInstanceEvent;

/// <summary>A tracked interface or script changed (track_interface, track_script).</summary>
public sealed record TrackerChanged(string Tracker, bool Up, int Weight) : VrrpInstanceEvent;

/// <summary>
/// The operator hands this instance's VIPs to the next director (`lvsha failover`): a master steps down at once
/// with a priority-0 advert and does not preempt back until <see cref="Release"/> (or a restart); it still takes
/// over when the new master dies. Answered with the instance's status.
/// </summary>
/// <param name="Release">True ends the hold: the instance preempts again as configured.</param>
public sealed record OperatorFailover(bool Release) : VrrpInstanceEvent;

/// <summary>The instance's vrrp_sync_group requires it to follow the group into <paramref name="Target"/> (MASTER, BACKUP or FAULT).</summary>
public sealed record SyncGroupFollow(LvsHa.Vrrp.VrrpState Target) : VrrpInstanceEvent;

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
