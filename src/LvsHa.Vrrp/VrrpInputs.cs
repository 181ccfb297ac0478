using System.Net;

namespace LvsHa.Vrrp;

/// <summary>Something that happened to a VRRP instance; the state machine answers each with a list of actions.</summary>
public abstract record VrrpInput;

/// <summary>Start the instance (RFC 5798 Startup event).</summary>
public sealed record Start : VrrpInput;

/// <summary>An advert from another director of the same virtual router, already authenticated and decoded.</summary>
/// <param name="From">The sender's primary address.</param>
/// <param name="Priority">The advertised priority; 0 means the sender's master is stopping.</param>
/// <param name="AdvertInterval">The sender's advert interval (adopted by backups, VRRPv3).</param>
public sealed record AdvertReceived(IPAddress From, byte Priority, TimeSpan AdvertInterval) : VrrpInput;

/// <summary>A timer the machine asked for with <see cref="StartTimer"/> has expired.</summary>
public sealed record TimerExpired(VrrpTimer Timer) : VrrpInput;

/// <summary>The trackers' combined verdict changed (see <see cref="TrackerSet"/>).</summary>
/// <param name="PriorityDelta">Sum of the weights that currently apply, added to the base priority.</param>
/// <param name="Fault">True while a weight-0 tracker fails or the interface is down.</param>
public sealed record TrackerChanged(int PriorityDelta, bool Fault) : VrrpInput;

/// <summary>Graceful stop: a master hands over at once with a priority-0 advert.</summary>
public sealed record Shutdown : VrrpInput;

/// <summary>The split-brain guard's view changed: does this director see a majority of the cluster?</summary>
public sealed record QuorumChanged(bool HasMajority) : VrrpInput;

/// <summary>The operator hands the VIPs to another director: the master steps down and does not preempt back.</summary>
public sealed record ForceFailover : VrrpInput;

/// <summary>The operator ends a <see cref="ForceFailover"/> hold: the instance preempts again as configured.</summary>
public sealed record ReleaseFailover : VrrpInput;

/// <summary>
/// A reload changed what an instance may change while it runs: its VIPs, priority (not to or from 255), advert_int,
/// preemption and gratuitous ARP timing. The state stays; a master puts its VIPs in place, announces them and
/// advertises the new values at once, as keepalived does on reload.
/// </summary>
/// <param name="Settings">The new settings; name, virtual_router_id, local address and guard are the running ones.</param>
/// <param name="Vips">The new virtual_ipaddress list (named in adverts and shown in status).</param>
public sealed record InstanceReloaded(VrrpInstanceSettings Settings, IReadOnlyList<IPAddress> Vips) : VrrpInput;

/// <summary>The sync group (see <see cref="VrrpSyncGroup"/>) requires this member to follow the group into a state.</summary>
/// <param name="Target">Master, Backup or Fault.</param>
public sealed record FollowSyncGroup(VrrpState Target) : VrrpInput;
