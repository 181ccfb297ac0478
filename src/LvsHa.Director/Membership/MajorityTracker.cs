using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace LvsHa.Director.Membership;

/// <summary>
/// Follows cluster membership and reachability and publishes <see cref="QuorumChanged"/> to its subscribers (the
/// vrrp instance actors) whenever the majority view changes. Without a cluster it reports a constant 1 of 1.
/// A member the cluster marks unreachable counts as lost only once this director's own failure detector has lost it
/// too. The cluster's mark is the union of every director's observations, so one director that is slow itself (busy
/// starting, starved of CPU) and reads its peers' heartbeats late would otherwise cost a healthy master its majority
/// and its VIP: it marks the witness unreachable while the others mark it. A real partition is seen by the cut-off
/// side's own detector within the same bound, and the majority side's own detector loses the cut-off director.
/// While a mark is not confirmed here, the tracker looks again every scheduler tick (Akka publishes no event when
/// only its own detector changes its mind about a member already marked). A tick, not a reaper interval: availability is
/// computed when asked, so a coarser look can add its whole interval to the time a real partition takes to count (with
/// a 200 ms recheck a survivor counted a killed director lost after 2.96 s on a loaded CI host, over the lab's 2.8 s
/// bound). The timer runs only while a mark waits.
/// </summary>
public sealed class MajorityTracker : ReceiveActor, IWithTimers
{
    /// <summary>Name of the tracker under /user.</summary>
    public const string Name = "majority";

    private const string RecheckKey = "recheck";

    private readonly Address _self;
    private readonly int _expectedDirectors;
    private readonly bool _subscribeToCluster;
    private readonly MembershipState _membership = new();
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Func<Address, bool>? _lostHere;
    private readonly TimeSpan _recheck;
    private QuorumChanged _current;

    /// <summary>Creates the tracker.</summary>
    /// <param name="self">This director's cluster address.</param>
    /// <param name="expectedDirectors">Floor of the denominator (see <see cref="MajorityView"/>); 0 without a cluster.</param>
    /// <param name="subscribeToCluster">False in unit tests, which feed membership messages directly.</param>
    /// <param name="lostHere">Whether this director's own failure detector has lost a member; null: every unreachable mark counts.</param>
    /// <param name="recheck">How often an unconfirmed mark is looked at again (default: the guarding scheduler tick).</param>
    public MajorityTracker(
        Address self, int expectedDirectors, bool subscribeToCluster, Func<Address, bool>? lostHere = null, TimeSpan recheck = default)
    {
        _self = self;
        _expectedDirectors = expectedDirectors;
        _subscribeToCluster = subscribeToCluster;
        _lostHere = lostHere;
        _recheck = recheck > TimeSpan.Zero ? recheck : Hosting.FailureDetectorOptions.Guarding.SchedulerTick;
        _current = expectedDirectors == 0 && !subscribeToCluster
            ? new QuorumChanged(true, 1, 1)
            : _membership.View(_self, _expectedDirectors);

        Receive<SubscribeQuorum>(HandleSubscribe);
        // Statement lambdas: an expression lambda returning bool binds to Receive's predicate overload, and the
        // Terminated of a subscriber already gone would be unhandled, a DeathPactException that restarted the tracker
        // with no subscribers (every vrrp_instance a reload removed did that).
        Receive<UnsubscribeQuorum>(m =>
        {
            _subscribers.Remove(m.Subscriber);
            Context.Unwatch(m.Subscriber);
        });
        Receive<Terminated>(m => { _subscribers.Remove(m.ActorRef); });
        Receive<GetQuorum>(_ => Sender.Tell(_current));
        Receive<Recheck>(_ => Update(() => { }));

        Receive<MemberStatusChanged>(m => Update(() => _membership.Set(m.Member)));
        Receive<MemberGone>(m => Update(() => _membership.Remove(m.Address, m.Incarnation)));
        Receive<MemberReachabilityChanged>(m => Update(() => _membership.SetReachable(m.Address, m.Incarnation, m.Reachable)));

        // Cluster events translated to the messages above, so unit tests drive the same code path.
        Receive<ClusterEvent.CurrentClusterState>(HandleSnapshot);
        Receive<ClusterEvent.MemberRemoved>(m => Self.Tell(new MemberGone(m.Member.Address, m.Member.UniqueAddress.Uid)));
        Receive<ClusterEvent.IMemberEvent>(m => Self.Tell(new MemberStatusChanged(ToDirectorMember(m.Member))));
        Receive<ClusterEvent.UnreachableMember>(m => Self.Tell(new MemberReachabilityChanged(m.Member.Address, false, m.Member.UniqueAddress.Uid)));
        Receive<ClusterEvent.ReachableMember>(m => Self.Tell(new MemberReachabilityChanged(m.Member.Address, true, m.Member.UniqueAddress.Uid)));
    }

