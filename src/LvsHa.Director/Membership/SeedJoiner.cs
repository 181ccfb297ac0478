using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;
using LvsHa.Vrrp;

namespace LvsHa.Director.Membership;

/// <summary>
/// Joins this director to the directors' cluster (akka.cluster.seed-nodes stays empty, so Akka does not join on its
/// own). It hands Akka the seed list *without itself* (Akka's join-seed-node process then joins whichever seed
/// answers as a cluster member and never forms a cluster alone) and probes the other seeds' joiners itself: only
/// when <see cref="FoundingRule"/> says so does it join itself and form a new cluster. A restarted director thus
/// rejoins the running cluster whatever its place in the seed lines. The joiner also answers other directors'
/// probes for as long as it runs.
/// Only a majority of the seeds founds a cluster (<see cref="FoundingRule"/>), so a start forms no island. A cluster
/// of at most half the directors can still exist (seed lists that differ between directors, answers lost one way),
/// and Akka never merges two clusters. So a member whose cluster has at most half the expected directors keeps
/// probing the seeds outside it (every <see cref="MemberProbeInterval"/>): when a seed answers
/// <see cref="IslandRule.Yields"/> times in a row from a disjoint cluster that wins, this director downs itself
/// (exit code 3; systemd restarts it and it joins the winner).
/// A director the majority removed while it was cut off (Membership.DowningRule) learns it when the cut heals: the
/// others refuse its incarnation (Akka quarantine). It cannot rejoin as it is, so it stops with exit code 3 too and
/// its restart joins as a new incarnation; it is not master then (no majority), so nothing is dropped.
/// </summary>
public sealed class SeedJoiner : ReceiveActor, IWithTimers
{
    /// <summary>Name under /user; every director has it, probes are addressed to it.</summary>
    public const string Name = "seed-joiner";

    /// <summary>How often seeds are probed while this director is not yet a member.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a member probes the seeds for another cluster (an island formed during a partition).</summary>
    public static readonly TimeSpan MemberProbeInterval = TimeSpan.FromSeconds(2);

    /// <summary>How long a probe answer counts (a seed that stopped answering may have died).</summary>
    public static readonly TimeSpan AnswerLifetime = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a seed may stay silent after this director connected to it before the director stops (exit 3) so
    /// that systemd restarts it: Akka classic remoting can keep a stale association towards a restarted address, and
    /// a new incarnation gets a fresh one. A director that is MASTER of an instance does not stop: a seed that died
    /// after connecting looks the same, and the VIPs matter more than the cluster. Two handshake timeouts at the
    /// default connect_timeout (and never less than two of the configured one), counted from the connection: the
    /// answers come back over the seed's own connection to this director (no passive connections), whose handshake
    /// can time out once on a slow host and succeed on the retry. At 15 s from the joiner's start, a director of
    /// three started together in the emulated VM stopped while its peers' connections to it were still in their
    /// handshakes.
    /// </summary>
    public static readonly TimeSpan StuckJoinLimit = TimeSpan.FromSeconds(30);

    private const string TickKey = "probe";
    private readonly Cluster _cluster;
    private readonly Address _self;
    private readonly bool _selfIsSeed;
    private readonly IReadOnlyList<Address> _otherSeeds;
    private readonly TimeSpan _foundingDelay;
    private readonly TimeSpan _stuckJoinAfter;
    private readonly int _expectedDirectors;
    private readonly Dictionary<Address, (bool IsMember, DateTime At)> _answers = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly Dictionary<Address, int> _foreignAnswers = [];
    // Seeds with a remoting association (either way), since when.
    private readonly Dictionary<Address, DateTime> _connected = [];

    // Instances of this director that are MASTER now (from their state transitions): a director holding VIPs is
    // never stopped for a stuck join, since VRRP on the wire does not need the cluster and a restart drops the VIPs.
    private readonly HashSet<string> _masterOf = new(StringComparer.Ordinal);
    private bool _stuckReported;
    private bool _waitReported;
    private bool _founded;

    private bool _member;
    private bool _yielding;

    /// <summary>Creates the joiner.</summary>
    /// <param name="seeds">Seed addresses of the cluster block (this director's own among them or not).</param>
    /// <param name="foundingDelay">How long the lowest seed waits for seeds that do not answer before forming a cluster
    /// without them; higher seeds wait longer (<see cref="FoundingRule.Delay"/>).</param>
    /// <param name="expectedDirectors">Directors the cluster is meant to have; a member probes for a larger cluster
    /// only while its own has at most half of them (a majority cluster never yields).</param>
    public SeedJoiner(IReadOnlyList<Address> seeds, TimeSpan foundingDelay, int expectedDirectors)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        _cluster = Cluster.Get(Context.System);
        _self = _cluster.SelfAddress;
        _selfIsSeed = seeds.Contains(_self) || seeds.Count == 0;
        _otherSeeds = [.. seeds.Where(s => !s.Equals(_self)).Distinct()];
        _foundingDelay = FoundingRule.Delay(_self, _otherSeeds, foundingDelay);
        _stuckJoinAfter = foundingDelay * 2 > StuckJoinLimit ? foundingDelay * 2 : StuckJoinLimit;
        _expectedDirectors = expectedDirectors;

