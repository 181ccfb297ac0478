using System.Net;
using static LvsHa.Config.Tests.TestSupport;

namespace LvsHa.Config.Tests.Building;

/// <summary>Values where keepalived 2.2.7 and LvsHa used to differ: accepted, refused, or ignored alike.</summary>
public class StrictValuesTests
{
    private const string Instance = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n  10.1.1.1\n }\n}\n";

    [Fact]
    public void Load_LvsSyncDaemonWithoutInstance_IsAcceptedWithoutInstance()
    {
        var c = LoadValid("global_defs {\n lvs_sync_daemon eth1\n}\n");
        var d = c.Global.LvsSyncDaemon!;
        Assert.Equal(("eth1", null, 0), (d.Interface, d.VrrpInstance, d.SyncId));
    }

    [Fact]
    public void Load_LvsSyncDaemonWithoutId_TakesTheInstancesVirtualRouterId()
    {
        var c = LoadValid("global_defs {\n lvs_sync_daemon eth1 VI_1\n}\n" + Instance);
        Assert.Equal(("VI_1", 51), (c.Global.LvsSyncDaemon!.VrrpInstance, c.Global.LvsSyncDaemon.SyncId));
    }

    [Fact]
    public void Load_LvsSyncDaemonInstOption_NamesTheInstance()
    {
        var c = LoadValid("global_defs {\n lvs_sync_daemon eth1 id 3 inst VI_1 group 224.0.0.81\n}\n" + Instance);
        var d = c.Global.LvsSyncDaemon!;
        Assert.Equal(("VI_1", 3, IPAddress.Parse("224.0.0.81")), (d.VrrpInstance, d.SyncId, d.Group));
    }

    [Fact]
    public void Load_LvsSyncDaemonUnicastGroup_IsError()
    {
        var r = Load("global_defs {\n lvs_sync_daemon eth1 group 10.0.0.1\n}\n");
        Assert.Equal(new SourceLocation("test.conf", 2, 29), SingleError(r, "is not a multicast address").Location);
    }

    [Fact]
    public void Load_RealServerPortZeroUnderPortZeroService_IsAllPorts()
    {
        var c = LoadValid(Vs("10.0.0.1 0", "protocol TCP\npersistence_timeout 60\nreal_server 10.0.1.1 0 {\n}"));
        Assert.Equal(0, Assert.Single(c.VirtualServers[0].RealServers).Port);
    }

    [Theory]
    [InlineData("lb_kind dr", 2, 9)]
    [InlineData("lvs_method nat", 2, 12)]
    [InlineData("lb_kind Tun", 2, 9)]
    public void Load_LowerCaseForwardingMethod_IsErrorNeverAGuess(string line, int lineNo, int col)
    {
        var r = Load(Vs("10.0.0.1 80", $"{line}\nprotocol TCP\nreal_server 10.0.1.1 80 {{\n}}"));
        Assert.False(r.Success);
        var e = SingleError(r, "write it in capitals");
        Assert.Equal(new SourceLocation("test.conf", lineNo, col), e.Location);
    }

    [Theory]
    [InlineData("auth_type PASS auth_pass secret12")]
    [InlineData("auth_type PASS ; auth_pass secret12")]
    [InlineData("auth_type PASS")]
    public void Load_AuthTypeWithoutAuthPass_IsErrorNotAnEmptyPassword(string line)
    {
        var r = Load(Instance.Replace(" interface eth0\n", $" interface eth0\n authentication {{ {line} }}\n", StringComparison.Ordinal));
        Assert.Equal(new SourceLocation("test.conf", 3, 2), SingleError(r, "authentication without auth_pass").Location);
    }

    [Fact]
    public void Load_AuthTypeAndAuthPassOnTheirOwnLines_IsAccepted()
    {
        var c = LoadValid(Instance.Replace(" interface eth0\n", " interface eth0\n authentication {\n  auth_type PASS\n  auth_pass secret12\n }\n", StringComparison.Ordinal));
        Assert.Equal("secret12", c.VrrpInstances[0].Authentication!.Password);
    }

    [Theory]
    [InlineData("vrrp_garp_interval")]
    [InlineData("vrrp_gna_interval")]
    public void Load_GarpIntervalZero_WarnsAndMeansNoDelay_AboveOneSecondAccepted(string keyword)
    {
        var r = Load($"global_defs {{\n {keyword} 0\n}}\n" + Instance);
        Assert.True(r.Success);
        Assert.Equal(new SourceLocation("test.conf", 2, keyword.Length + 3), SingleWarning(r, $"{keyword} 0: no delay").Location);
        Assert.Equal(TimeSpan.Zero, r.Config!.VrrpInstances[0].GarpInterval + r.Config.VrrpInstances[0].GnaInterval);

        var slow = LoadValid($"global_defs {{\n {keyword} 2.5\n}}\n" + Instance).VrrpInstances[0];
        Assert.Equal(TimeSpan.FromSeconds(2.5), slow.GarpInterval + slow.GnaInterval);
        Assert.False(Load($"global_defs {{\n {keyword} 4295\n}}\n" + Instance).Success);
    }

    [Fact]
    public void Load_PersistenceTimeoutZero_WarnsAndMeansNoPersistence_AboveThirtyOneDaysRefused()
    {
        var r = Load(Vs("10.0.0.1 80", "protocol TCP\npersistence_timeout 0\nreal_server 10.0.1.1 80 {\n}"));
        Assert.True(r.Success);
        SingleWarning(r, "persistence_timeout 0: no persistence");
        Assert.Null(r.Config!.VirtualServers[0].PersistenceTimeout);
        Assert.False(Load(Vs("10.0.0.1 80", "protocol TCP\npersistence_timeout 2678401\nreal_server 10.0.1.1 80 {\n}")).Success);
    }

    [Fact]
    public void Load_SyncGroupOfOneInstance_WarnsAsKeepalivedReportsIt()
    {
        var r = Load("vrrp_sync_group G {\n group {\n  VI_1\n }\n}\n" + Instance);
        Assert.True(r.Success);
        Assert.Equal(new SourceLocation("test.conf", 2, 2), SingleWarning(r, "vrrp_sync_group G has one member").Location);
    }

    [Fact]
    public void Load_EmptyNotificationEmail_WarnsNoRecipients()
    {
        var r = Load("global_defs {\n notification_email {\n }\n}\n" + Instance);
        Assert.True(r.Success);
        SingleWarning(r, "empty notification_email block");
        Assert.Empty(r.Config!.Global.Mail.Recipients);
    }
}

