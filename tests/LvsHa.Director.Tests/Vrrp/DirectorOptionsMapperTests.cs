using System.Net;
using LvsHa.Config;
using LvsHa.Director.Hosting;
using LvsHa.Director.Vrrp;

namespace LvsHa.Director.Tests.Vrrp;

public sealed class DirectorOptionsMapperTests
{
    private const string Instance = """
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 51
            priority 150
            version 3
            advert_int 0.1
            nopreempt
            preempt_delay 2
            garp_master_delay 1
            garp_master_repeat 3
            garp_master_refresh 10
            garp_master_refresh_repeat 2
            virtual_ipaddress {
                10.0.0.50/24 dev eth0 label eth0:vip
            }
        }
        """;

    private const string Cluster = """
        cluster {
            node_name d1
            listen 10.0.0.1 2552
            seed 10.0.0.1 2552
            seed 10.0.0.2 2552
            seed 10.0.0.3 2552
            split_brain_guard majority
            secret_file /etc/lvsha/secret
        }
        """;

    private static readonly Dictionary<string, IPAddress> Eth0 = new() { ["eth0"] = IPAddress.Parse("10.0.0.1") };

    private static LvsHaConfig Load(string text)
    {
        var result = ConfigLoader.LoadText(text, "test.conf");
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        return result.Config!;
    }

    [Fact]
    public void Map_ClusterAndInstance_EverySettingCarriedOver()
    {
        var options = DirectorOptionsMapper.Map(Load(Cluster + Instance), null, "/tmp/x.sock", Eth0);

        Assert.Equal("d1", options.NodeName);
        Assert.Equal("/tmp/x.sock", options.ControlSocketPath);
        var cluster = options.Cluster!;
        Assert.Equal(("10.0.0.1", 2552), (cluster.ListenAddress, cluster.ListenPort));
        Assert.Equal(["10.0.0.1:2552", "10.0.0.2:2552", "10.0.0.3:2552"], cluster.Seeds);
        Assert.Equal(Hosting.SplitBrainGuard.Majority, cluster.SplitBrainGuard);
        Assert.Equal("/etc/lvsha/secret", cluster.SecretFile);
        Assert.Equal(3, cluster.EffectiveExpectedDirectors);
        Assert.Equal(FailureDetectorOptions.Guarding, cluster.FailureDetector);
        Assert.Equal(TimeSpan.FromSeconds(15), cluster.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), cluster.FoundingDelay);

