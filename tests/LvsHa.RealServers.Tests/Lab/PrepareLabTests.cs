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

    [Fact]
    public async Task RunAsync_DryRun_ChangesNothingAndReportsWouldChange()
    {
        using var lab = new SshLab();
        RealServerNs rs = lab.AddRealServer();
        LabTargets.TrustAll(lab);
        string loBefore = SshLab.Addresses(rs, "lo");

        PrepareReport report = await LabTargets.Run([LabTargets.Dr(rs)], LabTargets.Settings(lab), LabTargets.Options(dryRun: true));

        output.WriteLine(LabTargets.Show(report));
        Assert.False(report.AnyFailed, LabTargets.Show(report));
        Assert.All(report.Hosts[0].Items, i => Assert.Equal(ItemStatus.WouldChange, i.Status));
        Assert.Equal(loBefore, SshLab.Addresses(rs, "lo"));
        Assert.Equal("0", SshLab.Sysctl(rs, "net.ipv4.conf.all.arp_ignore"));
        Assert.Equal("0", SshLab.Sysctl(rs, $"net.ipv4.conf.{rs.Veth}.arp_announce"));
        Assert.NotEqual(0, SshLab.InServer(rs, "test", "-e", "/etc/sysctl.d/90-lvsha.conf").Exit);
        Assert.NotEqual(0, SshLab.InServer(rs, "test", "-e", "/etc/systemd/system/lvsha-vips.service").Exit);
    }

    [Fact]
    public async Task RunAsync_WrongHostKey_RefusesWithFingerprintAndLeavesHostUntouched()
    {
        using var lab = new SshLab();
        RealServerNs rs = lab.AddRealServer();
        string other = Path.Combine(lab.Dir, "impostor_ed25519");
        Shell.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", other);
        File.WriteAllText(lab.KnownHostsPath, SshLab.KnownHostsLine(rs, other) + "\n");

        PrepareReport report = await LabTargets.Run([LabTargets.Dr(rs)], LabTargets.Settings(lab), LabTargets.Options());

        output.WriteLine(LabTargets.Show(report));
        HostReport host = Assert.Single(report.Hosts);
        Assert.True(host.Failed);
        Assert.Equal(1, report.ExitCode);
        Assert.Contains("HOST KEY MISMATCH", host.Error, StringComparison.Ordinal);
        Assert.Contains(rs.Address.ToString(), host.Error, StringComparison.Ordinal);
        Assert.Contains(SshLab.Fingerprint(rs.HostKeyEd25519), host.Error, StringComparison.Ordinal);
        Assert.Equal(1, host.ConnectAttempts);
        Assert.Empty(host.Items);
        Assert.Equal("0", SshLab.Sysctl(rs, "net.ipv4.conf.all.arp_ignore"));
        Assert.DoesNotContain("192.168.77.10", SshLab.Addresses(rs, "lo"), StringComparison.Ordinal);
        Assert.NotEqual(0, SshLab.InServer(rs, "test", "-e", "/etc/sysctl.d/90-lvsha.conf").Exit);
    }

    [Fact]
    public async Task RunAsync_UnknownHost_RefusesWithFingerprintAndLeavesHostUntouched()
    {
        using var lab = new SshLab();
        RealServerNs rs = lab.AddRealServer();
        RealServerNs known = lab.AddRealServer();
        File.WriteAllText(lab.KnownHostsPath, SshLab.KnownHostsLine(known, known.HostKeyEd25519) + "\n");

        PrepareReport report = await LabTargets.Run([LabTargets.Dr(rs)], LabTargets.Settings(lab), LabTargets.Options());

        output.WriteLine(LabTargets.Show(report));
        HostReport host = Assert.Single(report.Hosts);
        Assert.True(host.Failed);
        Assert.Contains("not in the known_hosts file", host.Error, StringComparison.Ordinal);
        Assert.Contains(rs.Address.ToString(), host.Error, StringComparison.Ordinal);
        Assert.Contains(SshLab.Fingerprint(rs.HostKeyEd25519), host.Error, StringComparison.Ordinal);
        Assert.Equal("0", SshLab.Sysctl(rs, "net.ipv4.conf.all.arp_announce"));
        Assert.DoesNotContain("192.168.77.10", SshLab.Addresses(rs, "lo"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HashedKnownHostsEcdsaOnNonDefaultPort_ConnectsAndPlans()
    {
        using var lab = new SshLab();
        RealServerNs rs = lab.AddRealServer(port: 2222);
        File.WriteAllText(lab.KnownHostsPath, SshLab.KnownHostsLine(rs, rs.HostKeyEcdsa) + "\n");
        Shell.Check("ssh-keygen", "-H", "-f", lab.KnownHostsPath);
        string hashed = File.ReadAllText(lab.KnownHostsPath);
        Assert.StartsWith("|1|", hashed, StringComparison.Ordinal);
        Assert.DoesNotContain(rs.Address.ToString(), hashed, StringComparison.Ordinal);

        PrepareReport report = await LabTargets.Run([LabTargets.Dr(rs)], LabTargets.Settings(lab, port: 2222), LabTargets.Options(dryRun: true));

        output.WriteLine(LabTargets.Show(report));
        Assert.False(report.AnyFailed, LabTargets.Show(report));
        Assert.Contains(report.Hosts[0].Items, i => i.Status == ItemStatus.WouldChange);
    }

    [Fact]
    public async Task RunAsync_UnreachableHost_FailsWithinBoundWhileOthersSucceed()
    {
        using var lab = new SshLab();
        RealServerNs rs = lab.AddRealServer();
        LabTargets.TrustAll(lab);
        var nobody = System.Net.IPAddress.Parse($"{rs.Subnet}.9");
        var options = LabTargets.Options() with { Retries = 1, ConnectTimeout = TimeSpan.FromSeconds(2), PerHostTimeout = TimeSpan.FromSeconds(10) };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        PrepareReport report = await LabTargets.Run([LabTargets.Dr(rs) with { }, LabTargets.Dr(rs) with { Host = nobody.ToString(), RealServerAddress = nobody }], LabTargets.Settings(lab), options);
        clock.Stop();

        output.WriteLine(LabTargets.Show(report));
        output.WriteLine($"elapsed {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        HostReport good = report.Hosts.Single(h => h.Host == rs.Address.ToString());
        HostReport bad = report.Hosts.Single(h => h.Host == nobody.ToString());
        Assert.False(good.Failed, LabTargets.Show(report));
        Assert.True(bad.Failed);
        Assert.Equal(2, bad.ConnectAttempts);
        Assert.NotNull(bad.Error);
        Assert.True(report.AnyFailed);
        Assert.Equal(1, report.ExitCode);
        Assert.Equal("1", SshLab.Sysctl(rs, "net.ipv4.conf.all.arp_ignore"));
    }

    [Fact]
    public async Task RunAsync_NonRootUserWithPasswordlessSudo_PreparesThroughSudo()
    {
        (SshLab lab, RealServerNs rs, PrepareReport report) = await PrepareAsUserAsync(SshLab.SudoUser);
        using SshLab cleanup = lab;
        Assert.False(report.AnyFailed, LabTargets.Show(report));
        Assert.Equal("1", SshLab.Sysctl(rs, "net.ipv4.conf.lo.arp_ignore"));
        Assert.Contains("inet 192.168.77.10/32", SshLab.Addresses(rs, "lo"), StringComparison.Ordinal);
        Assert.Contains("net.ipv4.conf.all.arp_announce = 2", SshLab.InServer(rs, "cat", "/etc/sysctl.d/90-lvsha.conf").Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NonRootUserWhoseSudoNeedsPassword_FailsClearlyAndChangesNothing()
    {
        (SshLab lab, RealServerNs rs, PrepareReport report) = await PrepareAsUserAsync(SshLab.PasswordSudoUser);
        using SshLab cleanup = lab;
        HostReport host = Assert.Single(report.Hosts);
        Assert.True(host.Failed);
        Assert.Contains("sudo", host.Error, StringComparison.Ordinal);
        Assert.Contains("password", host.Error, StringComparison.Ordinal);
        Assert.Equal("0", SshLab.Sysctl(rs, "net.ipv4.conf.lo.arp_ignore"));
    }

    [Fact]
    public async Task RunAsync_NatRealServers_ReportsRouteThroughDirectorOrClearFailure()
    {
        using var lab = new SshLab();
        RealServerNs viaDirector = lab.AddRealServer();
        RealServerNs noRoute = lab.AddRealServer();
        LabTargets.TrustAll(lab);

        // The gateway is an address nobody holds: the route is right for the check, and no packet can leave the lab.
        var director = System.Net.IPAddress.Parse($"{viaDirector.Subnet}.3");
        Shell.Check("ip", "-n", viaDirector.Namespace, "route", "add", "default", "via", director.ToString());
        var nat = new Model.PrepTarget(viaDirector.Address.ToString(), viaDirector.Address, Model.ForwardingMethodKind.Nat, [], director);
        var natNoRoute = nat with { Host = noRoute.Address.ToString(), RealServerAddress = noRoute.Address, DirectorAddress = noRoute.HostSide };

        PrepareReport report = await LabTargets.Run([nat, natNoRoute], LabTargets.Settings(lab), LabTargets.Options());

        output.WriteLine(LabTargets.Show(report));
        HostReport ok = report.Hosts.Single(h => h.Host == viaDirector.Address.ToString());
        HostReport bad = report.Hosts.Single(h => h.Host == noRoute.Address.ToString());
        Assert.False(ok.Failed, LabTargets.Show(report));
        Assert.Equal(ItemStatus.AlreadyRight, Assert.Single(ok.Items).Status);
        ItemReport check = Assert.Single(bad.Items);
        Assert.Equal(ItemStatus.Failed, check.Status);
        Assert.Contains("would not return through the director", check.Detail, StringComparison.Ordinal);
        Assert.Equal("no default route", check.Observed);
        Assert.NotEqual(0, SshLab.InServer(noRoute, "test", "-e", "/etc/sysctl.d/90-lvsha.conf").Exit);
    }

    [Fact]
    public async Task RunAsync_TunnelIpip_BringsTunnelUpOrReportsTheKernelLacksIt()
    {
        using var lab = new SshLab();
        RealServerNs rs = lab.AddRealServer();
        LabTargets.TrustAll(lab);
        bool kernelHasIpip = Shell.Run("ip", "-n", rs.Namespace, "link", "show", "tunl0").Exit == 0;
        var target = LabTargets.Dr(rs, LabTargets.Vip4) with { Method = Model.ForwardingMethodKind.Tunnel };

        PrepareReport report = await LabTargets.Run([target], LabTargets.Settings(lab), LabTargets.Options());

        output.WriteLine(LabTargets.Show(report));
        HostReport host = Assert.Single(report.Hosts);
        ItemReport tunnel = host.Items.Single(i => i.Name == "link tunl0 up");
        if (kernelHasIpip)
        {
            Assert.False(host.Failed, LabTargets.Show(report));
            Assert.Contains("inet 192.168.77.10/32", SshLab.Addresses(rs, "tunl0"), StringComparison.Ordinal);
            Assert.Equal("0", SshLab.Sysctl(rs, "net.ipv4.conf.tunl0.rp_filter"));
        }
        else
        {
            // This machine's kernel has no ipip (and no module loading): the tunnel item must fail loudly, the rest still applied.
            Assert.True(host.Failed);
            Assert.Equal(ItemStatus.Failed, tunnel.Status);
            Assert.Contains("modprobe ipip", tunnel.Detail, StringComparison.Ordinal);
            Assert.Equal("1", SshLab.Sysctl(rs, "net.ipv4.conf.all.arp_ignore"));
            Assert.Equal(ItemStatus.AlreadyRight, host.Items.Single(i => i.Name == "net.ipv4.conf.all.rp_filter").Status);
        }

        Assert.Contains("ExecStart=-/usr/sbin/ip link set dev tunl0 up", SshLab.InServer(rs, "cat", "/etc/systemd/system/lvsha-vips.service").Out, StringComparison.Ordinal);
    }

    private async Task<(SshLab Lab, RealServerNs Rs, PrepareReport Report)> PrepareAsUserAsync(string user)
    {
        Assert.True(File.Exists("/usr/bin/sudo"), "this test needs sudo installed (apt-get install sudo; see tests/lab/install-deps.sh)");
        var lab = new SshLab();
        try
        {
            RealServerNs rs = lab.AddRealServer();
            LabTargets.TrustAll(lab);
            PrepareReport report = await LabTargets.Run([LabTargets.Dr(rs)], LabTargets.Settings(lab, user: user), LabTargets.Options());
            output.WriteLine(LabTargets.Show(report));
            return (lab, rs, report);
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }
}