/// <summary>Repeated keywords: keepalived keeps the first of a few (and reports an error), the last of the rest.</summary>
public class RepeatedKeywordTests
{
    [Fact]
    public void Load_RepeatedSchedulerAndWeight_LastWins()
    {
        var c = LoadValid(Vs("10.0.0.1 80", "lb_algo wrr\nlb_algo rr\nprotocol TCP\nreal_server 10.0.1.1 80 {\n weight 2\n weight 1\n}"));
        Assert.Equal(Scheduler.Rr, c.VirtualServers[0].Scheduler);
        Assert.Equal(1, c.VirtualServers[0].RealServers[0].Weight);
    }

    [Theory]
    [InlineData("notify_up /bin/a\n notify_up /bin/b", "'notify_up' already given at 5:12;", 6)]
    [InlineData("notify_down /bin/a\n notify_down /bin/b", "'notify_down' already given at 5:14;", 6)]
    [InlineData("DNS_CHECK {\n name a.example\n name b.example\n }", "'name' already given at 6:2;", 7)]
    public void Load_RepeatedFirstWinsKeyword_IsErrorAtTheRepeat(string rsBody, string message, int line)
    {
        var r = Load(Vs("10.0.0.1 80", $"lb_algo rr\nprotocol TCP\nreal_server 10.0.1.1 80 {{\n {rsBody}\n}}"));
        Assert.False(r.Success);
        Assert.Equal(line, SingleError(r, message).Location.Line);
    }

    [Fact]
    public void Load_RepeatedQuorumUp_IsError()
    {
        var r = Load(Vs("10.0.0.1 80", "quorum_up /bin/a\nquorum_up /bin/b\nprotocol TCP\nreal_server 10.0.1.1 80 {\n}"));
        Assert.Equal(new SourceLocation("test.conf", 3, 1), SingleError(r, "'quorum_up' already given at 2:11;").Location);
    }

    private const string Instance = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n";

    [Theory]
    [InlineData("notify_master /bin/a\n notify_master /bin/b", "'notify_master' already given at 5:")]
    [InlineData("notify /bin/a\n notify /bin/b", "'notify' already given at 5:")]
    [InlineData("notify_stop /bin/a\n notify_stop /bin/b", "'notify_stop' already given at 5:")]
    [InlineData("state MASTER\n state BACKUP", "'state BACKUP' after 'state MASTER'")]
    public void Load_RepeatedFirstWinsInstanceKeyword_IsErrorAtTheRepeat(string lines, string message)
    {
        var r = Load($"{Instance} {lines}\n}}\n");
        Assert.Equal(6, SingleError(r, message).Location.Line);
    }

    [Fact]
    public void Load_StateBackupThenMaster_IsMasterWithoutError()
    {
        var c = LoadValid($"{Instance} state BACKUP\n state MASTER\n}}\n");
        Assert.Equal(VrrpState.Master, c.VrrpInstances[0].State);
    }

    [Theory]
    [InlineData(" notify_fault /bin/a\n notify_fault /bin/b\n", "'notify_fault' already given at 5:", 6)]
    [InlineData(" group {\n VI_2\n }\n", "'group' already given at 2:2;", 5)]
    public void Load_RepeatedFirstWinsSyncGroupKeyword_IsErrorAtTheRepeat(string lines, string message, int line)
    {
        var r = Load($"vrrp_sync_group G {{\n group {{\n VI_1\n }}\n{lines}}}\n{Instance}}}\n");
        Assert.Equal(line, SingleError(r, message).Location.Line);
    }

    [Fact]
    public void Load_RepeatedLvsSyncDaemon_KeepsTheFirstWithError()
    {
        var r = Load("global_defs {\n lvs_sync_daemon eth0\n lvs_sync_daemon eth1\n}\n");
        Assert.Equal(new SourceLocation("test.conf", 3, 2), SingleError(r, "'lvs_sync_daemon' already given at 2:2;").Location);
    }
}

/// <summary>Keywords keepalived reads only after another one.</summary>
public class KeywordOrderTests
{
    [Theory]
    [InlineData("sorry_server_inhibit\nsorry_server 10.0.9.9 80", "'sorry_server_inhibit' before or without 'sorry_server'")]
    [InlineData("sorry_server_lvs_method NAT", "'sorry_server_lvs_method' before or without 'sorry_server'")]
    public void Load_SorryServerOptionBeforeSorryServer_IsError(string lines, string message)
    {
        var r = Load(Vs("10.0.0.1 80", $"protocol TCP\n{lines}\nreal_server 10.0.1.1 80 {{\n}}"));
        Assert.Equal(new SourceLocation("test.conf", 3, 1), SingleError(r, message).Location);
    }
}
