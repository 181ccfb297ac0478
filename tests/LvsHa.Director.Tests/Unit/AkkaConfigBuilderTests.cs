using Akka.Configuration;
using LvsHa.Director.Hosting;

namespace LvsHa.Director.Tests.Unit;

public sealed class AkkaConfigBuilderTests
{
    private static ClusterOptions Cluster(SplitBrainGuard guard = SplitBrainGuard.Majority, int? expected = null) => new()
    {
        ListenAddress = "10.0.0.1",
        ListenPort = 2552,
        Seeds = ["10.0.0.1:2552", "10.0.0.2:2552", "10.0.0.3:2552"],
        SecretFile = "/etc/lvsha/secret",
        SplitBrainGuard = guard,
        ExpectedDirectors = expected,
    };

    private static Akka.Configuration.Config Parse(DirectorOptions options) => ConfigurationFactory.ParseString(AkkaConfigBuilder.Build(options));

    [Fact]
    public void Build_NoClusterBlock_LocalProviderWithoutRemoting()
    {
        var config = Parse(new DirectorOptions());
        Assert.False(config.HasPath("akka.actor.provider"));
        Assert.False(config.HasPath("akka.remote.dot-netty.tcp.hostname"));
    }

    [Fact]
    public void Build_AnyDirector_AkkaLogsThroughTheBridgeOnly()
    {
        var config = Parse(new DirectorOptions());
        Assert.Equal([AkkaConfigBuilder.TypeName(typeof(AkkaLogBridge))], config.GetStringList("akka.loggers"));
        Assert.Equal("INFO", config.GetString("akka.loglevel"));
        Assert.Equal(typeof(AkkaLogBridge), Type.GetType(config.GetStringList("akka.loggers")[0]));
    }

