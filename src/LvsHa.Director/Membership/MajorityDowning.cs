using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;

namespace LvsHa.Director.Membership;

/// <summary>
/// Akka downing provider of a guarded cluster (akka.cluster.downing-provider-class): <see cref="DowningRule"/>
/// applied once membership and reachability have not changed for <c>stable-after</c>. Its settings are under
/// <see cref="ConfigPath"/> (Hosting.AkkaConfigBuilder writes them).
/// </summary>
public sealed class MajorityDowningProvider : IDowningProvider
{
    /// <summary>HOCON path of the settings: expected-directors and stable-after.</summary>
    public const string ConfigPath = "lvsha.majority-downing";

    private readonly int _expectedDirectors;
    private readonly TimeSpan _stableAfter;

    /// <summary>Called by Akka.Cluster with the system and its cluster (Akka's constructor shape; the cluster is not needed).</summary>
    public MajorityDowningProvider(ActorSystem system, Cluster cluster)
    {
        ArgumentNullException.ThrowIfNull(system);
        var config = system.Settings.Config.GetConfig(ConfigPath)
            ?? throw new ConfigurationException($"{ConfigPath} is missing from the director's Akka configuration");
        _expectedDirectors = config.GetInt("expected-directors");
        _stableAfter = config.GetTimeSpan("stable-after");
    }

    /// <summary>As Akka's split-brain resolver: a downed member's removal waits stable-after (nothing here hands over).</summary>
    public TimeSpan DownRemovalMargin => _stableAfter;

    /// <inheritdoc />
    public Props DowningActorProps => Props.Create(() => new MajorityDowning(_expectedDirectors, _stableAfter));
}

/// <summary>The actor of <see cref="MajorityDowningProvider"/>: follows the cluster and downs per <see cref="DowningRule"/>.</summary>
public sealed class MajorityDowning : ReceiveActor, IWithTimers
{
    private const string StableKey = "stable";
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly MembershipState _membership = new();
    private readonly HashSet<Address> _downed = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly int _expectedDirectors;
    private readonly TimeSpan _stableAfter;

    /// <summary>Creates the actor.</summary>
    public MajorityDowning(int expectedDirectors, TimeSpan stableAfter)
    {
        _expectedDirectors = expectedDirectors;
        _stableAfter = stableAfter;
        Receive<ClusterEvent.CurrentClusterState>(s => Changed(() => _membership.Reset(s)));
        Receive<ClusterEvent.MemberRemoved>(m => Changed(() => _membership.Remove(m.Member.Address, m.Member.UniqueAddress.Uid)));
        Receive<ClusterEvent.IMemberEvent>(m => Changed(() => _membership.Set(MajorityTracker.ToDirectorMember(m.Member))));
        Receive<ClusterEvent.UnreachableMember>(m => Changed(() => _membership.SetReachable(m.Member.Address, m.Member.UniqueAddress.Uid, false)));
        Receive<ClusterEvent.ReachableMember>(m => Changed(() => _membership.SetReachable(m.Member.Address, m.Member.UniqueAddress.Uid, true)));
        Receive<Stable>(_ => Decide());
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    protected override void PreStart() =>
        _cluster.Subscribe(
            Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    // Every change restarts the stable-after wait; nothing is decided on a view still moving.
    private void Changed(Action change)
    {
        change();
        _downed.IntersectWith(_membership.Unreachable);
        if (_membership.Unreachable.Count == 0)
        {
            Timers.Cancel(StableKey);
            return;
        }

        Timers.StartSingleTimer(StableKey, Stable.Instance, _stableAfter);
    }

    private void Decide()
    {
        var view = _membership.View(_cluster.SelfAddress, _expectedDirectors);
        foreach (var address in DowningRule.ToDown(_cluster.SelfAddress, _membership.Members, _membership.Unreachable, _expectedDirectors))
        {
            if (_downed.Add(address))
            {
                _log.Warning(
                    "Downing director {0}: unreachable for {1} while this side reaches {2} of {3} directors (a majority)",
                    address, _stableAfter, view.Reachable, view.Total);
                _cluster.Down(address);
            }
        }
    }

    private sealed class Stable
    {
        public static readonly Stable Instance = new();
    }
}
