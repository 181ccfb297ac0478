using LvsHa.RealServers.Running;
using Xunit.Abstractions;

namespace LvsHa.RealServers.Tests.Lab;

/// <summary>Prepare against real OpenSSH sshd in lab namespaces, checked from outside the namespaces.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PrepareLabTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RunAsync_DirectRoutingTwiceThenUndo_SetsPersistsIsIdempotentAndRemoves()
    {
        using var lab = new SshLab();
        RealServerNs rs = lab.AddRealServer();
        LabTargets.TrustAll(lab);
        var target = LabTargets.Dr(rs);

        PrepareReport first = await LabTargets.Run([target], LabTargets.Settings(lab), LabTargets.Options());
        string text = LabTargets.Show(first);
        output.WriteLine(text);
        Assert.False(first.AnyFailed, text);
        Assert.Equal(0, first.ExitCode);
        foreach (string dev in new[] { "all", "lo", rs.Veth })
        {
            Assert.Equal("1", SshLab.Sysctl(rs, $"net.ipv4.conf.{dev}.arp_ignore"));
            Assert.Equal("2", SshLab.Sysctl(rs, $"net.ipv4.conf.{dev}.arp_announce"));
        }

        string lo = SshLab.Addresses(rs, "lo");
        Assert.Contains("inet 192.168.77.10/32", lo, StringComparison.Ordinal);
        Assert.Contains("inet6 fd00:77::10/128", lo, StringComparison.Ordinal);
        string sysctlFile = SshLab.InServer(rs, "cat", "/etc/sysctl.d/90-lvsha.conf").Out;
        Assert.Contains($"net.ipv4.conf.{rs.Veth}.arp_ignore = 1", sysctlFile, StringComparison.Ordinal);
        Assert.Contains("# previous net.ipv4.conf.all.arp_announce=0", sysctlFile, StringComparison.Ordinal);
        string unit = SshLab.InServer(rs, "cat", "/etc/systemd/system/lvsha-vips.service").Out;
        Assert.Contains("ExecStart=-/usr/sbin/ip addr add 192.168.77.10/32 dev lo", unit, StringComparison.Ordinal);
        Assert.Contains("ExecStart=-/usr/sbin/ip addr add fd00:77::10/128 dev lo nodad", unit, StringComparison.Ordinal);
        Assert.Equal("enabled", SshLab.InServer(rs, "systemctl", "is-enabled", "lvsha-vips.service").Out.Trim());
        Assert.All(first.Hosts[0].Items, i => Assert.Equal(ItemStatus.Changed, i.Status));

        PrepareReport second = await LabTargets.Run([target], LabTargets.Settings(lab), LabTargets.Options());
        output.WriteLine(LabTargets.Show(second));
        Assert.False(second.AnyFailed, LabTargets.Show(second));
        Assert.All(second.Hosts[0].Items, i => Assert.Equal(ItemStatus.AlreadyRight, i.Status));

        PrepareReport undo = await LabTargets.Run([target], LabTargets.Settings(lab), LabTargets.Options(undo: true));
        output.WriteLine(LabTargets.Show(undo));
        Assert.False(undo.AnyFailed, LabTargets.Show(undo));
        Assert.DoesNotContain("192.168.77.10", SshLab.Addresses(rs, "lo"), StringComparison.Ordinal);
        Assert.DoesNotContain("fd00:77::10", SshLab.Addresses(rs, "lo"), StringComparison.Ordinal);
        foreach (string dev in new[] { "all", "lo", rs.Veth })
        {
            Assert.Equal("0", SshLab.Sysctl(rs, $"net.ipv4.conf.{dev}.arp_ignore"));
            Assert.Equal("0", SshLab.Sysctl(rs, $"net.ipv4.conf.{dev}.arp_announce"));
        }

        Assert.NotEqual(0, SshLab.InServer(rs, "test", "-e", "/etc/sysctl.d/90-lvsha.conf").Exit);
        Assert.NotEqual(0, SshLab.InServer(rs, "test", "-e", "/etc/systemd/system/lvsha-vips.service").Exit);
        Assert.NotEqual("enabled", SshLab.InServer(rs, "systemctl", "is-enabled", "lvsha-vips.service").Out.Trim());

        PrepareReport undoAgain = await LabTargets.Run([target], LabTargets.Settings(lab), LabTargets.Options(undo: true));
        Assert.False(undoAgain.AnyFailed, LabTargets.Show(undoAgain));
        Assert.All(undoAgain.Hosts[0].Items, i => Assert.Equal(ItemStatus.AlreadyRight, i.Status));
    }
}
