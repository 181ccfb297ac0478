using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using LvsHa.Director.Hosting;
using LvsHa.Director.Membership;
using static LvsHa.Director.Tests.Unit.Directors;

namespace LvsHa.Director.Tests.Unit;

public sealed class MajorityTrackerTests : TestKit
{
    private IActorRef Tracker() => Sys.ActorOf(Props.Create(() => new MajorityTracker(D1, 3, false)));

    private static MemberStatusChanged Up(Address a) => new(new DirectorMember(a, "Up", true));

    // A tracker that has seen D1-D3 up, with the test actor subscribed and its first QuorumChanged taken.
    private IActorRef ThreeUpSubscribed()
    {
        var tracker = Tracker();
        tracker.Tell(Up(D1));
        tracker.Tell(Up(D2));
        tracker.Tell(Up(D3));
        tracker.Tell(new SubscribeQuorum(TestActor));
        ExpectMsg(new QuorumChanged(true, 3, 3));
        return tracker;
    }

    [Fact]
    public void Subscribe_NoMembersYet_ReceivesNoMajorityAtOnce()
    {
        var tracker = Tracker();
        tracker.Tell(new SubscribeQuorum(TestActor));
        ExpectMsg(new QuorumChanged(false, 0, 3));
    }

    [Fact]
    public void MembersComeUp_Subscriber_SeesMajorityGainedThenThreeOfThree()
    {
        var tracker = Tracker();
        tracker.Tell(new SubscribeQuorum(TestActor));
        ExpectMsg(new QuorumChanged(false, 0, 3));

        tracker.Tell(Up(D1));
        ExpectMsg(new QuorumChanged(false, 1, 3));
        tracker.Tell(Up(D2));
        ExpectMsg(new QuorumChanged(true, 2, 3));
        tracker.Tell(Up(D3));
        ExpectMsg(new QuorumChanged(true, 3, 3));
    }

    [Fact]
    public void SubscriberUnsubscribesAndStops_OthersStillSubscribed()
    {
        // As a vrrp_instance a reload removes does: UnsubscribeQuorum in PostStop, then the watch's Terminated. An
        // unhandled Terminated is a DeathPactException: the tracker restarted and forgot every other subscriber.
        var tracker = ThreeUpSubscribed();
        var leaving = CreateTestProbe();
        tracker.Tell(new SubscribeQuorum(leaving.Ref));
        leaving.ExpectMsg(new QuorumChanged(true, 3, 3));
        tracker.Tell(new UnsubscribeQuorum(leaving.Ref));
        Sys.Stop(leaving.Ref);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        tracker.Tell(new MemberReachabilityChanged(D2, false));
        tracker.Tell(new MemberReachabilityChanged(D3, false));
        ExpectMsg(new QuorumChanged(true, 2, 3));
        ExpectMsg(new QuorumChanged(false, 1, 3));
    }

    [Fact]
    public void Reachability_PeersLostAndBack_PublishesEachChangeOnce()
    {
        var tracker = ThreeUpSubscribed();

        tracker.Tell(new MemberReachabilityChanged(D2, false));
        ExpectMsg(new QuorumChanged(true, 2, 3));
        tracker.Tell(new MemberReachabilityChanged(D3, false));
        ExpectMsg(new QuorumChanged(false, 1, 3));

        // A repeated observation changes nothing and is not published.
        tracker.Tell(new MemberReachabilityChanged(D3, false));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        tracker.Tell(new MemberReachabilityChanged(D2, true));
        ExpectMsg(new QuorumChanged(true, 2, 3));
    }

    [Fact]
    public void MemberGone_UnreachablePeerRemoved_DenominatorStaysExpected()
    {
        var tracker = Tracker();
        tracker.Tell(Up(D1));
        tracker.Tell(Up(D2));
        tracker.Tell(Up(D3));
        tracker.Tell(new MemberReachabilityChanged(D3, false));
        tracker.Tell(new MemberGone(D3));
        tracker.Tell(GetQuorum.Instance);
        ExpectMsg(new QuorumChanged(true, 2, 3));
    }

