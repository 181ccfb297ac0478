using Akka.Actor;

namespace LvsHa.Director.Membership;

/// <summary>
/// Which unreachable directors this director downs once membership has been stable (pure). Only a side that has
/// the majority of the expected directors downs, it downs only the unreachable ones, and it never downs itself:
/// <list type="bullet">
/// <item>A side without the majority waits. It is not master (the guard) and is no danger; when the cut heals it is
/// reachable again, or, if the majority removed it meanwhile, it restarts to rejoin (<see cref="SeedJoiner"/>).
/// Akka's static-quorum downed such a side itself, so a heartbeat hiccup between the two survivors of a dead third
/// director (each then sees 1 of 3) stopped both of them.</item>
/// <item>In a three-way split or a split into halves nobody downs anybody.</item>
/// <item>Of the majority side, only the lowest address of the voters it can reach acts. With one broken link
/// between two directors both see a majority; only one of them is the lowest of its reachable set, so only one of
/// the pair is downed.</item>
/// </list>
/// </summary>
public static class DowningRule
{
    /// <summary>The members <paramref name="self"/> downs now.</summary>
    public static IReadOnlyList<Address> ToDown(
        Address self, IReadOnlyCollection<DirectorMember> members, IReadOnlySet<Address> unreachable, int expectedDirectors)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(unreachable);
        if (!MajorityView.Compute(self, members, unreachable, expectedDirectors).HasMajority)
        {
            return [];
        }

        // A majority means this director is a reachable voter itself, so the set is never empty.
        var lowestReachable = members
            .Where(m => MajorityView.IsVoter(m) && (m.Address.Equals(self) || !unreachable.Contains(m.Address)))
            .Select(m => m.Address)
            .Aggregate((a, b) => FoundingRule.Compare(a, b) <= 0 ? a : b);
        if (!lowestReachable.Equals(self))
        {
            return [];
        }

        return [.. members
            .Where(m => unreachable.Contains(m.Address) && !m.Address.Equals(self) && m.Status is not ("Down" or "Removed"))
            .Select(m => m.Address)];
    }
}
