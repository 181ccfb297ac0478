using System.Net;
using LvsHa.Director.Instances;
using LvsHa.Vrrp;
using LvsHa.Vrrp.Wire;
using M = LvsHa.Vrrp;

namespace LvsHa.Director.Vrrp;

/// <summary>
/// The VRRP state machine as an instance behavior: actor events become <see cref="VrrpInput"/>s, the machine's
/// <see cref="VrrpAction"/>s become director actions, adverts travel as <see cref="VrrpAdvertCodec"/> bytes
/// (authenticated by the actor's HMAC envelope, so the codec's own tag stays empty).
/// </summary>
public sealed class StateMachineBehavior : IVrrpInstanceBehavior
{
    private readonly VrrpStateMachine _machine;
    private readonly VrrpInstanceSettings _settings;
    private readonly IReadOnlyList<IPAddress> _vips;
    private readonly Action<StateChanged>? _stateChanged;
    private readonly Dictionary<string, TrackedObject> _trackers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _trackerUp = new(StringComparer.Ordinal);

    /// <summary>Creates the behavior of one instance.</summary>
    /// <param name="settings">The instance's VRRP settings.</param>
    /// <param name="vips">The VIPs named in adverts (informational for the receiver).</param>
    /// <param name="time">The clock the actor's timers follow.</param>
    /// <param name="stateChanged">Called on every state change (the daemon logs it).</param>
    public StateMachineBehavior(VrrpInstanceSettings settings, IReadOnlyList<IPAddress> vips, TimeProvider time, Action<StateChanged>? stateChanged = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _vips = vips;
        _stateChanged = stateChanged;
        _machine = new VrrpStateMachine(settings, time);
    }

    /// <inheritdoc />
    public string State => StateName(_machine.State);

    /// <summary>Effective priority (base plus tracker weights).</summary>
    public int? Priority => _machine.EffectivePriority;

    /// <summary>Address of the master this instance last heard (or its own while master); null when unknown.</summary>
    public string? Master => (_machine.State == VrrpState.Master ? _settings.LocalAddress : _machine.MasterAddress)?.ToString();

    /// <inheritdoc />
    public IReadOnlyList<string> Vips => [.. _vips.Select(v => v.ToString())];

    /// <summary>keepalived's spelling of a state, as notify scripts and status show it.</summary>
    public static string StateName(VrrpState state) => state switch
    {
        VrrpState.Master => "MASTER",
        VrrpState.Backup => "BACKUP",
        VrrpState.Fault => "FAULT",
        VrrpState.Stopped => "STOP",
        _ => "INIT",
    };

    /// <inheritdoc />
    public IReadOnlyList<VrrpInstanceAction> Handle(VrrpInstanceEvent instanceEvent, DateTimeOffset now)
    {
        VrrpInput? input = instanceEvent switch
        {
            InstanceStarted => new Start(),
            InstanceStopping => new Shutdown(),
            Instances.AdvertReceived advert => Decode(advert.Payload),
            TimerElapsed elapsed => Enum.TryParse<VrrpTimer>(elapsed.Timer, out var timer) ? new TimerExpired(timer) : null,
            QuorumUpdated quorum => new M.QuorumChanged(quorum.Quorum.HasMajority),
            Instances.TrackerChanged tracker => Track(tracker),
            OperatorFailover { Release: false } => new ForceFailover(),
            OperatorFailover { Release: true } => new ReleaseFailover(),
            _ => null,
        };
        return input is null ? [] : Translate(_machine.Handle(input));
    }

    // A malformed or misrouted advert is dropped: the HMAC already proved the sender, so this is a version skew.
    private M.AdvertReceived? Decode(byte[] payload)
    {
        try
        {
            var advert = VrrpAdvertCodec.Decode(payload).Advert;
            return advert.VirtualRouterId == _settings.VirtualRouterId ? advert.ToInput() : null;
        }
        catch (VrrpFormatException)
        {
            return null;
        }
    }

    private M.TrackerChanged Track(Instances.TrackerChanged change)
    {
        _trackers[change.Tracker] = new TrackedObject(change.Tracker, change.Weight);
        _trackerUp[change.Tracker] = change.Up;
        return TrackerSet.Evaluate(_trackers.Values, _trackerUp);
    }

    private List<VrrpInstanceAction> Translate(IReadOnlyList<VrrpAction> actions)
    {
        var result = new List<VrrpInstanceAction>(actions.Count);
        foreach (var action in actions)
        {
            switch (action)
            {
                case M.SendAdvert send:
                    result.Add(new Instances.SendAdvert(EncodeAdvert(send)));
                    break;
                case M.AddVips:
                    result.Add(new Instances.AddVips());
                    break;
                case M.RemoveVips:
                    result.Add(new Instances.RemoveVips());
                    break;
                case SendGratuitousArps burst:
                    result.Add(new SendGarp(burst.Repeat, burst.ArpInterval, burst.NaInterval));
                    break;
                case M.StartTimer timer:
                    result.Add(new Instances.StartTimer(timer.Timer.ToString(), timer.Duration, Periodic: false));
                    break;
                case M.CancelTimer timer:
                    result.Add(new Instances.CancelTimer(timer.Timer.ToString()));
                    break;
                case M.RunNotify notify:
                    result.Add(new Instances.RunNotify(StateName(notify.State), notify.Priority));
                    break;
                case StateChanged changed:
                    _stateChanged?.Invoke(changed);
                    break;
            }
        }

        return result;
    }

    private byte[] EncodeAdvert(M.SendAdvert send) => VrrpAdvertCodec.Encode(
        new VrrpAdvert(_settings.VirtualRouterId, send.Priority, VrrpTiming.ToCentiseconds(send.AdvertInterval), _settings.LocalAddress, _vips),
        ReadOnlySpan<byte>.Empty);
}
