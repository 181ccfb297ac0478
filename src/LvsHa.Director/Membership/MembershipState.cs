using Akka.Actor;
using Akka.Cluster;

namespace LvsHa.Director.Membership;

/// <summary>
/// The members and the unreachable set as cluster events report them, kept by the actors that judge the majority
/// (<see cref="MajorityTracker"/> and <see cref="MajorityDowning"/>) so both follow the cluster the same way.
/// A director restarted at the same address is a new incarnation: Akka publishes its Joined and Up before the removal
/// of its previous run when one gossip carries both, and an unreachable flag of the previous run is not the new one's.
/// So an event about another incarnation than the one held changes nothing, and a new incarnation starts reachable.
/// </summary>
public sealed class MembershipState
{
    private readonly Dictionary<Address, DirectorMember> _members = [];
    private readonly HashSet<Address> _unreachable = [];

    /// <summary>Members by address.</summary>
    public IReadOnlyCollection<DirectorMember> Members => _members.Values;

    /// <summary>Members marked unreachable by any director.</summary>
    public IReadOnlySet<Address> Unreachable => _unreachable;

    /// <summary>Replaces everything with a snapshot of the cluster.</summary>
    public void Reset(ClusterEvent.CurrentClusterState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _members.Clear();
        _unreachable.Clear();
        foreach (var member in state.Members)
        {
            _members[member.Address] = MajorityTracker.ToDirectorMember(member);
        }

        _unreachable.UnionWith(state.Unreachable.Select(m => m.Address));
    }

    /// <summary>A member appeared or changed status.</summary>
    public void Set(DirectorMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (!IsHeld(member.Address, member.Incarnation))
        {
            _unreachable.Remove(member.Address);
        }

        _members[member.Address] = member;
    }

    /// <summary>A member left for good.</summary>
    public void Remove(Address address, long incarnation)
    {
        if (!IsHeld(address, incarnation))
        {
            return;
        }

        _members.Remove(address);
        _unreachable.Remove(address);
    }

    /// <summary>A member became reachable or unreachable.</summary>
    public void SetReachable(Address address, long incarnation, bool reachable)
    {
        if (!IsHeld(address, incarnation))
        {
            return;
        }

        if (reachable)
        {
            _unreachable.Remove(address);
        }
        else
        {
            _unreachable.Add(address);
        }
    }

    // Whether the member held at this address is that incarnation (or none is held: events may come before a snapshot).
    private bool IsHeld(Address address, long incarnation) =>
        !_members.TryGetValue(address, out var held) || held.Incarnation == incarnation;

    /// <summary>The majority view of <paramref name="self"/> (<see cref="MajorityView"/>).</summary>
    /// <param name="self">This director's address.</param>
    /// <param name="expectedDirectors">Floor of the denominator.</param>
    /// <param name="lostHere">
    /// Whether this director's own failure detector has lost a member: a member the cluster marks unreachable counts as
    /// unreachable only if it agrees (<see cref="MajorityTracker"/> says why). Null: every mark counts.
    /// </param>
    public QuorumChanged View(Address self, int expectedDirectors, Func<Address, bool>? lostHere = null) =>
        MajorityView.Compute(self, _members.Values, lostHere is null ? _unreachable : UnreachableHere(lostHere), expectedDirectors);

    /// <summary>Members the cluster marks unreachable that <paramref name="lostHere"/> does not confirm.</summary>
    public bool AnyUnconfirmed(Func<Address, bool> lostHere) => _unreachable.Any(a => !lostHere(a));

    private HashSet<Address> UnreachableHere(Func<Address, bool> lostHere) => [.. _unreachable.Where(lostHere)];
}
