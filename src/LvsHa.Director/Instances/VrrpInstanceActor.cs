using System.Net;
using Akka.Actor;
using Akka.Event;
using LvsHa.Director.Adverts;
using LvsHa.Director.Membership;
using LvsHa.Director.Security;
using LvsHa.Vrrp;
using QuorumChanged = LvsHa.Director.Membership.QuorumChanged;
using LvsHa.Vrrp.Wire;

namespace LvsHa.Director.Instances;

/// <summary>
/// Actor of one vrrp instance (/user/vrrp-{vrid}): checks incoming adverts, feeds its messages (the state machine's
/// inputs) to its <see cref="IVrrpInstanceBehavior"/> and carries out the returned actions without blocking (I/O is piped back).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in PostStop, the end of an actor's life.")]
public sealed class VrrpInstanceActor : ReceiveActor
{
    private static readonly TimeSpan RejectionLogInterval = TimeSpan.FromSeconds(5);

    // A dropped wire advert is logged once per sender and reason, then again only as a reminder with the count: a
    // misconfigured peer sends 10 adverts a second.
    private static readonly TimeSpan DropReminderInterval = TimeSpan.FromMinutes(10);

    private readonly string _name;
    private readonly int _virtualRouterId;
    private readonly IVrrpInstanceBehavior _behavior;
    private readonly IAdvertTransport _transport;
    private readonly AdvertAuthenticator _authenticator;
    private readonly InstanceEffects _effects;
    private readonly IActorRef? _majorityTracker;
    private readonly TimeProvider _time;
    private VrrpWire? _wire;
    private readonly IWireAdvertLink? _wireLink;
    private readonly Dictionary<(IPAddress, AdvertDropReason), (DateTimeOffset Logged, long Count)> _drops = [];
    private readonly Dictionary<IPAddress, string> _sendFailures = [];

    // VRRP's timers run on exact due times (System.Threading.Timer), not on Akka's scheduler: its ticks would add up
    // to one tick to every Master_Down_Interval and advert, and ticking finely costs CPU in an idle director.
    private readonly Dictionary<VrrpTimer, (Timer Timer, long Generation)> _timers = [];
    private long _timerGeneration;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, DateTimeOffset> _lastAdvertBySender = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastRejectionLog = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private long _sent;
    private long _accepted;
    private long _rejected;
    private QuorumChanged? _quorum;
    private (DateTimeOffset At, string Reason)? _lastTransition;
    private List<Task>? _pending;

    /// <summary>Creates the actor.</summary>
    public VrrpInstanceActor(VrrpInstanceSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        _name = setup.Name;
        _virtualRouterId = setup.VirtualRouterId;
        _behavior = setup.Behavior;
        _transport = setup.Transport;
        _authenticator = setup.Authenticator;
        _effects = setup.Effects;
        _majorityTracker = setup.MajorityTracker;
        _time = setup.Time;
        _wire = setup.Wire;
        _wireLink = setup.WireLink;

        Receive<VrrpAdvertEnvelope>(HandleAdvert);
        Receive<WirePacketReceived>(HandleWirePacket);
        Receive<QuorumChanged>(HandleQuorum);
        Receive<TimerFired>(HandleTimerFired);
        Receive<TimerExpired>(Feed); // a timer fired on the behavior's behalf (tests drive time this way)
        Receive<TrackerResult>(Feed);
        Receive<TrackFileResult>(Feed);
        Receive<TrackersReloaded>(Feed);
        Receive<ForceFailover>(FeedAndReportStatus);
        Receive<ReleaseFailover>(FeedAndReportStatus);
        Receive<FollowSyncGroup>(Feed);
        Receive<ReloadInstance>(HandleReload);
        Receive<Shutdown>(HandleStopping);
        Receive<GetInstanceStatus>(_ => Sender.Tell(Status()));
        Receive<EffectFailed>(m => _log.Error(m.Cause, "vrrp_instance {Instance}: {Effect} failed", _name, m.Effect));
        Receive<EffectDone>(_ => { });
    }

    /// <summary>Props of the actor.</summary>
    public static Props PropsFor(VrrpInstanceSetup setup) => Props.Create(() => new VrrpInstanceActor(setup));