        Receive<SeedProbe>(_ => Sender.Tell(new SeedProbeReply(IsMember(_cluster.SelfMember.Status), OurMembers())));
        Receive<SeedProbeReply>(reply =>
        {
            _answers[Sender.Path.Address] = (reply.IsMember, DateTime.UtcNow);
            if (_member)
            {
                CheckForeignCluster(Sender.Path.Address, reply);
            }
        });
        Receive<Tick>(_ => OnTick());
        // Statement lambdas: an expression lambda returning bool binds to Receive's predicate overload, and a second
        // AssociatedEvent for a connected seed (inbound and outbound) then counted as unhandled.
        Receive<AssociatedEvent>(e => { _connected.TryAdd(e.RemoteAddress, DateTime.UtcNow); });
        Receive<DisassociatedEvent>(e => { _connected.Remove(e.RemoteAddress); });
        Receive<ThisActorSystemQuarantinedEvent>(e => OnRemovedByPeer(e.RemoteAddress));
        Receive<Metrics.VrrpStateTransition>(t =>
        {
            if (t.To == VrrpState.Master.KeepalivedName())
                _masterOf.Add(t.Instance);
            else
                _masterOf.Remove(t.Instance);
        });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of the joiner for <paramref name="seeds"/>.</summary>
    public static Props PropsFor(IReadOnlyList<Address> seeds, TimeSpan foundingDelay, int expectedDirectors) =>
        Props.Create(() => new SeedJoiner(seeds, foundingDelay, expectedDirectors));

    /// <summary>Whether a director in <paramref name="status"/> belongs to a cluster another director can join.</summary>
    public static bool IsMember(MemberStatus status) =>
        status is MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting;

