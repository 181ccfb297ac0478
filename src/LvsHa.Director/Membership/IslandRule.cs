using Akka.Actor;

namespace LvsHa.Director.Membership;

/// <summary>
/// Which of two directors' clusters gives way (pure). Two clusters exist after a seed that was cut off formed its
/// own (see <see cref="FoundingRule"/>); Akka never merges them, and with split_brain_guard off each would keep a
/// master of every VIP. Members are compared by unique address (address and incarnation): a restarted director's
/// old incarnation still listed in one cluster does not make the other one the same cluster. The cluster with
/// fewer members yields; on equal counts the one whose lowest member address is higher.
/// </summary>
public static class IslandRule
{
    /// <summary>Consecutive probe answers from a foreign cluster before this director yields (transients pass).</summary>
    public const int Yields = 3;

    /// <summary>The member id carried in probe answers: "address#uid".</summary>
    public static string MemberId(Address address, long uid)
    {
        ArgumentNullException.ThrowIfNull(address);
        return $"{address}#{uid}";
    }

    /// <summary>Whether <paramref name="theirs"/> is another cluster: not empty and sharing no member with <paramref name="ours"/>.</summary>
    public static bool IsForeign(IReadOnlyCollection<string> ours, IReadOnlyCollection<string> theirs)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(theirs);
        return ours.Count > 0 && theirs.Count > 0 && !ours.Intersect(theirs, StringComparer.Ordinal).Any();
    }

    /// <summary>Whether the cluster of <paramref name="ours"/> gives way to the foreign one of <paramref name="theirs"/>.</summary>
    public static bool OursYields(IReadOnlyCollection<string> ours, IReadOnlyCollection<string> theirs)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(theirs);
        if (ours.Count != theirs.Count)
        {
            return ours.Count < theirs.Count;
        }

        return FoundingRule.Compare(Lowest(theirs), Lowest(ours)) < 0;
    }

    private static Address Lowest(IReadOnlyCollection<string> members) =>
        members.Select(m => Address.Parse(m[..m.LastIndexOf('#')])).Aggregate((a, b) => FoundingRule.Compare(a, b) <= 0 ? a : b);
}
