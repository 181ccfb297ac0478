using System.Net;
using static LvsHa.Config.Tests.TestSupport;

namespace LvsHa.Config.Tests.Building;

public class VrrpTests
{
    private static string Instance(string body, string name = "VI_1", int routerId = 51) =>
        $"vrrp_instance {name} {{\n interface eth0\n virtual_router_id {routerId}\n{body}\n}}\n";

    [Fact]
    public void Load_MinimalInstance_AppliesDefaults()
    {
        var vi = Assert.Single(LoadValid(Instance("virtual_ipaddress {\n 10.0.0.1\n}")).VrrpInstances);
        Assert.Equal(("VI_1", VrrpState.Backup, "eth0", 51, 100, TimeSpan.FromSeconds(1), 2),
            (vi.Name, vi.State, vi.Interface, vi.VirtualRouterId, vi.Priority, vi.AdvertInterval, vi.Version));
        Assert.Equal((TimeSpan.FromSeconds(5), 5, TimeSpan.Zero, 1), (vi.GarpMasterDelay, vi.GarpMasterRepeat, vi.GarpMasterRefresh, vi.GarpMasterRefreshRepeat));
        var vip = Assert.Single(vi.VirtualIpAddresses);
        Assert.Equal((IPAddress.Parse("10.0.0.1"), 32), (vip.Address, vip.PrefixLength));
        Assert.Equal(new SourceLocation("test.conf", 5, 2), vip.Location);
    }

    [Fact]
    public void Load_StateMasterWithoutPriority_IsTheAddressOwner()
    {
        // keepalived 2.2 (vrrp_complete_instance): no priority + state MASTER -> 255; an explicit priority stays.
        Assert.Equal(255, LoadValid(Instance("state MASTER\n virtual_ipaddress {\n 10.0.0.1\n}")).VrrpInstances[0].Priority);
        Assert.Equal(150, LoadValid(Instance("state MASTER\n priority 150\n virtual_ipaddress {\n 10.0.0.1\n}")).VrrpInstances[0].Priority);
    }

    [Fact]
    public void Load_ScriptInitFailAndReverse_AreRead()
    {
        var config = LoadValid("vrrp_script chk {\n script /bin/true\n weight 10 reverse\n init_fail\n}\n" + Instance(
            "virtual_ipaddress {\n 10.0.0.1\n}\n track_script {\n chk weight -5 noreverse\n}\n track_interface {\n eth1 weight 7 reverse\n eth2\n}"));
        var script = Assert.Single(config.VrrpScripts);
        Assert.Equal((10, true, true), (script.Weight, script.WeightReverse, script.InitFail));
        var vi = config.VrrpInstances[0];
        Assert.Equal((-5, (bool?)false), (vi.TrackScripts[0].Weight, vi.TrackScripts[0].Reverse));
        Assert.Equal((7, (bool?)true), (vi.TrackInterfaces[0].Weight, vi.TrackInterfaces[0].Reverse));
        Assert.Null(vi.TrackInterfaces[1].Reverse);
    }

