using Akka.Actor;
using LvsHa.Director.Membership;

namespace LvsHa.Director.Tests.Unit;

public sealed class FoundingRuleTests
{
    private static readonly Address D1 = Address.Parse("akka.ssl.tcp://lvsha@10.0.0.1:2552");
    private static readonly Address D2 = Address.Parse("akka.ssl.tcp://lvsha@10.0.0.2:2552");
    private static readonly Address D10 = Address.Parse("akka.ssl.tcp://lvsha@10.0.0.10:2552");

    private static Dictionary<Address, bool> Answers(params (Address Seed, bool IsMember)[] answers) =>
        answers.ToDictionary(a => a.Seed, a => a.IsMember);

    [Fact]
    public void ShouldFound_ColdStartAllAnsweredNoneMember_OnlyTheLowestAddressFoundsAtOnce()
    {
        Assert.True(FoundingRule.ShouldFound(D1, true, [D2, D10], Answers((D2, false), (D10, false)), waitedLongEnough: false, new HashSet<Address>()));
        Assert.False(FoundingRule.ShouldFound(D2, true, [D1, D10], Answers((D1, false), (D10, false)), waitedLongEnough: false, new HashSet<Address>()));
        // 10.0.0.10 sorts after 10.0.0.2 as an address (not as a string).
        Assert.False(FoundingRule.ShouldFound(D10, true, [D1, D2], Answers((D1, false), (D2, false)), waitedLongEnough: true, new HashSet<Address>()));
    }

    [Fact]
    public void ShouldFound_SomeSeedIsAMember_NeverFoundsEvenWhenLowestAndLate()
    {
        // The restarted first seed: the others run a cluster, so it must join theirs.
        Assert.False(FoundingRule.ShouldFound(D1, true, [D2, D10], Answers((D2, true), (D10, false)), waitedLongEnough: true, new HashSet<Address>()));
    }

    [Fact]
    public void ShouldFound_SilentSeeds_WaitsForTheDelayThenTheLowestOfThoseThatAnsweredFounds()
    {
        // D1 is dead: D2 waits, then founds as the lowest of the answering seeds; D10 keeps waiting for D2.
        Assert.False(FoundingRule.ShouldFound(D2, true, [D1, D10], Answers((D10, false)), waitedLongEnough: false, new HashSet<Address>()));
        Assert.True(FoundingRule.ShouldFound(D2, true, [D1, D10], Answers((D10, false)), waitedLongEnough: true, new HashSet<Address>()));
        Assert.False(FoundingRule.ShouldFound(D10, true, [D1, D2], Answers((D2, false)), waitedLongEnough: true, new HashSet<Address>()));
        // Nobody answers at all: however long it waits, one seed of three is no majority and forms no cluster alone.
        Assert.False(FoundingRule.ShouldFound(D10, true, [D1, D2], Answers(), waitedLongEnough: true, new HashSet<Address>()));
        Assert.False(FoundingRule.ShouldFound(D1, true, [D2, D10], Answers(), waitedLongEnough: true, new HashSet<Address>()));
    }

    [Fact]
    public void ShouldFound_PairWithOneSilent_NeitherFoundsAloneBothFoundTogether()
    {
        // Two seeds (the default pair): the survivor of a dead peer, or a director whose TLS handshakes are still
        // slow, waits rather than forming an island that would have to give way once the peer answers.
        Assert.False(FoundingRule.ShouldFound(D1, true, [D2], Answers(), waitedLongEnough: true, new HashSet<Address>()));
        Assert.True(FoundingRule.ShouldFound(D1, true, [D2], Answers((D2, false)), waitedLongEnough: false, new HashSet<Address>()));
    }

    [Theory]
    [InlineData(0, 1, false)]
    [InlineData(1, 1, true)]
    [InlineData(0, 2, false)]
    [InlineData(1, 2, true)]
    [InlineData(1, 3, false)]
    [InlineData(2, 3, true)]
    [InlineData(2, 4, true)]
    [InlineData(0, 0, true)]
    public void IsSeedMajority_MoreThanHalfOfAllSeedsCountingItself(int answered, int otherSeeds, bool majority) =>
        Assert.Equal(majority, FoundingRule.IsSeedMajority(answered, otherSeeds));