        var instance = Assert.Single(options.Instances);
        Assert.Equal(("VI_1", 51, "eth0"), (instance.Name, instance.VirtualRouterId, instance.Interface));
        var s = instance.Settings!;
        Assert.Equal((byte)51, s.VirtualRouterId);
        Assert.Equal((byte)150, s.Priority);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), s.LocalAddress);
        Assert.Equal(TimeSpan.FromMilliseconds(100), s.AdvertInterval);
        Assert.False(s.Preempt);
        Assert.Equal(TimeSpan.FromSeconds(2), s.PreemptDelay);
        Assert.True(s.SplitBrainGuard);
        Assert.Equal(TimeSpan.FromSeconds(1), s.Garp.MasterDelay);
        Assert.Equal(3, s.Garp.MasterRepeat);
        Assert.Equal(TimeSpan.FromSeconds(10), s.Garp.MasterRefresh);
        Assert.Equal(2, s.Garp.MasterRefreshRepeat);
        Assert.Empty(s.Validate());
    }

    [Fact]
    public void Map_SlowHostTimers_ReachFailureDetectorAndTransport()
    {
        var slow = Cluster.Replace("split_brain_guard majority", "split_brain_guard majority\n    heartbeat_pause 3\n    connect_timeout 40", StringComparison.Ordinal);
        var cluster = DirectorOptionsMapper.Map(Load(slow + Instance), null, null, Eth0).Cluster!;

        Assert.Equal(TimeSpan.FromSeconds(3), cluster.FailureDetector.AcceptableHeartbeatPause);
        Assert.Equal(TimeSpan.FromMilliseconds(3700), cluster.FailureDetector.UnreachableBound);
        Assert.Equal(TimeSpan.FromSeconds(40), cluster.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(40), cluster.FoundingDelay);  // silent seeds may still be connecting
        var hocon = Akka.Configuration.ConfigurationFactory.ParseString(AkkaConfigBuilder.Build(new DirectorOptions { Cluster = cluster }));
        Assert.Equal(TimeSpan.FromSeconds(3), hocon.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(TimeSpan.FromSeconds(3), hocon.GetTimeSpan("akka.remote.watch-failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(TimeSpan.FromSeconds(40), hocon.GetTimeSpan("akka.remote.dot-netty.tcp.connection-timeout"));
    }

    [Fact]
    public void Map_NodeNameOverride_WinsOverClusterBlock()
    {
        Assert.Equal("other", DirectorOptionsMapper.Map(Load(Cluster + Instance), "other", null, Eth0).NodeName);
    }

    [Fact]
    public void Map_NoClusterBlock_SingleDirectorWithoutGuard()
    {
        var options = DirectorOptionsMapper.Map(Load(Instance), null, null, Eth0);
        Assert.Null(options.Cluster);
        Assert.Equal(DirectorOptions.DefaultControlSocketPath, options.ControlSocketPath);
        Assert.False(options.Instances[0].Settings!.SplitBrainGuard);
    }

    [Fact]
    public void Map_GuardOff_InstancesWithoutGuard()
    {
        var options = DirectorOptionsMapper.Map(Load(Cluster.Replace("majority", "off", StringComparison.Ordinal) + Instance), null, null, Eth0);
        Assert.Equal(Hosting.SplitBrainGuard.Off, options.Cluster!.SplitBrainGuard);
        Assert.False(options.Instances[0].Settings!.SplitBrainGuard);
    }

    [Fact]
    public void Map_TwoDirectorsGuardMajority_GuardInactiveSoASurvivorTakesOver()
    {
        var twoDirectors = Cluster.Replace("    seed 10.0.0.3 2552\n", "", StringComparison.Ordinal);
        var result = ConfigLoader.LoadText(twoDirectors + Instance, "test.conf");
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("cannot tell a dead peer from a cut-off one", StringComparison.Ordinal));

        var options = DirectorOptionsMapper.Map(result.Config!, null, null, Eth0);

        Assert.False(options.Cluster!.GuardsMastership);
        Assert.False(options.Instances[0].Settings!.SplitBrainGuard);
    }

    [Fact]
    public void Map_Instance_WireSettingsAsKeepalivedSendsThem()
    {
        var config = Load("global_defs {\n vrrp_version 3\n vrrp_mcast_group4 224.0.0.19\n}\n" + Instance.Replace("version 3", "unicast_peer {\n 10.0.0.2/24\n }", StringComparison.Ordinal));

        var wire = DirectorOptionsMapper.Map(config, null, null, Eth0).Instances[0].Wire!;

        Assert.Equal(3, wire.Version);
        Assert.Equal([IPAddress.Parse("10.0.0.2")], wire.UnicastPeers);
        Assert.Equal(IPAddress.Parse("224.0.0.19"), wire.Group);
        Assert.Equal([IPAddress.Parse("10.0.0.50")], wire.Vips);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), wire.LocalAddress);
    }

    [Fact]
    public void Map_Ipv6Instance_SourceIsTheLinkLocalAddress()
    {
        var config = Load(Instance.Replace("10.0.0.50/24", "2001:db8::50/64", StringComparison.Ordinal));
        Assert.Equal([("eth0", IpFamily.IPv6)], DirectorOptionsMapper.InterfacesNeedingAddress(config));
        var addresses = new Dictionary<string, IPAddress> { [DirectorOptionsMapper.AddressKey("eth0", IpFamily.IPv6)] = IPAddress.Parse("fe80::1") };

        var instance = DirectorOptionsMapper.Map(config, null, null, addresses).Instances[0];

        Assert.Equal(IPAddress.Parse("fe80::1"), instance.Wire!.LocalAddress);
        Assert.Equal(3, instance.Wire.Version);
    }

    [Fact]
    public void Map_UnicastSourceIp_IsTheLocalAddress()
    {
        var config = Load(Instance.Replace("nopreempt", "unicast_src_ip 10.0.0.9", StringComparison.Ordinal));
        Assert.Equal([("eth0", IpFamily.IPv4)], DirectorOptionsMapper.InterfacesNeedingAddress(Load(Instance)));
        Assert.Empty(DirectorOptionsMapper.InterfacesNeedingAddress(config));
        Assert.Equal(IPAddress.Parse("10.0.0.9"), DirectorOptionsMapper.Map(config, null, null, new Dictionary<string, IPAddress>()).Instances[0].Settings!.LocalAddress);
    }

    [Fact]
    public void Map_InterfaceWithoutAddress_FailsNamingTheInstance()
    {
        var error = Assert.Throws<DirectorConfigException>(() => DirectorOptionsMapper.Map(Load(Instance), null, null, new Dictionary<string, IPAddress>()));
        Assert.Contains("VI_1", error.Message);
        Assert.Contains("eth0", error.Message);
        Assert.Contains("test.conf:1:1", error.Message);
    }
}