    [Fact]
    public void Load_FullInstance_ReadsEveryKeyword()
    {
        var config = LoadValid("vrrp_script chk {\n script \"/bin/true\"\n}\n" + Instance("""
             state BACKUP
             priority 150
             advert_int 0.5
             version 3
             preempt_delay 30
             unicast_src_ip 10.0.0.2
             unicast_peer {
                 10.0.0.3
                 10.0.0.4
             }
             virtual_ipaddress {
                 192.168.1.10/24 brd 192.168.1.255 dev eth1 scope global label eth1:vip
                 192.168.1.11
             }
             virtual_ipaddress_excluded {
                 192.168.2.10/24 dev eth2
             }
             track_interface {
                 eth1 weight -20
                 eth2
             }
             track_script {
                 chk weight 10
             }
             notify /bin/notify
             notify_master "/bin/notify master"
             notify_backup /bin/b
             notify_fault /bin/f
             notify_stop /bin/s
             garp_master_delay 2
             garp_master_repeat 4
             garp_master_refresh 60
             garp_master_refresh_repeat 3
            """));
        var vi = config.VrrpInstances[0];
        Assert.Equal((VrrpState.Backup, 150, TimeSpan.FromSeconds(0.5), 3, TimeSpan.FromSeconds(30)),
            (vi.State, vi.Priority, vi.AdvertInterval, vi.Version, vi.PreemptDelay));
        Assert.Equal(IPAddress.Parse("10.0.0.2"), vi.UnicastSourceIp);
        Assert.Equal(["10.0.0.3", "10.0.0.4"], vi.UnicastPeers.Select(a => a.ToString()));
        Assert.Equal(new Vip(IPAddress.Parse("192.168.1.10"), 24, "eth1", "eth1:vip", "global", IPAddress.Parse("192.168.1.255"), vi.VirtualIpAddresses[0].Location),
            vi.VirtualIpAddresses[0]);
        Assert.Equal("eth2", Assert.Single(vi.VirtualIpAddressesExcluded).Device);
        Assert.Equal([("eth1", -20), ("eth2", 0)], vi.TrackInterfaces.Select(t => (t.Name, t.Weight)));
        Assert.Equal(("chk", (int?)10), (vi.TrackScripts[0].Name, vi.TrackScripts[0].Weight));
        Assert.Equal(["/bin/notify", "/bin/notify master", "/bin/b", "/bin/f", "/bin/s"],
            new[] { vi.Notify, vi.NotifyMaster, vi.NotifyBackup, vi.NotifyFault, vi.NotifyStop }.Select(n => n!.Command));
        Assert.Equal((TimeSpan.FromSeconds(2), 4, TimeSpan.FromSeconds(60), 3), (vi.GarpMasterDelay, vi.GarpMasterRepeat, vi.GarpMasterRefresh, vi.GarpMasterRefreshRepeat));
    }

    [Fact]
    public void Load_Ipv6Vips_AreParsed()
    {
        var vi = LoadValid(Instance("virtual_ipaddress {\n 2001:db8::10/64 dev eth0\n}")).VrrpInstances[0];
        Assert.Equal((IpFamily.IPv6, 64), (vi.VirtualIpAddresses[0].Family, vi.VirtualIpAddresses[0].PrefixLength));
        Assert.Equal(3, vi.Version);
    }

    [Fact]
    public void Load_Authentication_IsReadAndTruncated()
    {
        var r = Load(Instance("authentication {\n auth_type PASS\n auth_pass 0123456789\n}\nvirtual_ipaddress {\n 10.0.0.1\n}"));
        Assert.Equal((VrrpAuthType.Pass, "01234567"), (r.Config!.VrrpInstances[0].Authentication!.Type, r.Config.VrrpInstances[0].Authentication!.Password));
        SingleWarning(r, "truncated to 8");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(300)]
    public void Load_VirtualRouterIdOutOfRange_IsAnError(int vrid)
    {
        var r = Load($"vrrp_instance X {{\n interface eth0\n virtual_router_id {vrid}\n virtual_ipaddress {{\n 10.0.0.1\n }}\n}}\n");
        var d = SingleError(r, $"virtual_router_id {vrid} is out of range 1..255");
        Assert.Equal(new SourceLocation("test.conf", 3, 20), d.Location);
        Assert.Single(r.Errors);
    }

    [Theory]
    [InlineData("priority 0", "priority 0 is out of range")]
    [InlineData("priority 256", "priority 256 is out of range")]
    [InlineData("state PRIMARY", "invalid state 'PRIMARY'")]
    [InlineData("version 4", "VRRP version 4 is out of range")]
    [InlineData("advert_int 0", "advert_int 0 is out of range")]
    [InlineData("virtual_ipaddress {\n 10.0.0.1/33\n}", "prefix length must be 0..32")]
    [InlineData("virtual_ipaddress {\n 10.0.0.300\n}", "invalid virtual_ipaddress '10.0.0.300'")]
    [InlineData("virtual_ipaddress {\n 10.0.0.1 scope galaxy\n}", "invalid scope 'galaxy'")]
    [InlineData("virtual_ipaddress {\n 10.0.0.1\n 2001:db8::1\n}", "mixed address families in virtual_ipaddress")]
    [InlineData("unicast_peer {\n 10.0.0.999\n}", "invalid unicast_peer address")]
    [InlineData("authentication {\n auth_pass x\n}", "needs 'auth_type")]
    [InlineData("track_interface {\n eth1 wait 3\n}", "expected 'weight N'")]
    public void Load_BadInstanceValues_HavePreciseErrors(string body, string message)
    {
        SingleError(Load(Instance(body)), message);
    }