    [Fact]
    public void ShouldFound_SilentSeedThatIsConnected_NeverFoundsOnTheDelay()
    {
        // D2 completed the TLS handshake (alive) but its answers never arrive: a stale association, not a dead seed.
        Assert.False(FoundingRule.ShouldFound(D1, true, [D2, D10], Answers((D10, false)), waitedLongEnough: true, new HashSet<Address> { D2, D10 }));
        Assert.Equal([D2], FoundingRule.ConnectedButSilent([D2, D10], Answers((D10, false)), new HashSet<Address> { D2, D10 }));
        // Every seed answered: the cold-start path is not affected by connections.
        Assert.True(FoundingRule.ShouldFound(D1, true, [D2, D10], Answers((D2, false), (D10, false)), waitedLongEnough: false, new HashSet<Address> { D2, D10 }));
    }

    [Fact]
    public void ShouldFound_NotASeed_NeverFounds() =>
        Assert.False(FoundingRule.ShouldFound(D1, false, [D2, D10], Answers(), waitedLongEnough: true, new HashSet<Address>()));

    [Theory]
    [InlineData("akka.ssl.tcp://lvsha@10.0.0.2:2552", "akka.ssl.tcp://lvsha@10.0.0.10:2552", -1)]
    [InlineData("akka.ssl.tcp://lvsha@10.0.0.2:2553", "akka.ssl.tcp://lvsha@10.0.0.2:2552", 1)]
    [InlineData("akka.ssl.tcp://lvsha@10.0.0.2:2552", "akka.ssl.tcp://lvsha@[fd00::1]:2552", -1)]
    [InlineData("akka.ssl.tcp://lvsha@[fd00::2]:2552", "akka.ssl.tcp://lvsha@[fd00::10]:2552", -1)]
    public void Compare_OrdersByAddressBytesThenPort(string a, string b, int sign) =>
        Assert.Equal(sign, Math.Sign(FoundingRule.Compare(Address.Parse(a), Address.Parse(b))));

    [Fact]
    public void Delay_EachLowerSeedAddsOneBaseDelay()
    {
        var d3 = Address.Parse("akka.ssl.tcp://lvsha@10.0.0.3:2552");
        var delay = TimeSpan.FromSeconds(15);
        Assert.Equal(delay, FoundingRule.Delay(D1, [d3, D2], delay));
        Assert.Equal(delay * 2, FoundingRule.Delay(D2, [d3, D1], delay));
        Assert.Equal(delay * 3, FoundingRule.Delay(d3, [D1, D2], delay));
    }
}

public sealed class IslandRuleTests
{
    private static string M(int host, long uid) => IslandRule.MemberId(Address.Parse($"akka.ssl.tcp://lvsha@10.0.0.{host}:2552"), uid);

    [Fact]
    public void IsForeign_SharedUniqueMember_SameCluster()
    {
        Assert.False(IslandRule.IsForeign([M(1, 7), M(2, 8)], [M(2, 8), M(3, 9)]));
        Assert.False(IslandRule.IsForeign([M(1, 7)], []));
    }

    [Fact]
    public void IsForeign_RestartedSeedIslandBesideItsOldIncarnation_Foreign() =>
        // The main cluster still lists d1's old incarnation (uid 7); the island is d1's new one (uid 70).
        Assert.True(IslandRule.IsForeign([M(1, 70)], [M(1, 7), M(2, 8), M(3, 9)]));

    [Fact]
    public void OursYields_FewerMembersYieldEqualCountsTheHigherLowestAddress()
    {
        Assert.True(IslandRule.OursYields([M(1, 70)], [M(1, 7), M(2, 8), M(3, 9)]));
        Assert.False(IslandRule.OursYields([M(1, 7), M(2, 8), M(3, 9)], [M(1, 70)]));
        Assert.True(IslandRule.OursYields([M(2, 8)], [M(1, 70)]));
        Assert.False(IslandRule.OursYields([M(1, 70)], [M(2, 8)]));
    }
}
