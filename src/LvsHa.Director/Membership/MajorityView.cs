using Akka.Actor;

namespace LvsHa.Director.Membership;

/// <summary>
/// The majority rule of the split-brain guard (pure).
/// Voters are members with the director role in status Up or Leaving: Joining and WeaklyUp members are not yet
/// agreed on by the whole cluster, Exiting/Down/Removed ones are on their way out. Total is the number of voters,
/// unreachable ones included (they stay until a majority side downs them), but never less than the
/// expected director count: a director in a cluster of one (the only seed it lists, or an island) must not count
/// itself a majority. Reachable counts the voters not in the unreachable set (the tracker passes the members the
/// cluster marks unreachable and this director's own failure detector has lost too, see MajorityTracker), this
/// director included only while it is a voter itself. A majority is Reachable * 2 &gt; Total.
/// Two directors and a witness: expected 3; the witness is a third director process with no vrrp instances (or
/// none with VIPs). When one VIP director dies, the other still reaches the witness: 2 of 3, it may be master.
/// When a VIP director is cut off alone, it sees 1 of 3 and must not be master. Two directors without a witness
/// (expected 2) would need both, so the guard is not applied there (Hosting.ClusterOptions.GuardsMastership).
/// </summary>
public static class MajorityView
{
    /// <summary>The view of <paramref name="self"/> given the members and unreachable set.</summary>
    public static QuorumChanged Compute(
        Address self, IEnumerable<DirectorMember> members, IReadOnlySet<Address> unreachable, int expectedDirectors)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(unreachable);
        var voters = members.Where(IsVoter).ToList();
        var selfVotes = voters.Any(m => m.Address.Equals(self));
        var reachable = selfVotes ? voters.Count(m => m.Address.Equals(self) || !unreachable.Contains(m.Address)) : 0;
        var total = Math.Max(expectedDirectors, voters.Count);
        return new QuorumChanged(selfVotes && reachable * 2 > total, reachable, total);
    }

    /// <summary>Whether <paramref name="member"/> votes: a director in status Up or Leaving.</summary>
    public static bool IsVoter(DirectorMember member) =>
        member?.IsDirector == true && member.Status is "Up" or "Leaving";
}