    /// <summary>Props of a tracker following the cluster of <paramref name="system"/>, or a lone director.</summary>
    /// <param name="system">The director's actor system.</param>
    /// <param name="expectedDirectors">Floor of the denominator; 0 without a cluster.</param>
    /// <param name="clustered">Whether the director runs in a cluster.</param>
    /// <param name="recheck">The cluster's scheduler tick (FailureDetectorOptions.SchedulerTick).</param>
    public static Props PropsFor(ActorSystem system, int expectedDirectors, bool clustered, TimeSpan recheck = default)
    {
        if (!clustered)
        {
            return Props.Create(() => new MajorityTracker(((ExtendedActorSystem)system).Provider.DefaultAddress, expectedDirectors, false, null, default));
        }

        var cluster = Cluster.Get(system);
        return Props.Create(() => new MajorityTracker(
            cluster.SelfAddress, expectedDirectors, true, a => !cluster.FailureDetector.IsAvailable(a), recheck));
    }

    /// <summary>The Akka member as a <see cref="DirectorMember"/>.</summary>
    public static DirectorMember ToDirectorMember(Member member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new DirectorMember(
            member.Address, member.Status.ToString(), member.HasRole(Hosting.AkkaConfigBuilder.DirectorRole), member.UniqueAddress.Uid);
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        if (_subscribeToCluster)
        {
            Cluster.Get(Context.System).Subscribe(
                Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
                typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        if (_subscribeToCluster)
        {
            Cluster.Get(Context.System).Unsubscribe(Self);
        }

        // A stopping tracker means this director is leaving the cluster: whoever outlives it must not stay master.
        var lost = new QuorumChanged(false, 0, _current.Total);
        foreach (var subscriber in _subscribers)
        {
            subscriber.Tell(lost);
        }
    }

    private void HandleSubscribe(SubscribeQuorum m)
    {
        if (_subscribers.Add(m.Subscriber))
        {
            Context.Watch(m.Subscriber);
        }

        m.Subscriber.Tell(_current);
    }

    private void HandleSnapshot(ClusterEvent.CurrentClusterState state) => Update(() => _membership.Reset(state));

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    private void Update(Action change)
    {
        change();
        var next = _membership.View(_self, _expectedDirectors, _lostHere);
        if (_lostHere is not null && _membership.AnyUnconfirmed(_lostHere))
        {
            if (!Timers.IsTimerActive(RecheckKey))
            {
                Timers.StartSingleTimer(RecheckKey, Recheck.Instance, _recheck);
            }
        }

        if (next == _current)
        {
            return;
        }

        if (next.HasMajority && !_current.HasMajority)
        {
            _log.Info("Director majority gained: {Reachable} of {Total} directors reachable", next.Reachable, next.Total);
        }
        else if (!next.HasMajority && _current.HasMajority)
        {
            _log.Warning("Director majority lost: {Reachable} of {Total} directors reachable", next.Reachable, next.Total);
        }

        _current = next;
        foreach (var subscriber in _subscribers)
        {
            subscriber.Tell(next);
        }
    }

    private sealed class Recheck
    {
        public static readonly Recheck Instance = new();
    }
}
