using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using LvsHa.Director.Adverts;
using LvsHa.Director.Hosting;
using LvsHa.Director.Instances;
using LvsHa.Director.Security;

namespace LvsHa.Director.Tests.Unit;

/// <summary>Two real ActorSystems in a cluster over loopback: adverts reach /user/vrrp-{vrid} on the other one.</summary>
public sealed class ClusterAdvertTransportTests : TestKit
{
    private static readonly Akka.Configuration.Config ClusterConfig = ConfigurationFactory.ParseString("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.cluster.roles = ["director"]
        """);

    private static readonly byte[] Key = ClusterSecret.FromString("correct horse battery staple").AdvertKey;

    public ClusterAdvertTransportTests()
        : base(ClusterConfig, AkkaConfigBuilder.SystemName)
    {
    }

    private static IActorRef StartInstance(ActorSystem system, int vrid) =>
        system.ActorOf(
            VrrpInstanceActor.PropsFor(new VrrpInstanceSetup(
                $"VI_{vrid}", vrid, new AdvertingBehavior(100, TimeSpan.FromMilliseconds(50)), new ClusterAdvertTransport(system),
                new AdvertAuthenticator(Key, Cluster.Get(system).SelfAddress.ToString(), TimeProvider.System, TimeSpan.FromSeconds(5)),
                InstanceEffects.None, null, TimeProvider.System)),
            ClusterAdvertTransport.InstanceActorName(vrid));

    [Fact]
    public async Task Publish_TwoDirectors_AdvertsReachSameRouterOnlyOnTheOther()
    {
        var other = ActorSystem.Create(AkkaConfigBuilder.SystemName, ClusterConfig);
        try
        {
            var cluster = Cluster.Get(Sys);
            cluster.Join(cluster.SelfAddress);
            Cluster.Get(other).Join(cluster.SelfAddress);
            AwaitAssert(() => Assert.Equal(2, cluster.State.Members.Count(m => m.Status == MemberStatus.Up)), TimeSpan.FromSeconds(20));

            var here51 = StartInstance(Sys, 51);
            var there51 = StartInstance(other, 51);
            var there52 = StartInstance(other, 52);

            await AwaitAssertAsync(
                async () =>
                {
                    var status = await here51.Ask<InstanceStatus>(GetInstanceStatus.Instance, TimeSpan.FromSeconds(3));
                    Assert.Equal([Cluster.Get(other).SelfAddress.ToString()], status.LastAdvertBySender.Keys);
                    Assert.True(status.AdvertsAccepted >= 3);
                    var remote = await there51.Ask<InstanceStatus>(GetInstanceStatus.Instance, TimeSpan.FromSeconds(3));
                    Assert.Equal([cluster.SelfAddress.ToString()], remote.LastAdvertBySender.Keys);
                },
                TimeSpan.FromSeconds(10));

            // Router 52 exists only on one director: it hears nobody and nobody's router 51 hears it.
            var lone = await there52.Ask<InstanceStatus>(GetInstanceStatus.Instance, TimeSpan.FromSeconds(3));
            Assert.Equal((0L, 0L), (lone.AdvertsAccepted, lone.AdvertsRejected));
            Assert.Equal(0, (await here51.Ask<InstanceStatus>(GetInstanceStatus.Instance, TimeSpan.FromSeconds(3))).AdvertsRejected);
        }
        finally
        {
            await other.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
