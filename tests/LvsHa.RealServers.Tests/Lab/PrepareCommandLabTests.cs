using LvsHa.Cli;

namespace LvsHa.RealServers.Tests.Lab;

/// <summary>`lvsha prepare` end to end: a keepalived-style config names the real servers; real sshd prepares them.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PrepareCommandLabTests
{
    [Fact]
    public void Prepare_ConfigWithDrService_PreparesDryRunChangesNothingUndoRemoves()
    {
        using var lab = new SshLab();
        RealServerNs rs = lab.AddRealServer();
        LabTargets.TrustAll(lab);
        var config = Path.Combine(lab.Dir, "lvsha.conf");
        File.WriteAllText(config, $$"""
            real_server_prep {
                user root
                identity_file {{lab.ClientKey}}
                known_hosts_file {{lab.KnownHostsPath}}
            }
            virtual_server 192.168.77.10 80 {
                protocol TCP
                lb_algo wlc
                lb_kind DR
                real_server {{rs.Address}} 80 {
                    ssh_host {{rs.Address}}
                }
            }
            """);

        var (dryCode, dryOut, dryErr) = Run("prepare", "-f", config, "--dry-run");
        Assert.True(dryCode == 0, dryOut + dryErr);
        Assert.Equal("0", SshLab.Sysctl(rs, "net.ipv4.conf.all.arp_ignore"));
        Assert.DoesNotContain("192.168.77.10", SshLab.Addresses(rs, "lo"), StringComparison.Ordinal);

        var (code, output, error) = Run("prepare", "-f", config);
        Assert.True(code == 0, output + error);
        Assert.Equal("1", SshLab.Sysctl(rs, "net.ipv4.conf.all.arp_ignore"));
        Assert.Equal("2", SshLab.Sysctl(rs, "net.ipv4.conf.lo.arp_announce"));
        Assert.Contains("inet 192.168.77.10/32", SshLab.Addresses(rs, "lo"), StringComparison.Ordinal);
        // persist is on by default: the sysctl file exists in the real server's own /etc.
        Assert.Equal(0, SshLab.InServer(rs, "test", "-e", "/etc/sysctl.d/90-lvsha.conf").Exit);

        var (undoCode, undoOut, undoErr) = Run("prepare", "-f", config, "--undo");
        Assert.True(undoCode == 0, undoOut + undoErr);
        Assert.DoesNotContain("192.168.77.10", SshLab.Addresses(rs, "lo"), StringComparison.Ordinal);
        Assert.Equal("0", SshLab.Sysctl(rs, "net.ipv4.conf.all.arp_ignore"));
    }

    [Fact]
    public void Prepare_MissingKnownHostsFileSetting_FailsNamingTheBlock()
    {
        var dir = Directory.CreateTempSubdirectory("lvsha-prep-cli-");
        try
        {
            var config = Path.Combine(dir.FullName, "lvsha.conf");
            File.WriteAllText(config, "real_server_prep {\n    identity_file /nonexistent/key\n}\n" +
                "virtual_server 192.168.77.10 80 {\n protocol TCP\n lb_kind DR\n real_server 10.99.0.1 80 {\n }\n}\n");

            var (code, _, error) = Run("prepare", "-f", config);

            Assert.Equal(1, code);
            Assert.Contains("known_hosts_file", error, StringComparison.Ordinal);
            Assert.Contains("lvsha.conf:1:", error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = LvsHaCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