    /// <inheritdoc />
    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(Metrics.VrrpStateTransition));
        Context.System.EventStream.Subscribe(Self, typeof(ThisActorSystemQuarantinedEvent));
        if (_otherSeeds.Count == 0)
        {
            // The only seed (or none listed): nobody to join, form the cluster at once.
            Found("no other seed is configured", silentSeeds: 0);
            return;
        }

        Context.System.EventStream.Subscribe(Self, typeof(AssociatedEvent));
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
        _log.Info("Joining the directors' cluster through seeds {0}", string.Join(", ", _otherSeeds));
        _cluster.JoinSeedNodes(_otherSeeds);
        Timers.StartPeriodicTimer(TickKey, Tick.Instance, TimeSpan.Zero, ProbeInterval);
    }

    private void OnTick()
    {
        if (!_member && IsMember(_cluster.SelfMember.Status))
        {
            // A member now: from here on only look out for another cluster, less often.
            _member = true;
            _answers.Clear();
            Timers.StartPeriodicTimer(TickKey, Tick.Instance, MemberProbeInterval);
        }

        if (!_member && !_founded)
        {
            var now = DateTime.UtcNow;
            var fresh = _answers.Where(a => now - a.Value.At <= AnswerLifetime).ToDictionary(a => a.Key, a => a.Value.IsMember);
            if (FoundingRule.ShouldFound(_self, _selfIsSeed, _otherSeeds, fresh, now - _started >= _foundingDelay, _connected.Keys.ToHashSet()))
            {
                var answered = fresh.Count == 0 ? "none" : string.Join(", ", fresh.Keys);
                Found($"no seed is a cluster member, this is the lowest address of the seeds that answered ({answered}), {_otherSeeds.Count - fresh.Count} of {_otherSeeds.Count} other seeds silent", _otherSeeds.Count - fresh.Count);
            }
            else if (!_yielding
                && FoundingRule.ConnectedButSilent(_otherSeeds, fresh, ConnectedFor(_stuckJoinAfter, now)).ToList() is { Count: > 0 } silent
                && !KeepsVipsWhileStuck(silent))
            {
                _yielding = true;
                _log.Error(
                    "Not in the directors' cluster: seeds {0} have been connected for {1} but nothing they send arrives (stale association); stopping with exit code 3 so that a restart gets a fresh one",
                    string.Join(", ", silent), _stuckJoinAfter);
                Hosting.PeerFailureGate.Get(Context.System).Stop(StuckJoinReason.Instance);
                return;
            }
            else if (now - _started >= _foundingDelay && !_waitReported && _selfIsSeed
                && !FoundingRule.IsSeedMajority(_otherSeeds.Count(fresh.ContainsKey), _otherSeeds.Count))
            {
                _waitReported = true;
                _log.Warning(
                    "Not forming a directors' cluster without a majority of the seeds: {0} of {1} other seeds answer after {2}; waiting for them (VRRP runs on the wire meanwhile)",
                    _otherSeeds.Count(fresh.ContainsKey), _otherSeeds.Count, _foundingDelay);
            }
        }

        // A member probes only seeds outside its cluster, and only while its cluster could be the smaller side:
        // a healthy cluster sends nothing to a seed outside it (a stranger or a director with another secret there
        // costs failed handshakes, logged and retried; see Hosting.PeerFailureGate).
        var members = _member ? _cluster.State.Members.Select(m => m.Address).ToHashSet() : [];
        if (_member && members.Count * 2 > _expectedDirectors)
        {
            return;
        }

        foreach (var seed in _otherSeeds.Where(s => !members.Contains(s)))
        {
            Context.ActorSelection(new RootActorPath(seed) / "user" / Name).Tell(SeedProbe.Instance);
        }
    }

    // A seed that died after connecting looks like a stale association until its association times out; a master
    // keeps its VIPs and keeps trying (founding follows once the dead seed's association is gone).
    private bool KeepsVipsWhileStuck(List<Address> silent)
    {
        if (_masterOf.Count == 0)
        {
            return false;
        }

        if (!_stuckReported)
        {
            _stuckReported = true;
            _log.Warning(
                "Not in the directors' cluster: seeds {0} have been connected for {1} but nothing they send arrives; this director is MASTER of {2}, so it keeps running and keeps trying (VRRP runs on the wire without the cluster)",
                string.Join(", ", silent), _stuckJoinAfter, string.Join(", ", _masterOf.Order(StringComparer.Ordinal)));
        }

        return true;
    }

    private void OnRemovedByPeer(Address peer)
    {
        if (_yielding)
        {
            return;
        }

        if (_masterOf.Count > 0)
        {
            if (!_stuckReported)
            {
                _stuckReported = true;
                _log.Warning(
                    "Director {0} refuses this director's incarnation (removed from the directors' cluster); this director is MASTER of {1}, so it keeps running (VRRP runs on the wire without the cluster)",
                    peer, string.Join(", ", _masterOf.Order(StringComparer.Ordinal)));
            }

            return;
        }

        _yielding = true;
        _log.Error(
            "Director {0} refuses this director's incarnation: the other directors removed it from their cluster while it was cut off; stopping with exit code 3 so that a restart joins them again",
            peer);
        Hosting.PeerFailureGate.Get(Context.System).Stop(StuckJoinReason.Instance);
    }

    private HashSet<Address> ConnectedFor(TimeSpan atLeast, DateTime now) =>
        [.. _connected.Where(c => now - c.Value >= atLeast).Select(c => c.Key)];

    private string[] OurMembers() =>
        [.. _cluster.State.Members.Select(m => IslandRule.MemberId(m.UniqueAddress.Address, m.UniqueAddress.Uid))];

    private void CheckForeignCluster(Address seed, SeedProbeReply reply)
    {
        var ours = OurMembers();
        if (!reply.IsMember || _yielding || !IslandRule.IsForeign(ours, reply.Members))
        {
            _foreignAnswers.Remove(seed);
            return;
        }

        var seen = _foreignAnswers[seed] = _foreignAnswers.GetValueOrDefault(seed) + 1;
        _log.Warning(
            "Seed {0} belongs to another directors' cluster ({1} members: {2}); this cluster has {3} ({4})",
            seed, reply.Members.Length, string.Join(", ", reply.Members), ours.Length, string.Join(", ", ours));
        if (seen >= IslandRule.Yields && IslandRule.OursYields(ours, reply.Members))
        {
            _yielding = true;
            _log.Error(
                "This director is on the smaller of two directors' clusters (an island formed while seeds were cut off): downing itself so that it restarts (exit code 3) and joins the cluster of seed {0}",
                seed);
            _cluster.Down(_self);
        }
    }

    // Every seed answering and none a member is how every cold start of the directors goes: information. A seed that
    // stayed silent may be running a cluster this director cannot reach yet (an island to merge later): a warning.
    private void Found(string reason, int silentSeeds)
    {
        _founded = true;
        if (silentSeeds == 0)
            _log.Info("Forming a new directors' cluster at {0}: {1}", _self, reason);
        else
            _log.Warning("Forming a new directors' cluster at {0}: {1}", _self, reason);
        _cluster.Join(_self);
        Timers.StartPeriodicTimer(TickKey, Tick.Instance, MemberProbeInterval);
    }

    /// <inheritdoc />
    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>Why a director that could not join stopped (maps to exit code 3).</summary>
    private sealed class StuckJoinReason : CoordinatedShutdown.Reason
    {
        public static readonly StuckJoinReason Instance = new();

        public override int ExitCode => Hosting.DirectorHost.ActorSystemLostExitCode;
    }
}

/// <summary>Asks another director's <see cref="SeedJoiner"/> whether it is a member of a cluster.</summary>
public sealed record SeedProbe
{
    /// <summary>The message.</summary>
    public static readonly SeedProbe Instance = new();
}

/// <summary>Answer to <see cref="SeedProbe"/>.</summary>
/// <param name="IsMember">The answering director is a member of a cluster (joining, up, leaving).</param>
/// <param name="Members">Members of its cluster (<see cref="IslandRule.MemberId"/>), empty when it is none's.</param>
public sealed record SeedProbeReply(bool IsMember, string[] Members);
