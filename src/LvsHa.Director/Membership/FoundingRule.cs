using System.Net;
using Akka.Actor;

namespace LvsHa.Director.Membership;

/// <summary>
/// When a director may form a new cluster by joining itself (pure). Akka's own rule lets the first entry of the
/// seed list do it when no other seed answered within seed-node-timeout; a director restarted while listed first
/// whose peers answered slowly (TLS handshake, JIT on a busy host) thus formed an island of one, and directors with
/// differently ordered seed lists could each form their own cluster. Here a director forms a cluster only when
/// <list type="bullet">
/// <item>it is a seed itself,</item>
/// <item>no seed answered that it is a member of a cluster (then there is one to join),</item>
/// <item>every other seed answered (a cold start of the whole set), or <paramref name="waitedLongEnough"/> and no
/// silent seed is connected (a seed that never answers is dead or cut off; one that completed a TLS handshake with
/// this director is alive, and its answers are lost on the way back: a stale association, not a reason to found),</item>
/// <item>it and the seeds that answered are a majority of the seeds (<see cref="IsSeedMajority"/>),</item>
/// <item>and it has the lowest address of itself and the seeds that answered (one founder, whatever the list order).</item>
/// </list>
/// The majority keeps a lone director from founding an island: of two groups of seeds that cannot hear each other,
/// only one can be a majority. Before it, a seed whose peers stayed silent for the founding delay formed a cluster
/// alone; three directors started together in the emulated VM, whose TLS handshakes took 45 s, each did so, and two
/// had to give way (exit 3), which without systemd's restart left them down. A director outside any cluster loses nothing a cluster of one would give
/// it: VRRP runs on the wire, and under the guard one director of three is no majority either way.
/// </summary>
public static class FoundingRule
{
    /// <summary>Whether <paramref name="self"/> joins itself now.</summary>
    /// <param name="self">This director's cluster address.</param>
    /// <param name="selfIsSeed">Whether this director is among the seeds; only seeds found clusters.</param>
    /// <param name="otherSeeds">Seeds other than this director.</param>
    /// <param name="answers">Recent probe answers by seed: whether that seed is a member of a cluster.</param>
    /// <param name="waitedLongEnough">The founding delay has passed since this director started to look for a cluster.</param>
    /// <param name="connected">Seeds this director has a remoting association with (they are alive).</param>
    public static bool ShouldFound(
        Address self, bool selfIsSeed, IReadOnlyCollection<Address> otherSeeds, IReadOnlyDictionary<Address, bool> answers, bool waitedLongEnough,
        IReadOnlySet<Address> connected)
    {
        ArgumentNullException.ThrowIfNull(connected);
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(otherSeeds);
        ArgumentNullException.ThrowIfNull(answers);
        if (!selfIsSeed || answers.Values.Any(isMember => isMember))
        {
            return false;
        }

        if (!otherSeeds.All(answers.ContainsKey) && (!waitedLongEnough || ConnectedButSilent(otherSeeds, answers, connected).Any()))
        {
            return false;
        }

        if (!IsSeedMajority(otherSeeds.Count(answers.ContainsKey), otherSeeds.Count))
        {
            return false;
        }

        return answers.Keys.All(other => Compare(self, other) < 0);
    }

    /// <summary>Whether a seed and <paramref name="answered"/> of its <paramref name="otherSeeds"/> other seeds are more than half of all seeds.</summary>
    public static bool IsSeedMajority(int answered, int otherSeeds) => (1 + answered) * 2 > 1 + otherSeeds;

    /// <summary>
    /// How long <paramref name="self"/> waits for silent seeds before it may found: <paramref name="baseDelay"/> for
    /// the lowest seed, one more <paramref name="baseDelay"/> for each seed with a lower address. When a majority but
    /// not every seed answers, two seeds that each heard a different majority (answers lost one way) would otherwise
    /// found at the same moment; staggered, the lowest founds first and the others find its cluster. A dead lowest
    /// seed only delays the others' founding.
    /// </summary>
    public static TimeSpan Delay(Address self, IEnumerable<Address> otherSeeds, TimeSpan baseDelay)
    {
        ArgumentNullException.ThrowIfNull(otherSeeds);
        return baseDelay * (1 + otherSeeds.Count(seed => Compare(seed, self) < 0));
    }

    /// <summary>Seeds this director is connected to that do not answer its probes.</summary>
    public static IEnumerable<Address> ConnectedButSilent(
        IEnumerable<Address> otherSeeds, IReadOnlyDictionary<Address, bool> answers, IReadOnlySet<Address> connected) =>
        otherSeeds.Where(s => connected.Contains(s) && !answers.ContainsKey(s));

    /// <summary>Orders addresses by IP address (IPv4 before IPv6, then bytes), then port; host names ordinally.</summary>
    public static int Compare(Address a, Address b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var ipA = Ip(a.Host);
        var ipB = Ip(b.Host);
        int byHost;
        if (ipA is not null && ipB is not null)
        {
            var bytesA = ipA.GetAddressBytes();
            var bytesB = ipB.GetAddressBytes();
            byHost = bytesA.Length != bytesB.Length ? bytesA.Length.CompareTo(bytesB.Length) : bytesA.AsSpan().SequenceCompareTo(bytesB);
        }
        else
        {
            byHost = string.CompareOrdinal(a.Host, b.Host);
        }

        return byHost != 0 ? byHost : Nullable.Compare(a.Port, b.Port);
    }

    private static IPAddress? Ip(string? host) =>
        IPAddress.TryParse(host?.Trim('[', ']'), out var ip) ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip) : null;
}
