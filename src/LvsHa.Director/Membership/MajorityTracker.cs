using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace LvsHa.Director.Membership;

/// <summary>
/// Follows cluster membership and reachability and publishes <see cref="QuorumChanged"/> to its subscribers (the
/// vrrp instance actors) whenever the majority view changes. Without a cluster it reports a constant 1 of 1.
/// </summary>
public sealed class MajorityTracker : ReceiveActor
{
    /// <summary>Name of the tracker under /user.</summary>
    public const string Name = "majority";

    private readonly Address _self;
    private readonly int _expectedDirectors;
    private readonly bool _subscribeToCluster;
    private readonly MembershipState _membership = new();
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private QuorumChanged _current;

    /// <summary>Creates the tracker.</summary>
    /// <param name="self">This director's cluster address.</param>
    /// <param name="expectedDirectors">Floor of the denominator (see <see cref="MajorityView"/>); 0 without a cluster.</param>
    /// <param name="subscribeToCluster">False in unit tests, which feed membership messages directly.</param>
    public MajorityTracker(Address self, int expectedDirectors, bool subscribeToCluster)
    {
        _self = self;
        _expectedDirectors = expectedDirectors;
        _subscribeToCluster = subscribeToCluster;
        _current = expectedDirectors == 0 && !subscribeToCluster
            ? new QuorumChanged(true, 1, 1)
            : _membership.View(_self, _expectedDirectors);

        Receive<SubscribeQuorum>(HandleSubscribe);
        Receive<UnsubscribeQuorum>(m => _subscribers.Remove(m.Subscriber));
        Receive<Terminated>(m => _subscribers.Remove(m.ActorRef));
        Receive<GetQuorum>(_ => Sender.Tell(_current));

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
    public static Props PropsFor(ActorSystem system, int expectedDirectors, bool clustered) =>
        Props.Create(() => new MajorityTracker(
            clustered ? Cluster.Get(system).SelfAddress : ((ExtendedActorSystem)system).Provider.DefaultAddress, expectedDirectors, clustered));

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

    private void Update(Action change)
    {
        change();
        var next = _membership.View(_self, _expectedDirectors);
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
}
