using static LvsHa.Config.Tests.TestSupport;

namespace LvsHa.Config.Tests.Building;

public class LvsHaBlockTests
{
    [Fact]
    public void Load_ClusterBlock_ReadsEveryKeyword()
    {
        var c = LoadValid("""
            cluster {
                node_name d1
                listen 10.0.0.1 4053
                seed 10.0.0.1 4053            # repeatable
                seed 10.0.0.2 4053
                split_brain_guard majority    # majority | off
                secret_file /etc/lvsha/cluster.secret
                heartbeat_pause 2.5
                connect_timeout 30
            }
            """).Cluster!;
        Assert.Equal("d1", c.NodeName);
        Assert.Equal(("10.0.0.1", 4053), (c.Listen.Host, c.Listen.Port));
        Assert.Equal(["10.0.0.1:4053", "10.0.0.2:4053"], c.Seeds.Select(s => s.ToString()));
        Assert.Equal(SplitBrainGuard.Majority, c.SplitBrainGuard);
        Assert.Equal("/etc/lvsha/cluster.secret", c.SecretFile);
        Assert.Equal(TimeSpan.FromSeconds(2.5), c.HeartbeatPause);
        Assert.Equal(TimeSpan.FromSeconds(30), c.ConnectTimeout);
        Assert.Equal(new SourceLocation("test.conf", 1, 1), c.Location);
    }

    [Fact]
    public void Load_SplitBrainGuardOff_IsRead()
    {
        Assert.Equal(SplitBrainGuard.Off, LoadValid("cluster {\n node_name a\n listen ::1 4053\n split_brain_guard off\n secret_file s\n}").Cluster!.SplitBrainGuard);
    }

    [Theory]
    [InlineData("cluster {\n secret_file s\n listen 10.0.0.1 4053\n}", "needs 'node_name'")]
    [InlineData("cluster {\n secret_file s\n node_name d1\n}", "needs 'listen ADDRESS PORT'")]
    [InlineData("cluster {\n secret_file s\n node_name d1\n listen 10.0.0.1 99999\n}", "listen port 99999 is out of range")]
    [InlineData("cluster {\n secret_file s\n node_name d1\n listen 10.0.0.1 1\n seed 10.0.0.2\n}", "'seed' needs a port")]
    [InlineData("cluster {\n secret_file s\n node_name d1\n listen 10.0.0.1 1\n split_brain_guard maybe\n}", "invalid split_brain_guard 'maybe'")]
    [InlineData("cluster {\n secret_file s\n node_name d1\n listen 10.0.0.1 1\n heartbeat_pause 0.1\n}", "heartbeat_pause 0.1 is out of range 0.2..60 seconds")]
    [InlineData("cluster {\n secret_file s\n node_name d1\n listen 10.0.0.1 1\n connect_timeout soon\n}", "invalid connect_timeout 'soon'")]
    [InlineData("cluster {\n node_name d1\n listen 10.0.0.1 1\n}", "cluster block needs 'secret_file PATH'")]
    [InlineData("cluster {\n node_name d1\n listen 10.0.0.1 1\n secret_file\n}", "'secret_file' needs a file path")]
    [InlineData("real_server_prep {\n persist sometimes\n}", "invalid value 'sometimes' for 'persist'")]
    [InlineData("real_server_prep {\n port 0\n}", "SSH port 0 is out of range")]
    [InlineData("real_server_prep {\n user\n}", "'user' needs a user name")]
    public void Load_BadLvsHaBlocks_HavePreciseErrors(string text, string message)
    {
        SingleError(Load(text), message);
    }

    [Fact]
    public void Load_RealServerPrep_ReadsEveryKeyword()
    {
        var p = LoadValid("""
            real_server_prep {
                user admin
                port 2222
                identity_file /etc/lvsha/id_ed25519
                known_hosts_file /etc/lvsha/known_hosts
                persist on
                auto_prepare on
            }
            """).RealServerPrep;
        Assert.Equal(("admin", 2222, "/etc/lvsha/id_ed25519", "/etc/lvsha/known_hosts", true, true),
            (p.User, p.Port, p.IdentityFile, p.KnownHostsFile, p.Persist, p.AutoPrepare));
    }

    [Fact]
    public void Load_NoRealServerPrep_GivesDefaults()
    {
        var p = LoadValid("").RealServerPrep;
        Assert.Equal(("root", 22, true, false), (p.User, p.Port, p.Persist, p.AutoPrepare));
        Assert.Null(LoadValid("").Cluster);
    }

    [Fact]
    public void Load_GlobalDefs_ReadsLvsHaAndKeepalivedKeys()
    {
        var r = Load("global_defs {\n router_id r1\n metrics_listen 127.0.0.1 9105\n script_user root\n enable_script_security\n notification_email {\n a@b\n }\n}\n");
        Assert.True(r.Success);
        var g = r.Config!.Global;
        Assert.Equal(("r1", "127.0.0.1", 9105, "root", true), (g.RouterId, g.MetricsListen!.Host, g.MetricsListen.Port, g.ScriptUser, g.EnableScriptSecurity));
        Assert.Equal(["a@b"], g.Mail.Recipients);
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void Load_LvsTimeouts_ReadAsKeepalivedReadsThem()
    {
        var t = LoadValid("global_defs {\n lvs_timeouts tcp 7200 tcpfin 0\n lvs_timeouts udp 300\n}\n").Global.LvsTimeouts!;
        // tcpfin 0 is "leave it"; a second line adds to the first.
        Assert.Equal((7200, (int?)null, 300), (t.Tcp!.Value, t.TcpFin, t.Udp!.Value));
    }

    [Theory]
    [InlineData("lvs_timeouts", "needs at least one of tcp N, tcpfin N, udp N")]
    [InlineData("lvs_timeouts tcp 60 udp", "lvs_timeouts udp needs a number of seconds")]
    [InlineData("lvs_timeouts tcp 60 fin 10", "unknown lvs_timeouts option 'fin'")]
    [InlineData("lvs_timeouts udp 2678401", "out of range")]
    public void Load_BadLvsTimeouts_AreErrors(string line, string message) =>
        SingleError(Load($"global_defs {{\n {line}\n}}\n"), message);

    [Fact]
    public void Load_UnimplementedTopLevelBlock_IsErrorNotCrash()
    {
        var r = Load("static_ipaddress {\n 10.0.0.1/24 dev eth0\n}\nvrrp_track_process p {\n process x\n}\n");
        Assert.False(r.Success);
        Assert.Equal(2, r.Errors.Count());
        Assert.Equal(new SourceLocation("test.conf", 4, 1), SingleError(r, "'vrrp_track_process' at the top level is known to keepalived").Location);
    }
}
