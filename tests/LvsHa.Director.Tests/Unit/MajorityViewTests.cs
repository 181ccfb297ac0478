using Akka.Actor;
using LvsHa.Director.Membership;
using static LvsHa.Director.Tests.Unit.Directors;

namespace LvsHa.Director.Tests.Unit;

public sealed class MajorityViewTests
{

    [Fact]
    public void Compute_AllThreeUpAndReachable_HasMajorityThreeOfThree() =>
        Assert.Equal(new QuorumChanged(true, 3, 3), MajorityView.Compute(D1, [Up(D1), Up(D2), Up(D3)], new HashSet<Address>(), 3));

    [Fact]
    public void Compute_OnePeerUnreachable_KeepsMajorityTwoOfThree() =>
        Assert.Equal(new QuorumChanged(true, 2, 3), MajorityView.Compute(D1, [Up(D1), Up(D2), Up(D3)], new HashSet<Address> { D3 }, 3));

    [Fact]
    public void Compute_BothPeersUnreachable_LosesMajorityOneOfThree() =>
        Assert.Equal(new QuorumChanged(false, 1, 3), MajorityView.Compute(D3, [Up(D1), Up(D2), Up(D3)], new HashSet<Address> { D1, D2 }, 3));

    [Fact]
    public void Compute_SelfMarkedUnreachableByOthers_StillCountsItself() =>
        Assert.Equal(new QuorumChanged(true, 2, 3), MajorityView.Compute(D1, [Up(D1), Up(D2), Up(D3)], new HashSet<Address> { D1, D3 }, 3));

    [Fact]
    public void Compute_IslandOfOneWithThreeExpected_HasNoMajority() =>
        Assert.Equal(new QuorumChanged(false, 1, 3), MajorityView.Compute(D1, [Up(D1)], new HashSet<Address>(), 3));

    [Fact]
    public void Compute_DeadPeerRemovedFromMembership_ExpectedCountKeepsDenominator() =>
        Assert.Equal(new QuorumChanged(true, 2, 3), MajorityView.Compute(D1, [Up(D1), Up(D2)], new HashSet<Address>(), 3));

    [Fact]
    public void Compute_TwoDirectorsWithoutWitnessOneLost_HasNoMajority() =>
        Assert.Equal(new QuorumChanged(false, 1, 2), MajorityView.Compute(D1, [Up(D1), Up(D2)], new HashSet<Address> { D2 }, 2));

    [Fact]
    public void Compute_MoreMembersThanExpected_DenominatorFollowsMembership() =>
        Assert.Equal(
            new QuorumChanged(false, 2, 4),
            MajorityView.Compute(D1, [Up(D1), Up(D2), Up(D3), Up(new Address("akka.ssl.tcp", "lvsha", "10.0.0.4", 2552))], new HashSet<Address> { D3, new Address("akka.ssl.tcp", "lvsha", "10.0.0.4", 2552) }, 3));

    [Theory]
    [InlineData("Joining")]
    [InlineData("WeaklyUp")]
    [InlineData("Exiting")]
    [InlineData("Down")]
    public void Compute_SelfNotVoting_HasNoMajorityAndCountsNothing(string status) =>
        Assert.Equal(
            new QuorumChanged(false, 0, 3),
            MajorityView.Compute(D1, [new DirectorMember(D1, status, true), Up(D2), Up(D3)], new HashSet<Address>(), 3));

    [Fact]
    public void Compute_LeavingPeer_StillVotes() =>
        Assert.Equal(
            new QuorumChanged(true, 3, 3),
            MajorityView.Compute(D1, [Up(D1), Up(D2), new DirectorMember(D3, "Leaving", true)], new HashSet<Address>(), 3));

    [Fact]
    public void Compute_MemberWithoutDirectorRole_DoesNotVote() =>
        Assert.Equal(
            new QuorumChanged(false, 1, 3),
            MajorityView.Compute(D1, [Up(D1), new DirectorMember(D2, "Up", false)], new HashSet<Address>(), 3));
}