    [Fact]
    public void Build_Cluster_ListensWithTlsAndSeedsOverTls()
    {
        var config = Parse(new DirectorOptions { Cluster = Cluster() });
        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal("10.0.0.1", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(2552, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        // Akka does not join by itself (SeedJoiner does), from the seed addresses over TLS.
        Assert.Empty(config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal(
            ["akka.ssl.tcp://lvsha@10.0.0.1:2552", "akka.ssl.tcp://lvsha@10.0.0.2:2552", "akka.ssl.tcp://lvsha@10.0.0.3:2552"],
            AkkaConfigBuilder.SeedAddresses(Cluster()).Select(a => a.ToString()));
        Assert.Equal(["director"], config.GetStringList("akka.cluster.roles"));
        // A few heartbeats a second need no buffer pool (AkkaConfigBuilder.UseUnpooledTransportBuffers).
        Assert.False(config.GetBoolean("akka.remote.dot-netty.tcp.enable-pooling"));
    }

    [Theory]
    [InlineData(null, 3)]
    [InlineData(4, 4)]
    [InlineData(5, 5)]
    public void Build_GuardMajority_MajorityDowningOfExpectedDirectors(int? expected, int directors)
    {
        var config = Parse(new DirectorOptions { Cluster = Cluster(expected: expected) });
        Assert.Equal(
            "LvsHa.Director.Membership.MajorityDowningProvider, LvsHa.Director", config.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal(directors, config.GetInt("lvsha.majority-downing.expected-directors"));
        Assert.Equal(TimeSpan.FromSeconds(3), config.GetTimeSpan("lvsha.majority-downing.stable-after"));
        // The provider type Akka loads by that name exists and is a downing provider.
        Assert.True(typeof(Akka.Cluster.IDowningProvider).IsAssignableFrom(Type.GetType(config.GetString("akka.cluster.downing-provider-class"))));
    }

    [Fact]
    public void Build_GuardOff_NoDowningSoEachDirectorActsAlone()
    {
        var config = Parse(new DirectorOptions { Cluster = Cluster(SplitBrainGuard.Off) });
        // Any resolver downs one side of a 1-against-1 split; plain VRRP needs both sides to keep running.
        Assert.Equal("", config.GetString("akka.cluster.downing-provider-class"));
    }

    [Fact]
    public void Build_DefaultFailureDetectorWithTheGuard_FastSettingsAndTwoSecondBound()
    {
        var options = Cluster();
        Assert.True(options.GuardsMastership);
        var config = Parse(new DirectorOptions { Cluster = options });
        Assert.Equal(TimeSpan.FromMilliseconds(200), config.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        // A deadline, not phi accrual: a history of late heartbeats must not stretch the guard's reaction to a cut.
        Assert.Equal("Akka.Remote.DeadlineFailureDetector, Akka.Remote", config.GetString("akka.cluster.failure-detector.implementation-class"));
        Assert.Equal("Akka.Remote.DeadlineFailureDetector, Akka.Remote", config.GetString("akka.remote.watch-failure-detector.implementation-class"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), config.GetTimeSpan("akka.cluster.unreachable-nodes-reaper-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(50), config.GetTimeSpan("akka.scheduler.tick-duration"));
        Assert.Equal(TimeSpan.FromMilliseconds(2200), options.FailureDetector.UnreachableBound);
        Assert.Equal(TimeSpan.FromSeconds(15), config.GetTimeSpan("akka.remote.dot-netty.tcp.connection-timeout"));
    }

    [Fact]
    public void Build_Associations_OwnConnectionsAndASilentOneEndsAfterTheConnectTimeout()
    {
        // Akka's 120 s kept a vanished peer's connection, and its restarted incarnation went unanswered meanwhile;
        // passive connections let a dying handshake leave an association deaf (AkkaConfigBuilder says how).
        var config = Parse(new DirectorOptions { Cluster = Cluster() });
        Assert.Equal(TimeSpan.FromSeconds(15), config.GetTimeSpan("akka.remote.transport-failure-detector.acceptable-heartbeat-pause"));
        Assert.False(config.GetBoolean("akka.remote.use-passive-connections"));
        var slow = Parse(new DirectorOptions { Cluster = Cluster() with { ConnectTimeout = TimeSpan.FromSeconds(40) } });
        Assert.Equal(TimeSpan.FromSeconds(40), slow.GetTimeSpan("akka.remote.transport-failure-detector.acceptable-heartbeat-pause"));
    }

    [Theory]
    [InlineData(SplitBrainGuard.Majority, 2)]
    [InlineData(SplitBrainGuard.Off, 3)]
    public void Build_NoGuard_AkkasHeartbeatRateAndACoarserTick(SplitBrainGuard guard, int directors)
    {
        // Reachability only reported: a heartbeat a second, not five (an idle pair's CPU); the operator's pause kept.
        var options = Cluster(guard) with { ExpectedDirectors = directors };
        Assert.False(options.GuardsMastership);
        var config = Parse(new DirectorOptions { Cluster = options });
        Assert.Equal(TimeSpan.FromSeconds(1), config.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
        Assert.Equal(TimeSpan.FromSeconds(3), config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(TimeSpan.FromSeconds(1), config.GetTimeSpan("akka.remote.watch-failure-detector.heartbeat-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.GetTimeSpan("akka.scheduler.tick-duration"));
        Assert.Equal("Akka.Remote.PhiAccrualFailureDetector, Akka.Remote", config.GetString("akka.cluster.failure-detector.implementation-class"));
        var paused = Parse(new DirectorOptions { Cluster = options with { HeartbeatPause = TimeSpan.FromSeconds(5) } });
        Assert.Equal(TimeSpan.FromSeconds(5), paused.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
    }

    [Theory]
    [InlineData("10.0.0.1:2552", "akka.ssl.tcp://lvsha@10.0.0.1:2552")]
    [InlineData("[fd00::1]:2552", "akka.ssl.tcp://lvsha@[fd00::1]:2552")]
    [InlineData("fd00::1:2552", "akka.ssl.tcp://lvsha@[fd00::1]:2552")]
    public void SeedAddress_HostPort_AkkaAddress(string seed, string expected) =>
        Assert.Equal(expected, AkkaConfigBuilder.SeedAddress(seed));

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("10.0.0.1:port")]
    [InlineData(":2552")]
    public void SeedAddress_Malformed_Throws(string seed) =>
        Assert.Throws<ArgumentException>(() => AkkaConfigBuilder.SeedAddress(seed));

    [Fact]
    public void EffectiveExpectedDirectors_SelfAmongSeeds_CountsDistinct()
    {
        Assert.Equal(3, Cluster().EffectiveExpectedDirectors);
        Assert.Equal(4, (Cluster() with { ListenAddress = "10.0.0.4" }).EffectiveExpectedDirectors);
    }

    [Fact]
    public void Build_Cluster_StopWaitsForTheClusterAtMostTheLeaveBudget()
    {
        var config = Parse(new DirectorOptions { Cluster = Cluster() });
        var phases = new[] { "cluster-sharding-shutdown-region", "cluster-leave", "cluster-exiting", "cluster-exiting-done", "cluster-shutdown" };
        var total = phases.Aggregate(TimeSpan.Zero, (sum, p) => sum + config.GetTimeSpan($"akka.coordinated-shutdown.phases.{p}.timeout"))
            + config.GetTimeSpan("akka.remote.flush-wait-on-shutdown");
        Assert.Equal(AkkaConfigBuilder.LeaveBudget, total);
        Assert.True(total <= TimeSpan.FromSeconds(1.8), $"cluster share of a stop {total}");
    }

    [Fact]
    public void Build_AnyOptions_PeerFailureGateIsTheFirstShutdownPhase()
    {
        var config = Parse(new DirectorOptions());
        Assert.Equal([PeerFailureGate.Phase], config.GetStringList("akka.coordinated-shutdown.phases.before-service-unbind.depends-on"));
        Assert.False(config.GetBoolean($"akka.coordinated-shutdown.phases.{PeerFailureGate.Phase}.recover"));
    }
}
