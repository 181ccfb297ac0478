using Akka.Actor;
using LvsHa.Director.Membership;
using static LvsHa.Director.Tests.Unit.Directors;

namespace LvsHa.Director.Tests.Unit;

public sealed class DowningRuleTests
{
    private static readonly DirectorMember[] Three = [Up(D1), Up(D2), Up(D3)];

    private static IReadOnlyList<Address> ToDown(Address self, IReadOnlyCollection<DirectorMember> members, params Address[] unreachable) =>
        DowningRule.ToDown(self, members, unreachable.ToHashSet(), 3);

    [Fact]
    public void ToDown_MajoritySideLowestAddress_DownsTheUnreachable() =>
        Assert.Equal([D3], ToDown(D1, Three, D3));

    [Fact]
    public void ToDown_MajoritySideNotLowest_LeavesItToTheLowest() =>
        Assert.Empty(ToDown(D2, Three, D3));

    [Fact]
    public void ToDown_DeadLowestDirector_NextLowestOfTheReachableActs() =>
        Assert.Equal([D1], ToDown(D2, Three, D1));

    [Fact]
    public void ToDown_MinoritySide_DownsNobodyAndNeverItself()
    {
        Assert.Empty(ToDown(D3, Three, D1, D2));
        Assert.Empty(ToDown(D1, Three, D2, D3));
    }

    [Fact]
    public void ToDown_SurvivorsOfADeadThirdLoseEachOther_NeitherDowns()
    {
        // d3 was removed; a heartbeat hiccup between d1 and d2: each sees 1 of 3 (static-quorum downed both here).
        DirectorMember[] two = [Up(D1), Up(D2)];
        Assert.Empty(ToDown(D1, two, D2));
        Assert.Empty(ToDown(D2, two, D1));
    }

    [Fact]
    public void ToDown_OneBrokenLinkBetweenTwoDirectors_OnlyOneOfThePairIsDowned()
    {
        // d1 - d3 broken, d2 reaches both: d1 sees d3 unreachable, d3 sees d1, d2 sees both (the shared view).
        Assert.Equal([D3], ToDown(D1, Three, D3));
        Assert.Empty(ToDown(D3, Three, D1));
        Assert.Empty(ToDown(D2, Three, D1, D3));
    }

    [Fact]
    public void ToDown_AlreadyDown_NotDownedAgain() =>
        Assert.Empty(ToDown(D1, [Up(D1), Up(D2), new DirectorMember(D3, "Down", true)], D3));

    [Fact]
    public void ToDown_LowerAddressStillJoining_TheLowestVoterActs() =>
        Assert.Equal([D3], ToDown(D2, [new DirectorMember(D1, "Joining", true), Up(D2), Up(D3), Up(D4)], D3));

    [Fact]
    public void ToDown_EverybodyReachable_DownsNobody() =>
        Assert.Empty(ToDown(D1, Three));
}