    [Fact]
    public void Load_PeerAndSourceWithMaskOrRange_KeepTheAddressAsKeepalived()
    {
        // keepalived's inet_stosockaddr drops "/mask" and "-range" after these addresses; keepalived -t accepts them.
        var r = Load(Instance("unicast_src_ip 10.0.0.2/24\nunicast_peer {\n 10.0.0.3/24\n 10.0.0.4-9\n}"));
        Assert.True(r.Success);
        var vi = r.Config!.VrrpInstances[0];
        Assert.Equal(IPAddress.Parse("10.0.0.2"), vi.SourceIp);
        Assert.Equal(["10.0.0.3", "10.0.0.4"], vi.UnicastPeers.Select(a => a.ToString()));
        Assert.Equal(3, r.Diagnostics.Count(d => d.Message.Contains("after the address is ignored (keepalived ignores it too)", StringComparison.Ordinal)));
    }

    [Fact]
    public void Load_MissingInterfaceAndRouterId_AreBothReported()
    {
        var r = Load("vrrp_instance X {\n priority 100\n}\n");
        SingleError(r, "needs 'interface'");
        SingleError(r, "needs 'virtual_router_id'");
    }

    [Fact]
    public void Load_NopreemptWithMaster_ClearsNopreemptAsKeepalived()
    {
        var r = Load(Instance("state MASTER\nnopreempt\nvirtual_ipaddress {\n 10.0.0.1\n}"));
        Assert.Equal((VrrpState.Master, false), (r.Config!.VrrpInstances[0].State, r.Config.VrrpInstances[0].NoPreempt));
        SingleWarning(r, "nopreempt does not work with state MASTER");
    }

    [Fact]
    public void Load_PreemptDelayWithMaster_IsClearedAsKeepalived()
    {
        var r = Load(Instance("state MASTER\npreempt_delay 10\nvirtual_ipaddress {\n 10.0.0.1\n}"));
        Assert.Equal(TimeSpan.Zero, r.Config!.VrrpInstances[0].PreemptDelay);
        SingleWarning(r, "preempt_delay does not work with state MASTER");
    }

