using Akka.Actor;

namespace LvsHa.Director.Membership;

/// <summary>
/// This director's view of the director majority, published by <see cref="MajorityTracker"/> on every change.
/// </summary>
/// <param name="HasMajority">Reachable * 2 &gt; Total, with this director itself a reachable voter.</param>
/// <param name="Reachable">Voting directors this director can currently reach, itself included.</param>
/// <param name="Total">Voting directors of the cluster, reachable or not, never fewer than the expected count.</param>
public sealed record QuorumChanged(bool HasMajority, int Reachable, int Total);

/// <summary>Subscribes <paramref name="Subscriber"/> to <see cref="QuorumChanged"/>; the current view is sent at once.</summary>
public sealed record SubscribeQuorum(IActorRef Subscriber);

/// <summary>Ends a <see cref="SubscribeQuorum"/>.</summary>
public sealed record UnsubscribeQuorum(IActorRef Subscriber);

/// <summary>Asks <see cref="MajorityTracker"/> for its current <see cref="QuorumChanged"/>.</summary>
public sealed record GetQuorum
{
    /// <summary>The message.</summary>
    public static readonly GetQuorum Instance = new();
}

/// <summary>Membership status of a director as the tracker sees it.</summary>
/// <param name="Address">Cluster address.</param>
/// <param name="Status">Akka member status name (Joining, WeaklyUp, Up, Leaving, Exiting, Down, Removed).</param>
/// <param name="IsDirector">Carries the director role (only directors vote).</param>
/// <param name="Incarnation">
/// Akka's uid of this run of the director: a restarted director comes back at the same address with a new one, and
/// events about its previous run must not touch it (<see cref="MembershipState"/>). Tests that restart nobody leave it 0.
/// </param>
public sealed record DirectorMember(Address Address, string Status, bool IsDirector, long Incarnation = 0);

/// <summary>A member appeared or changed status (fed by cluster events, or directly by tests).</summary>
public sealed record MemberStatusChanged(DirectorMember Member);

/// <summary>A member (the run <paramref name="Incarnation"/> of the director at <paramref name="Address"/>) left the membership for good.</summary>
public sealed record MemberGone(Address Address, long Incarnation = 0);

/// <summary>A member became unreachable or reachable again in the cluster's shared reachability view.</summary>
public sealed record MemberReachabilityChanged(Address Address, bool Reachable, long Incarnation = 0);
