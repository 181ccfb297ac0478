using System.Collections.Immutable;
using System.Net;
using LvsHa.Director.Control;
using LvsHa.Director.Daemon;
using LvsHa.Director.Lvs;
using LvsHa.Director.Tests.Lvs;
using LvsHa.Health.State;
using LvsHa.Ipvs;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Director.Tests.Daemon;

public class ReloadAndDrainUnitTests
{
    private const string Base = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 100
            virtual_ipaddress {
                10.0.0.1
            }
        }
        virtual_server 10.0.0.1 80 {
            protocol TCP
            lb_kind DR
            real_server 10.0.1.4 80 {
                weight 3
                TCP_CHECK {
                }
            }
            real_server 10.0.1.5 80 {
                TCP_CHECK {
                }
            }
        }
        virtual_server 10.0.0.1 443 {
            protocol TCP
            lb_kind DR
            real_server 10.0.1.4 443 {
                TCP_CHECK {
                }
            }
        }
        """;

    private static IPEndPoint Ep(string address, int port = 80) => new(IPAddress.Parse(address), port);

    [Fact]
    public void ConfigChanges_SameConfigReformatted_NothingChanges()
    {
        var before = TestConfigs.Load(Base);
        var after = TestConfigs.Load("# a comment moves every line\n\n" + Base);

        var changes = ConfigChanges.Between(before, after);

        Assert.Equal("2 virtual services (0 added, 0 removed, 0 changed, 2 unchanged)", changes.Summary);
        Assert.Empty(changes.RestartNeeded);
    }

    [Fact]
    public void ConfigChanges_ServiceChangedAddedRemovedAndInstanceChanged_CountsEachAndAsksRestartForVrrp()
    {
        var before = TestConfigs.Load(Base);
        var after = TestConfigs.Load(Base
            .Replace("virtual_router_id 51", "virtual_router_id 52", StringComparison.Ordinal)
            .Replace("weight 3", "weight 4", StringComparison.Ordinal)
            .Replace("virtual_server 10.0.0.1 443", "virtual_server 10.0.0.1 8443", StringComparison.Ordinal));

        var changes = ConfigChanges.Between(before, after);

        Assert.Equal("2 virtual services (1 added, 1 removed, 1 changed, 0 unchanged)", changes.Summary);
        Assert.Equal(["changed vrrp_instance VI_1"], changes.RestartNeeded);
    }

    [Fact]
    public void ConfigChanges_BgpBlockChanged_ReloadedInPlace_AddedOrRemoved_TakesARestart()
    {
        const string Bgp = "bgp {\n    local_as 65010\n    neighbor 10.0.0.254 remote_as 65000\n}\n";
        var before = TestConfigs.Load(Bgp + Base);

        var changed = ConfigChanges.Between(before, TestConfigs.Load(Bgp.Replace("65000", "65001", StringComparison.Ordinal) + Base));
        Assert.Empty(changed.RestartNeeded);
        Assert.EndsWith("; bgp block reloaded", changed.Summary, StringComparison.Ordinal);
        Assert.Equal(65001u, changed.Bgp!.Neighbors.Single().RemoteAs);

        // Removed or added, the running block (or none) stays until the restart.
        var removed = ConfigChanges.Between(before, TestConfigs.Load(Base));
        Assert.Equal(["stopping BIRD for the removed bgp block (its routes are withdrawn now)"], removed.RestartNeeded);
        Assert.Same(before.Bgp, removed.Bgp);
        var added = ConfigChanges.Between(TestConfigs.Load(Base), before);
        Assert.Equal(["added bgp block"], added.RestartNeeded);
        Assert.Null(added.Bgp);
    }

    [Fact]
    public void ConfigChanges_VipsPriorityAndAdvertOfAnInstance_ReloadedInPlaceNotARestart()
    {
        var before = TestConfigs.Load(Base);
        var after = TestConfigs.Load(Base
            .Replace("10.0.0.1\n", "10.0.0.1\n10.0.0.2/24 dev eth0\n", StringComparison.Ordinal)
            .Replace("priority 100", "priority 90\nadvert_int 2\nnopreempt", StringComparison.Ordinal));

        var changes = ConfigChanges.Between(before, after);

        Assert.Equal(["VI_1"], changes.Reloaded.Keys);
        Assert.Matches(@"^VIPs 10\.0\.0\.1\S* 10\.0\.0\.2\S*.*, priority 100 -> 90, advert_int 1 -> 2, nopreempt False -> True$", changes.Reloaded["VI_1"]);
        Assert.Empty(changes.RestartNeeded);
        Assert.EndsWith("; vrrp_instance VI_1 reloaded in place", changes.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1\n", "2001:db8::1\n")]
    [InlineData("virtual_router_id 51", "virtual_router_id 52")]
    [InlineData("priority 100", "priority 255")]
    [InlineData("priority 100", "priority 90\nstate MASTER")]
    [InlineData("interface eth0", "interface eth0\nunicast_peer {\n10.0.0.9\n}")]
    public void ConfigChanges_InstanceChangeARunningInstanceCannotTake_IsARestart(string from, string to)
    {
        var changes = ConfigChanges.Between(TestConfigs.Load(Base), TestConfigs.Load(Base.Replace(from, to, StringComparison.Ordinal)));

        Assert.Empty(changes.Reloaded);
        Assert.Equal(["changed vrrp_instance VI_1"], changes.RestartNeeded);
    }

    private const string Script = "vrrp_script chk {\n script /bin/true\n interval 2\n weight -20\n}\n";
    private const string File = "track_file maint {\n file /run/maint\n}\n";

    private static string Tracking(string lines) => Base.Replace("priority 100", "priority 100\n" + lines, StringComparison.Ordinal);

    [Theory]
    [InlineData("", "track_script {\n chk\n}", "track_script chk added (weight -20)")]
    [InlineData("track_script {\n chk\n}", "", "track_script chk removed")]
    [InlineData("track_script {\n chk\n}", "track_script {\n chk weight -30\n}", "track_script chk weight -20 -> -30")]
    [InlineData("track_script {\n chk\n}", "track_script {\n chk weight 20 reverse\n}", "track_script chk weight -20 -> 20, track_script chk noreverse -> reverse")]
    [InlineData("", "track_file {\n maint weight -5\n}", "track_file maint added (weight -5)")]
    [InlineData("track_interface {\n eth1 weight -10\n}", "track_interface {\n eth1 weight -15\n eth2\n}", "track_interface eth1 weight -10 -> -15, track_interface eth2 added (weight 0)")]
    [InlineData("", "dont_track_primary", "interface eth0 removed")]
    public void ConfigChanges_TrackerEntries_AppliedInPlaceWithTheirWordsNeverARestart(string from, string to, string words)
    {
        var changes = ConfigChanges.Between(TestConfigs.Load(Script + File + Tracking(from)), TestConfigs.Load(Script + File + Tracking(to)));

        Assert.Empty(changes.RestartNeeded);
        Assert.Equal("", changes.Reloaded["VI_1"]);
        Assert.Equal(words, changes.Trackers["VI_1"]);
        Assert.EndsWith("; vrrp_instance VI_1 reloaded in place", changes.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" interval 2\n", " interval 1\n", "vrrp_script chk interval 2 -> 1, timeout 2 -> 1")] // timeout defaults to interval
    [InlineData(" script /bin/true\n", " script \"/bin/true x\"\n rise 2\n fall 3\n", "vrrp_script chk script \"/bin/true\" -> \"/bin/true x\", rise 1 -> 2, fall 1 -> 3")]
    [InlineData(" weight -20\n", " weight -40\n", "track_script chk weight -20 -> -40")]
    public void ConfigChanges_VrrpScriptBlockOfARunningInstance_AppliedToItsTrackers(string from, string to, string words)
    {
        var tracked = Tracking("track_script {\n chk\n}");
        var changes = ConfigChanges.Between(TestConfigs.Load(Script + tracked), TestConfigs.Load(Script.Replace(from, to, StringComparison.Ordinal) + tracked));

        Assert.Empty(changes.RestartNeeded);
        Assert.Equal(words, changes.Trackers["VI_1"]);
    }

    [Fact]
    public void ConfigChanges_TrackFileBlock_AppliedWhereTrackedNothingWhereNot()
    {
        var tracked = Tracking("track_file {\n maint\n}");
        var moved = ConfigChanges.Between(
            TestConfigs.Load(File + tracked),
            TestConfigs.Load(File.Replace("/run/maint", "/run/maint2", StringComparison.Ordinal).Replace("}", " weight 5\n}", StringComparison.Ordinal) + tracked));
        Assert.Empty(moved.RestartNeeded);
        Assert.Equal("track_file maint weight 1 -> 5, track_file maint file /run/maint -> /run/maint2", moved.Trackers["VI_1"]);

        var unused = ConfigChanges.Between(TestConfigs.Load(File + Base), TestConfigs.Load(File.Replace("}", " weight 5\n}", StringComparison.Ordinal) + Base));
        Assert.Empty(unused.RestartNeeded);
        Assert.Empty(unused.Reloaded);
    }

    [Fact]
    public void ConfigChanges_TrackerAndAChangeARunningInstanceCannotTake_IsARestartNeverReportedAsApplied()
    {
        var changes = ConfigChanges.Between(
            TestConfigs.Load(Script + Base),
            TestConfigs.Load(Script + Tracking("track_script {\n chk\n}").Replace("virtual_router_id 51", "virtual_router_id 52", StringComparison.Ordinal)));

        Assert.Equal(["changed vrrp_instance VI_1"], changes.RestartNeeded);
        Assert.Empty(changes.Reloaded);
        Assert.Empty(changes.Trackers);
    }

    [Fact]
    public void ConfigChanges_SyncGroupTracking_ReachesTheMembersInPlace_NotifyAndSmtpAlertAreAGroupChange()
    {
        const string Group = "vrrp_sync_group G {\n group {\n VI_1\n VI_2\n }\n}\n";
        var before = TestConfigs.Load(Script + Group + Base + SecondInstance);
        var tracked = ConfigChanges.Between(before, TestConfigs.Load(Script + Group.Replace(" }\n}", " }\n track_script {\n chk weight -30\n }\n}", StringComparison.Ordinal) + Base + SecondInstance));
        Assert.Empty(tracked.RestartNeeded);
        Assert.Empty(tracked.SyncGroups);
        Assert.Equal(["VI_1", "VI_2"], tracked.Trackers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("track_script chk added (weight -30)", tracked.Trackers["VI_2"]);

        var other = ConfigChanges.Between(before, TestConfigs.Load(Script + Group.Replace(" }\n}", " }\n smtp_alert\n}", StringComparison.Ordinal) + Base + SecondInstance));
        Assert.Empty(other.RestartNeeded);
        Assert.Equal(["vrrp_sync_group G: notify scripts or smtp_alert changed"], other.SyncGroups);
        Assert.EndsWith("; vrrp_sync_group G: notify scripts or smtp_alert changed", other.Summary, StringComparison.Ordinal);

        var reordered = ConfigChanges.Between(before, TestConfigs.Load(Script + Group.Replace(" VI_1\n VI_2\n", " VI_2\n VI_1\n", StringComparison.Ordinal) + Base + SecondInstance));
        Assert.Empty(reordered.SyncGroups);
        Assert.Empty(reordered.RestartNeeded);
    }

    [Fact]
    public void GlobalDefsChanges_EverySetting_ClassifiedOnce()
    {
        // A new GlobalDefs property must be given a rule: applied, reaching blocks, or needing a restart.
        var properties = typeof(LvsHa.Config.GlobalDefs).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Select(p => p.Name).Order(StringComparer.Ordinal);
        var classified = GlobalDefsChanges.Rules.SelectMany(r => r.Properties).ToList();

        Assert.Equal(properties, classified.Order(StringComparer.Ordinal));
        Assert.Equal(classified.Count, classified.Distinct(StringComparer.Ordinal).Count());
    }

    private static string Global(string lines) => $"global_defs {{\n{lines}\n}}\n" + Base;

    [Theory]
    [InlineData("metrics_listen 127.0.0.1 9100", "global_defs metrics_listen")]
    [InlineData("script_user root", "global_defs script_user")]
    [InlineData("enable_script_security", "global_defs enable_script_security")]
    [InlineData("vrrp_mcast_group4 224.0.0.19", "global_defs vrrp_mcast_group4")]
    [InlineData("vrrp_mcast_group6 ff02::13", "global_defs vrrp_mcast_group6")]
    [InlineData("lvs_sync_daemon eth0 VI_1", "global_defs lvs_sync_daemon")]
    public void ConfigChanges_GlobalSettingBoundAtStart_NeedsARestartAndKeepsRunningAsItIs(string line, string words)
    {
        var before = TestConfigs.Load(Global("router_id lb1"));
        var changes = ConfigChanges.Between(before, TestConfigs.Load(Global("router_id lb1\n" + line)));

        Assert.Equal([words], changes.RestartNeeded);
        Assert.Empty(changes.GlobalApplied);
        Assert.Empty(changes.Reloaded);
        Assert.Equal(
            VirtualServerFingerprint.OfBlock(before.Global with { ScriptUserLocation = null }),
            VirtualServerFingerprint.OfBlock(changes.Global with { ScriptUserLocation = null }));
        // What runs is still the old value: the next reload of the same file reports it again.
        Assert.Equal([words], ConfigChanges.Between(before with { Global = changes.Global }, TestConfigs.Load(Global("router_id lb1\n" + line))).RestartNeeded);
    }

    [Fact]
    public void ConfigChanges_MailSettingsRouterIdAndLvsTimeouts_Applied()
    {
        var changes = ConfigChanges.Between(
            TestConfigs.Load(Global("router_id lb1\nnotification_email {\nops@example.test\n}\nsmtp_server 192.0.2.25")),
            TestConfigs.Load(Global("router_id lb2\nnotification_email {\noncall@example.test\n}\nsmtp_server 192.0.2.26 2525\nlvs_timeouts tcp 600")));

        Assert.Empty(changes.RestartNeeded);
        Assert.Equal(["router_id", "notification_email / smtp_server / smtp_* mail settings", "lvs_timeouts"], changes.GlobalApplied);
        Assert.Equal(("lb2", "192.0.2.26", 2525, 600), (changes.Global.RouterId, changes.Global.Mail.SmtpServer, changes.Global.Mail.SmtpPort, changes.Global.LvsTimeouts!.Tcp));
    }

    [Fact]
    public void ConfigChanges_ScriptUserOnlyMovedInTheFile_NothingChanges()
    {
        var changes = ConfigChanges.Between(TestConfigs.Load(Global("script_user root")), TestConfigs.Load("\n\n" + Global("router_id lb1\nscript_user root")));

        Assert.Empty(changes.RestartNeeded);
        Assert.Equal(["router_id"], changes.GlobalApplied);
    }

    [Theory]
    [InlineData("vrrp_garp_master_delay 2", "gratuitous ARP timing")]
    [InlineData("vrrp_garp_lower_prio_repeat 2", "gratuitous ARP timing")]
    [InlineData("smtp_alert_vrrp", "smtp_alert False -> True")]
    public void ConfigChanges_GlobalDefaultAnInstanceTakes_ReloadsItInPlace(string line, string words)
    {
        var changes = ConfigChanges.Between(TestConfigs.Load(Base), TestConfigs.Load(Global(line)));

        Assert.Empty(changes.RestartNeeded);
        Assert.Empty(changes.GlobalApplied);
        Assert.Equal(words, changes.Reloaded["VI_1"]);
    }

    [Theory]
    [InlineData("vrrp_version 3")]
    [InlineData("vrrp_skip_check_adv_addr")]
    public void ConfigChanges_GlobalDefaultARunningInstanceCannotTake_IsARestartOfThatInstance(string line)
    {
        var changes = ConfigChanges.Between(TestConfigs.Load(Base), TestConfigs.Load(Global(line)));

        Assert.Equal(["changed vrrp_instance VI_1"], changes.RestartNeeded);
        Assert.Empty(changes.Reloaded);
    }

    [Fact]
    public void ConfigChanges_MulticastGroupAndAPriority_PriorityReloadedInPlaceTheGroupAtTheNextRestart()
    {
        var changes = ConfigChanges.Between(
            TestConfigs.Load(Base), TestConfigs.Load(Global("vrrp_mcast_group4 224.0.0.19").Replace("priority 100", "priority 90", StringComparison.Ordinal)));

        Assert.Equal(["global_defs vrrp_mcast_group4"], changes.RestartNeeded);
        Assert.Equal("priority 100 -> 90", changes.Reloaded["VI_1"]);
        Assert.Null(changes.Global.VrrpMulticastGroup4);
    }

    private const string SecondInstance = """
        vrrp_instance VI_2 {
            interface eth0
            virtual_router_id 52
            priority 100
            virtual_ipaddress {
                10.0.0.2
            }
        }
        """;

    [Fact]
    public void ConfigChanges_NewInstance_IsAddedNotARestart()
    {
        var changes = ConfigChanges.Between(TestConfigs.Load(Base), TestConfigs.Load(Base + SecondInstance));

        Assert.Equal(["VI_2"], changes.Added);
        Assert.Empty(changes.Removed);
        Assert.Empty(changes.Reloaded);
        Assert.Empty(changes.RestartNeeded);
        Assert.EndsWith("; vrrp_instance VI_2 added", changes.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigChanges_InstanceGone_IsRemovedNotARestart()
    {
        var changes = ConfigChanges.Between(TestConfigs.Load(Base + SecondInstance), TestConfigs.Load(Base));

        Assert.Equal(["VI_2"], changes.Removed);
        Assert.Empty(changes.Added);
        Assert.Empty(changes.RestartNeeded);
        Assert.EndsWith("; vrrp_instance VI_2 removed", changes.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigChanges_NewOrRemovedMemberOfASyncGroup_AddedOrRemovedWithTheGroupChangeNeverARestart()
    {
        const string Group = "vrrp_sync_group G {\n group {\n VI_1\n VI_2\n }\n}\n";
        var added = ConfigChanges.Between(TestConfigs.Load(Base), TestConfigs.Load(Group + Base + SecondInstance));
        Assert.Equal(["VI_2"], added.Added);
        Assert.Equal(["vrrp_sync_group G added (VI_1, VI_2)"], added.SyncGroups);
        Assert.Empty(added.RestartNeeded);

        var removed = ConfigChanges.Between(TestConfigs.Load(Group + Base + SecondInstance), TestConfigs.Load(Base));
        Assert.Equal(["VI_2"], removed.Removed);
        Assert.Equal(["vrrp_sync_group G removed"], removed.SyncGroups);
        Assert.Empty(removed.RestartNeeded);
    }

    [Fact]
    public void ConfigChanges_RunningInstanceJoinsAndLeavesASyncGroup_OnlyAGroupChange()
    {
        const string Third = "vrrp_instance VI_3 {\n interface eth0\n virtual_router_id 53\n priority 100\n virtual_ipaddress {\n 10.0.0.3\n }\n}\n";
        var instances = Base + SecondInstance + Third;
        var before = TestConfigs.Load("vrrp_sync_group G {\n group {\n VI_1\n VI_2\n }\n}\n" + instances);
        var changes = ConfigChanges.Between(before, TestConfigs.Load("vrrp_sync_group G {\n group {\n VI_1\n VI_3\n }\n}\n" + instances));

        Assert.Equal(["vrrp_sync_group G: VI_3 joined, VI_2 left"], changes.SyncGroups);
        Assert.Empty(changes.Added);
        Assert.Empty(changes.Removed);
        Assert.Empty(changes.Reloaded);
        Assert.Empty(changes.RestartNeeded);
    }

    [Theory]
    [InlineData("vrrp_script chk {\n script /bin/true\n}\n", "track_script {\n chk\n}")]
    [InlineData("track_file maint {\n file /run/maint\n}\n", "track_file {\n maint\n}")]
    public void ConfigChanges_NewInstanceTrackingAScriptOrFile_IsAdded(string block, string tracking)
    {
        var changes = ConfigChanges.Between(
            TestConfigs.Load(block + Base),
            TestConfigs.Load(block + Base + SecondInstance.Replace("priority 100", "priority 100\n" + tracking, StringComparison.Ordinal)));

        Assert.Equal(["VI_2"], changes.Added);
        Assert.Empty(changes.RestartNeeded);
    }

    [Fact]
    public void ConfigChanges_NotifyScriptsAndSmtpAlert_ReloadedInPlace()
    {
        var changes = ConfigChanges.Between(
            TestConfigs.Load(Base.Replace("priority 100", "priority 100\nnotify_master \"/bin/true master\"", StringComparison.Ordinal)),
            TestConfigs.Load(Base.Replace("priority 100", "priority 100\nnotify_master /bin/false\nnotify_stop /bin/true\nsmtp_alert", StringComparison.Ordinal)));

        Assert.Equal("notify scripts, smtp_alert False -> True", changes.Reloaded["VI_1"]);
        Assert.Empty(changes.RestartNeeded);
    }

    [Fact]
    public void ConfigChanges_NotifyScriptOnlyMovedInTheFile_NothingChanges()
    {
        var notify = Base.Replace("priority 100", "priority 100\nnotify /bin/true", StringComparison.Ordinal);

        var changes = ConfigChanges.Between(TestConfigs.Load(notify), TestConfigs.Load("\n\n" + notify));

        Assert.Empty(changes.Reloaded);
        Assert.Empty(changes.RestartNeeded);
    }

    [Fact]
    public void SetDrained_AddressInEveryService_ZeroWeightWhileAliveAndUndoRestores()
    {
        var config = TestConfigs.Load(Base);
        var health = new LiveServiceHealth(HealthSettingsMapper.Map(config));
        var web = config.VirtualServers[0];
        health.Apply(new RealServerUp("10.0.0.1:80", Ep("10.0.1.4"), 3));

        var matched = health.SetDrained(null, IPAddress.Parse("10.0.1.4"), null, drained: true);

        Assert.Equal(["10.0.0.1:80 10.0.1.4:80", "10.0.0.1:443 10.0.1.4:443"], matched.Select(m => $"{m.VirtualService} {m.RealServer}").Order().Reverse());
        Assert.Equal(new RealServerHealth(true, 0), health.Of(web, web.RealServers[0]));
        // A health change keeps the drain: the server comes back at weight 0, not at its weight.
        health.Apply(new RealServerDown("10.0.0.1:80", Ep("10.0.1.4"), false));
        health.Apply(new RealServerUp("10.0.0.1:80", Ep("10.0.1.4"), 3));
        Assert.Equal(0, health.Of(web, web.RealServers[0]).Weight);

        health.SetDrained("10.0.0.1:80", IPAddress.Parse("10.0.1.4"), 80, drained: false);

        Assert.Equal(new RealServerHealth(true, 3), health.Of(web, web.RealServers[0]));
        Assert.Equal([("10.0.0.1:443", Ep("10.0.1.4", 443))], health.Drained);
    }

    [Fact]
    public void SetDrained_ReloadKeepsTheDrainOfARealServerStillConfigured()
    {
        var config = TestConfigs.Load(Base);
        var health = new LiveServiceHealth(HealthSettingsMapper.Map(config));
        health.SetDrained(null, IPAddress.Parse("10.0.1.5"), 80, drained: true);
        var reloaded = TestConfigs.Load(Base.Replace("weight 3", "weight 4", StringComparison.Ordinal));
        var next = new LiveServiceHealth(HealthSettingsMapper.Map(reloaded));

        next.CarryOver(health, []);

        Assert.Equal([("10.0.0.1:80", Ep("10.0.1.5"))], next.Drained);
    }

    [Fact]
    public void Summaries_JoinHealthWithKernelCountersOfTheService()
    {
        var config = TestConfigs.Load(Base);
        var web = config.VirtualServers[0];
        var health = new LvsStatus([
            new VirtualServiceReport("10.0.0.1:80", true, [
                new RealServerReport(Ep("10.0.1.4"), true, 3, true, 0, null, []),
                new RealServerReport(Ep("10.0.1.5"), false, 1, false, 1, null, []),
            ]) { VirtualServer = web },
        ]);
        var key = VirtualServiceSummaries.Services(web).Single();
        var destination = new IpvsDestination(key, IPAddress.Parse("10.0.1.4"), 80, IpvsForwarding.DirectRoute, 3);
        var stats = IpvsStats.Zero with { ConnectionsPerSecond = 7, InBytesPerSecond = 900 };
        var kernel = new Dictionary<IpvsServiceKey, IReadOnlyList<IpvsDestinationEntry>>
        {
            [key] = [new IpvsDestinationEntry(destination, 12, 4, 0, stats)],
        };

        var summary = Assert.Single(VirtualServiceSummaries.Build(health, kernel, [new DrainedRealServer("10.0.0.1:80", Ep("10.0.1.5"))]));

        Assert.True(summary.InKernel);
        Assert.Equal(["-t 10.0.0.1:80"], summary.Services);
        Assert.Equal(("wlc", "DR"), (summary.Scheduler, summary.Method));
        Assert.Equal(new RealServerSummary("10.0.1.4:80", "up", 3, 3, 12, 4, 7, 900, null, null, 0, 0), summary.RealServers[0]);
        Assert.Equal("down, drained", summary.RealServers[1].Health);
        Assert.Null(summary.RealServers[1].KernelWeight);
    }
}