    /// <inheritdoc />
    protected override void PreStart()
    {
        _majorityTracker?.Tell(new SubscribeQuorum(Self));
        Feed(new Start());
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        foreach (var (timer, _) in _timers.Values)
            timer.Dispose();
        _timers.Clear();
        _majorityTracker?.Tell(new UnsubscribeQuorum(Self));
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void HandleAdvert(VrrpAdvertEnvelope envelope)
    {
        if (envelope.VirtualRouterId != _virtualRouterId)
        {
            // Only a misaddressed send can cause this (the actor name carries the id); never act on it.
            _rejected++;
            _log.Warning(
                "vrrp_instance {Instance}: dropped an advert for virtual_router_id {OtherRouter} from {Sender}",
                _name, envelope.VirtualRouterId, envelope.SenderNode);
            return;
        }

        var verdict = _authenticator.Verify(envelope);
        if (verdict != AdvertVerdict.Accepted)
        {
            _rejected++;
            LogRejection(envelope, verdict);
            return;
        }

        // The HMAC proved the sender: a payload that does not decode, or names another router, is a version skew.
        var advert = Decode(envelope.Payload);
        if (advert is null)
        {
            _rejected++;
            LogRejection(envelope, AdvertVerdict.Malformed);
            return;
        }

        _accepted++;
        _lastAdvertBySender[envelope.SenderNode] = _time.GetUtcNow();
        Feed(advert.ToInput());
    }

    private VrrpAdvert? Decode(byte[] payload)
    {
        try
        {
            var advert = VrrpAdvertCodec.Decode(payload).Advert;
            return advert.VirtualRouterId == _virtualRouterId ? advert : null;
        }
        catch (VrrpFormatException)
        {
            return null;
        }
    }

    private void HandleWirePacket(WirePacketReceived received)
    {
        if (_wire is null)
            return;
        var master = IPAddress.TryParse(_behavior.Master, out var address) ? address : null;
        var verdict = _wire.Check(received.Packet, master);
        if (verdict.Advert is { } advert)
        {
            _accepted++;
            _lastAdvertBySender[advert.From.ToString()] = _time.GetUtcNow();
            Feed(advert);
        }
        else if (verdict.Drop is { } reason)
        {
            _rejected++;
            LogDrop(received.Packet.Source, reason, verdict.Detail);
        }
    }

    private void LogDrop(IPAddress sender, AdvertDropReason reason, string detail)
    {
        var now = _time.GetUtcNow();
        var key = (sender, reason);
        if (_drops.TryGetValue(key, out var seen) && now - seen.Logged < DropReminderInterval)
        {
            _drops[key] = seen with { Count = seen.Count + 1 };
            return;
        }

        var since = seen.Count;
        _drops[key] = (now, 0);
        if (since == 0)
        {
            _log.Warning(
                "vrrp_instance {Instance}: dropped a VRRP advert from {Sender}: {Reason} ({Detail}); further ones from it for this reason are counted, not logged",
                _name, sender, reason, detail);
        }
        else
        {
            _log.Warning(
                "vrrp_instance {Instance}: still dropping VRRP adverts from {Sender}: {Reason} ({Detail}), {Count} since the last report",
                _name, sender, reason, detail, since + 1);
        }
    }

    private void SendAdvert(SendAdvert send)
    {
        _sent++;
        var local = _wire?.Settings.LocalAddress ?? IPAddress.Any;
        if (_wire is not null && _wireLink is not null)
        {
            foreach (var destination in _wire.Destinations)
            {
                try
                {
                    _wireLink.Send(_wire.Build(send.Priority, send.AdvertInterval, destination), local, destination);
                    if (_sendFailures.Remove(destination))
                        _log.Info("vrrp_instance {Instance}: adverts to {Destination} are sent again", _name, destination);
                }
                catch (Exception e) when (e is LvsHa.Netlink.NetlinkException or ObjectDisposedException)
                {
                    // A link that is down or an address not yet there: the interface tracker decides what that means
                    // for the state; here it is logged once until sending works again.
                    if (_sendFailures.TryAdd(destination, e.Message))
                        _log.Warning("vrrp_instance {Instance}: cannot send adverts to {Destination}: {Reason}", _name, destination, e.Message);
                }
            }
        }

        // In a cluster the same advert also goes over the cluster's connections: the second heartbeat path.
        var payload = VrrpAdvertCodec.Encode(
            new VrrpAdvert((byte)_virtualRouterId, send.Priority, VrrpTiming.ToCentiseconds(send.AdvertInterval), local, _wire?.Settings.Vips ?? []),
            ReadOnlySpan<byte>.Empty);
        _transport.Publish(_authenticator.Sign(_name, _virtualRouterId, payload));
    }

    private void LogRejection(VrrpAdvertEnvelope envelope, AdvertVerdict verdict)
    {
        var key = envelope.SenderNode ?? "?";
        var now = _time.GetUtcNow();
        if (_lastRejectionLog.TryGetValue(key, out var last) && now - last < RejectionLogInterval)
        {
            return;
        }

        _lastRejectionLog[key] = now;
        if (verdict == AdvertVerdict.BadMac)
        {
            _log.Error(
                "vrrp_instance {Instance}: advert from {Sender} has a bad HMAC: that director has a different cluster secret, or the advert was forged ({Rejected} rejected so far)",
                _name, key, _rejected);
        }
        else
        {
            _log.Warning("vrrp_instance {Instance}: advert from {Sender} dropped as {Verdict} ({Rejected} rejected so far)", _name, key, verdict, _rejected);
        }
    }

    // Graceful stop: the behavior's last actions (priority-0 advert, VIP removal, notify_stop) run before the reply,
    // so the daemon's shutdown waits for them before it leaves the cluster.
    private void HandleStopping(Shutdown shutdown)
    {
        _pending = [];
        Feed(shutdown);
        var pending = _pending;
        _pending = null;
        var replyTo = Sender;
        Task.WhenAll(pending).ContinueWith(_ => (object)InstanceStopped.Instance, TaskScheduler.Default).PipeTo(replyTo);
    }

    // The adverts carry the new VIPs and interval from now on (a peer checks both), then the machine applies them.
    private void HandleReload(ReloadInstance reload)
    {
        if (_wire is not null)
            _wire = new VrrpWire(reload.Options.Wire);
        Feed(new InstanceReloaded(reload.Options.Settings, reload.Options.Wire.Vips));
    }

    private void HandleQuorum(QuorumChanged quorum)
    {
        _quorum = quorum;
        Feed(new LvsHa.Vrrp.QuorumChanged(quorum.HasMajority));
    }

    private void FeedAndReportStatus(VrrpInput input)
    {
        Feed(input);
        Sender.Tell(Status());
    }

    private void Feed(VrrpInput input)
    {
        var before = _behavior.State;
        foreach (var action in _behavior.Handle(input, _time.GetUtcNow()))
        {
            Execute(action);
        }

        if (_behavior.State != before)
        {
            Context.System.EventStream.Publish(new Metrics.VrrpStateTransition(_name, _virtualRouterId, before, _behavior.State));
        }
    }

    private void Execute(VrrpAction action)
    {
        var token = _stopping.Token;
        switch (action)
        {
            case SendAdvert send:
                SendAdvert(send);
                break;
            case StartTimer timer:
                StartTimer(timer);
                break;
            case CancelTimer timer:
                CancelTimer(timer.Timer);
                break;
            case AddVips:
                Pipe("add VIPs", _effects.Vips.AddVipsAsync(_name, token));
                break;
            case RemoveVips:
                Pipe("remove VIPs", _effects.Vips.RemoveVipsAsync(_name, token));
                break;
            case SendGratuitousArps burst:
                Pipe("gratuitous ARP", _effects.Garp.SendAsync(_name, burst, token));
                break;
            case RunNotify notify:
                var state = notify.State.KeepalivedName();
                Pipe($"notify {state}", _effects.Notify.RunAsync(_name, state, notify.Priority, token));
                break;
            case StateChanged changed:
                // The behavior logs it and the metric follows the behavior's state (Feed); status shows the last one.
                _lastTransition = (_time.GetUtcNow(), changed.Reason);
                break;
            default:
                _log.Error("vrrp_instance {Instance}: unknown action {Action}", _name, action);
                break;
        }
    }

    private void StartTimer(StartTimer start)
    {
        CancelTimer(start.Timer);
        var generation = ++_timerGeneration;
        var self = Self;
        var message = new TimerFired(start.Timer, generation);
        var delay = start.Duration < TimeSpan.Zero ? TimeSpan.Zero : start.Duration;
        _timers[start.Timer] = (new Timer(_ => self.Tell(message, ActorRefs.NoSender), null, delay, Timeout.InfiniteTimeSpan), generation);
    }

    private void CancelTimer(VrrpTimer timer)
    {
        if (_timers.Remove(timer, out var existing))
            existing.Timer.Dispose();
    }

    // A fire from a timer already replaced or cancelled may still be in the mailbox: its generation tells.
    private void HandleTimerFired(TimerFired fired)
    {
        if (!_timers.TryGetValue(fired.Timer, out var current) || current.Generation != fired.Generation)
            return;
        CancelTimer(fired.Timer);
        Feed(new TimerExpired(fired.Timer));
    }

    private void Pipe(string effect, Task task)
    {
        _pending?.Add(task);
        task.PipeTo(Self, success: () => new EffectDone(effect), failure: e => new EffectFailed(effect, e));
    }

    private InstanceStatus Status() => new(
        _name, _virtualRouterId, _behavior.State, _sent, _accepted, _rejected,
        new Dictionary<string, DateTimeOffset>(_lastAdvertBySender, StringComparer.Ordinal), _quorum, _behavior.Priority, _behavior.Master, _behavior.Vips, _behavior.Trackers,
        _lastTransition?.At, _lastTransition?.Reason);

    private sealed record TimerFired(VrrpTimer Timer, long Generation);

    private sealed record EffectDone(string Effect);

    private sealed record EffectFailed(string Effect, Exception Cause);
}