    [Fact]
    public void Load_WeightedTrackersOfSyncGroupMember_AreRefusedAsKeepalivedReportsThem()
    {
        // keepalived -t exits 5 ("ignoring tracked script s with weights due to SYNC group") and then runs without
        // the script: refused, naming each entry and the fix.
        var r = Load("vrrp_script s {\n script /bin/true\n weight -10\n}\ntrack_file f {\n file /tmp/f\n}\n" +
            Instance("track_interface {\n eth1 weight -20\n eth2\n}\ntrack_script {\n s\n}\ntrack_file {\n f\n}\nvirtual_ipaddress {\n 10.0.0.1\n}", "A") +
            "vrrp_sync_group G {\n group {\n A\n }\n}\n");
        Assert.Null(r.Config);
        var errors = r.Errors.Where(e => e.Message.Contains("is in vrrp_sync_group G", StringComparison.Ordinal)).ToList();
        Assert.Equal(["eth1", "s", "f"], errors.Select(e => e.Message.Split('\'')[1]));
        Assert.All(errors, e => Assert.Contains("weight 0", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UnweightedTrackersOfSyncGroupMember_AreAccepted()
    {
        var r = Load("vrrp_script s {\n script /bin/true\n}\ntrack_file f {\n file /tmp/f\n weight 0\n}\n" +
            Instance("track_interface {\n eth1\n}\ntrack_script {\n s\n}\ntrack_file {\n f\n}\nvirtual_ipaddress {\n 10.0.0.1\n}", "A") +
            "vrrp_sync_group G {\n group {\n A\n }\n}\n");
        Assert.Empty(r.Errors);
        var vi = r.Config!.VrrpInstances[0];
        Assert.Equal((1, 1, 1), (vi.TrackInterfaces.Count, vi.TrackScripts.Count, vi.TrackFiles.Count));
    }

    [Fact]
    public void Load_SyncGroupTrackers_AreAddedToEveryMemberWithTheirWeights()
    {
        var r = Load("vrrp_script s {\n script /bin/true\n weight 5\n}\ntrack_file f {\n file /tmp/f\n}\n" +
            Instance("virtual_ipaddress {\n 10.0.0.1\n}", "A") + Instance("virtual_ipaddress {\n 10.0.0.2\n}", "B", routerId: 52) +
            "vrrp_sync_group G {\n group {\n A\n B\n }\n track_interface {\n eth1 weight -20 reverse\n }\n" +
            " track_script {\n s\n }\n track_file {\n f weight 3\n }\n}\n");
        Assert.Empty(r.Errors);
        foreach (var vi in r.Config!.VrrpInstances)
        {
            Assert.Equal(("eth1", -20, (bool?)true), (vi.TrackInterfaces.Single().Name, vi.TrackInterfaces[0].Weight, vi.TrackInterfaces[0].Reverse));
            Assert.Equal(("s", (int?)null), (vi.TrackScripts.Single().Name, vi.TrackScripts[0].Weight));
            Assert.Equal(("f", (int?)3), (vi.TrackFiles.Single().Name, vi.TrackFiles[0].Weight));
        }
        Assert.Equal(3, r.Config.VrrpSyncGroups[0].TrackInterfaces.Count + r.Config.VrrpSyncGroups[0].TrackScripts.Count + r.Config.VrrpSyncGroups[0].TrackFiles.Count);
    }

    [Fact]
    public void Load_ScriptInSyncGroupAndMember_MemberKeepsItsOwnAsKeepalived()
    {
        var r = Load("vrrp_script s {\n script /bin/true\n weight 4\n}\n" +
            Instance("track_script {\n s weight 0\n}\nvirtual_ipaddress {\n 10.0.0.1\n}", "A") +
            "vrrp_sync_group G {\n group {\n A\n }\n track_script {\n s\n }\n}\n");
        SingleWarning(r, "is also tracked by member vrrp_instance A");
        Assert.Equal((int?)0, Assert.Single(r.Config!.VrrpInstances[0].TrackScripts).Weight);
    }

    [Theory]
    [InlineData("eth1", "track_interface {\n eth1\n}\n")]
    [InlineData("eth0", "")]
    public void Load_InterfaceInSyncGroupAndMember_IsRefusedAsKeepalived(string tracked, string memberTracking)
    {
        // eth0 is the member's own interface, which it tracks unless dont_track_primary.
        var r = Load(Instance(memberTracking + "virtual_ipaddress {\n 10.0.0.1\n}", "A") +
            $"vrrp_sync_group G {{\n group {{\n A\n }}\n track_interface {{\n {tracked}\n }}\n}}\n");
        SingleError(r, $"track_interface {tracked} is tracked by member vrrp_instance A already");
    }

    [Fact]
    public void Load_OwnInterfaceInTrackInterface_IsRefusedUnlessDontTrackPrimary()
    {
        SingleError(Load(Instance("track_interface {\n eth0\n}\nvirtual_ipaddress {\n 10.0.0.1\n}")), "tracks its own interface eth0 already");
        Assert.Empty(Load(Instance("dont_track_primary\ntrack_interface {\n eth0\n}\nvirtual_ipaddress {\n 10.0.0.1\n}")).Errors);
    }

    [Fact]
    public void Load_WeightedTrackerOfAddressOwner_IsRefusedAsKeepalivedReportsIt()
    {
        var r = Load(Instance("priority 255\ntrack_interface {\n eth1 weight 10\n}\nvirtual_ipaddress {\n 10.0.0.1\n}", "A"));
        SingleError(r, "is the address owner (priority 255)");
    }

    [Fact]
    public void Load_WeightedSyncGroupTrackerWithAddressOwnerMember_IsRefused()
    {
        var r = Load(Instance("priority 255\nvirtual_ipaddress {\n 10.0.0.1\n}", "A") +
            "vrrp_sync_group G {\n group {\n A\n }\n track_interface {\n eth1 weight 10\n }\n}\n");
        SingleError(r, "member vrrp_instance A is the address owner");
    }

    [Fact]
    public void Load_Vrrpv2FractionalAdvert_IsRounded()
    {
        var r = Load(Instance("advert_int 1.4\nvirtual_ipaddress {\n 10.0.0.1\n}"));
        Assert.Equal(TimeSpan.FromSeconds(1), r.Config!.VrrpInstances[0].AdvertInterval);
        SingleWarning(r, "whole seconds");
    }

    [Fact]
    public void Load_DuplicateInstanceNameAndRouterId_AreErrors()
    {
        var r = Load(Instance("virtual_ipaddress {\n 10.0.0.1\n}") + Instance("virtual_ipaddress {\n 10.0.0.2\n}"));
        SingleError(r, "duplicate vrrp_instance 'VI_1'");
        SingleError(r, "uses virtual_router_id 51 on eth0");
    }

    [Fact]
    public void Load_VrrpScript_DefaultsAndValues()
    {
        var scripts = LoadValid("vrrp_script a {\n script /bin/true\n}\nvrrp_script c {\n script /bin/check -x y\n}\nvrrp_script b {\n script \"/bin/check x\"\n interval 3\n timeout 2\n weight -30\n rise 4\n fall 5\n user nobody\n}\n").VrrpScripts;
        Assert.Equal(("/bin/true", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 0, 1, 1), (scripts[0].Script, scripts[0].Interval, scripts[0].Timeout, scripts[0].Weight, scripts[0].Rise, scripts[0].Fall));
        Assert.Equal(("/bin/check x", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2), -30, 4, 5, "nobody"),
            (scripts[2].Script, scripts[2].Interval, scripts[2].Timeout, scripts[2].Weight, scripts[2].Rise, scripts[2].Fall, scripts[2].User));
        Assert.Equal("/bin/check -x y", scripts[1].Script);
    }

    [Fact]
    public void Load_TrackScriptUnknown_IsWarning()
    {
        var r = Load(Instance("track_script {\n nothere\n}\nvirtual_ipaddress {\n 10.0.0.1\n}"));
        Assert.True(r.Success);
        SingleWarning(r, "unknown vrrp_script 'nothere'");
    }

    [Fact]
    public void Load_SyncGroup_ReadsMembersAndNotify()
    {
        var g = Assert.Single(LoadValid(Instance("virtual_ipaddress {\n 10.0.0.1\n}", "A") +
            "vrrp_instance B {\n interface eth1\n virtual_router_id 52\n virtual_ipaddress {\n 10.0.1.1\n }\n}\n" +
            "vrrp_sync_group G {\n group {\n A\n B\n }\n notify_master /bin/m\n notify /bin/n\n}\n").VrrpSyncGroups);
        Assert.Equal(["A", "B"], g.Instances);
        Assert.Equal(("/bin/m", "/bin/n"), (g.NotifyMaster!.Command, g.Notify!.Command));
    }

    [Fact]
    public void Load_SyncGroupUnknownMember_IsAnError()
    {
        SingleError(Load("vrrp_sync_group G {\n group {\n NOPE\n }\n}\n"), "unknown vrrp_instance 'NOPE'");
    }

    [Fact]
    public void Load_LvsSyncDaemon_IsRead()
    {
        var config = LoadValid("global_defs {\n lvs_sync_daemon eth1 VI_1 id 5 maxlen 1400 port 8849 ttl 2 group 224.0.0.81\n}\n" +
            Instance("virtual_ipaddress {\n 10.0.0.1\n}"));
        var d = config.Global.LvsSyncDaemon!;
        Assert.Equal(("eth1", "VI_1", 5, 1400, 8849, 2, IPAddress.Parse("224.0.0.81")), (d.Interface, d.VrrpInstance, d.SyncId, d.MaxLength, d.Port, d.Ttl, d.Group));
    }

    [Fact]
    public void Load_LvsSyncDaemonUnknownInstance_IsAnError()
    {
        SingleError(Load("global_defs {\n lvs_sync_daemon eth1 NOPE\n}\n"), "lvs_sync_daemon refers to unknown vrrp_instance 'NOPE'");
    }
}