    [Fact]
    public void RestartedDirector_NewRunUpBeforeOldRunRemoved_CountsAsAReachableVoter()
    {
        var tracker = Tracker();
        tracker.Tell(Up(D1));
        tracker.Tell(Up(D2));
        tracker.Tell(new MemberStatusChanged(new DirectorMember(D3, "Up", true, Incarnation: 1)));
        // D3 is stopped before its leave completes: Leaving, then unreachable.
        tracker.Tell(new MemberStatusChanged(new DirectorMember(D3, "Leaving", true, Incarnation: 1)));
        tracker.Tell(new MemberReachabilityChanged(D3, false, Incarnation: 1));

        // It restarts at the same address. One gossip carries its new run's Joined and Up and its old run's removal;
        // Akka publishes the member events first, the removal last.
        tracker.Tell(new MemberStatusChanged(new DirectorMember(D3, "Joining", true, Incarnation: 2)));
        tracker.Tell(new MemberStatusChanged(new DirectorMember(D3, "Up", true, Incarnation: 2)));
        tracker.Tell(new MemberGone(D3, Incarnation: 1));
        tracker.Tell(GetQuorum.Instance);
        ExpectMsg(new QuorumChanged(true, 3, 3));

        // So one director wrongly seen unreachable (e.g. by the restarted one, busy starting) leaves a majority.
        tracker.Tell(new MemberReachabilityChanged(D2, false));
        tracker.Tell(GetQuorum.Instance);
        ExpectMsg(new QuorumChanged(true, 2, 3));
    }

    [Fact]
    public void UnreachableMark_NotConfirmedByOwnDetector_KeepsMajorityUntilItIs()
    {
        // This director (D1) still hears D3; D2, busy starting, marked it unreachable while being marked itself.
        var lostHere = new HashSet<Address> { D2 };
        Func<Address, bool> lost = a =>
        {
            lock (lostHere)
            {
                return lostHere.Contains(a);
            }
        };
        var tracker = Sys.ActorOf(Props.Create(() => new MajorityTracker(D1, 3, false, lost, TimeSpan.FromMilliseconds(50))));
        tracker.Tell(Up(D1));
        tracker.Tell(Up(D2));
        tracker.Tell(Up(D3));
        tracker.Tell(new SubscribeQuorum(TestActor));
        ExpectMsg(new QuorumChanged(true, 3, 3));

        tracker.Tell(new MemberReachabilityChanged(D2, false));
        ExpectMsg(new QuorumChanged(true, 2, 3));
        tracker.Tell(new MemberReachabilityChanged(D3, false));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        // Its own detector loses D3 too: no cluster event comes, the recheck sees it.
        lock (lostHere)
        {
            lostHere.Add(D3);
        }

        ExpectMsg(new QuorumChanged(false, 1, 3), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Unsubscribe_AfterwardsChanges_AreNotSent()
    {
        var tracker = Tracker();
        tracker.Tell(new SubscribeQuorum(TestActor));
        ExpectMsg(new QuorumChanged(false, 0, 3));
        tracker.Tell(new UnsubscribeQuorum(TestActor));
        tracker.Tell(Up(D1));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void LoneDirector_NoCluster_ReportsOneOfOne()
    {
        var tracker = Sys.ActorOf(Props.Create(() => new MajorityTracker(D1, 0, false)));
        tracker.Tell(GetQuorum.Instance);
        ExpectMsg(new QuorumChanged(true, 1, 1));
    }

    [Fact]
    public void Stop_Subscriber_IsToldMajorityLost()
    {
        var tracker = Tracker();
        tracker.Tell(Up(D1));
        tracker.Tell(Up(D2));
        tracker.Tell(new SubscribeQuorum(TestActor));
        ExpectMsg(new QuorumChanged(true, 2, 3));
        Sys.Stop(tracker);
        ExpectMsg(new QuorumChanged(false, 0, 3));
    }
}

/// <summary>The tracker against a real one-director Akka cluster: cluster events are translated correctly.</summary>
public sealed class MajorityTrackerClusterTests : TestKit
{
    public MajorityTrackerClusterTests()
        : base(ConfigurationFactory.ParseString("""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            akka.cluster.roles = ["director"]
            akka.cluster.min-nr-of-members = 1
            """), AkkaConfigBuilder.SystemName)
    {
    }

    [Fact]
    public void SelfJoin_OneExpectedDirector_PublishesOneOfOneMajority()
    {
        var tracker = Sys.ActorOf(MajorityTracker.PropsFor(Sys, 1, clustered: true));
        tracker.Tell(new SubscribeQuorum(TestActor));
        ExpectMsg(new QuorumChanged(false, 0, 1));

        var cluster = Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        FishForMessage<QuorumChanged>(q => q.HasMajority, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void SelfJoin_ThreeExpectedDirectors_StaysWithoutMajority()
    {
        var tracker = Sys.ActorOf(MajorityTracker.PropsFor(Sys, 3, clustered: true));
        var cluster = Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitAssert(() => Assert.Equal(MemberStatus.Up, cluster.SelfMember.Status), TimeSpan.FromSeconds(15));
        AwaitAssert(
            () => Assert.Equal(new QuorumChanged(false, 1, 3), tracker.Ask<QuorumChanged>(GetQuorum.Instance, TimeSpan.FromSeconds(3)).Result),
            TimeSpan.FromSeconds(5));
    }
}
