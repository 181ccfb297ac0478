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
        // The reachable host gets 30 s: under a full parallel test run its SSH session plus a dozen commands has taken
        // more than 10 s. The unreachable one fails after two 2 s connection attempts whatever the bound.
        var options = LabTargets.Options() with { Retries = 1, ConnectTimeout = TimeSpan.FromSeconds(2), PerHostTimeout = TimeSpan.FromSeconds(30) };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        PrepareReport report = await LabTargets.Run([LabTargets.Dr(rs) with { }, LabTargets.Dr(rs) with { Host = nobody.ToString(), RealServerAddress = nobody }], LabTargets.Settings(lab), options);
        clock.Stop();

        output.WriteLine(LabTargets.Show(report));
        output.WriteLine($"elapsed {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"took {clock.Elapsed}");
        HostReport good = report.Hosts.Single(h => h.Host == rs.Address.ToString());
        HostReport bad = report.Hosts.Single(h => h.Host == nobody.ToString());
        Assert.True(bad.Elapsed < TimeSpan.FromSeconds(15), $"the unreachable host took {bad.Elapsed}");
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
        bool kernelHasIpip = KernelHasModule("ipip") || Shell.Run("ip", "-n", rs.Namespace, "link", "show", "tunl0").Exit == 0;
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

    [Fact]
    public async Task RunAsync_PersistedFilesAfterSimulatedReboot_RestoreSysctlsAndVips()
    {
        using var lab = new SshLab();
        RealServerNs rs = lab.AddRealServer();
        LabTargets.TrustAll(lab);
        PrepareReport report = await LabTargets.Run([LabTargets.Dr(rs)], LabTargets.Settings(lab), LabTargets.Options());
        Assert.False(report.AnyFailed, LabTargets.Show(report));

        // "Reboot": the runtime state goes back to kernel defaults; only the files survive.
        foreach (string key in new[] { "all.arp_ignore", "all.arp_announce", "lo.arp_ignore", "lo.arp_announce", $"{rs.Veth}.arp_ignore", $"{rs.Veth}.arp_announce" })
        {
            Shell.Check("ip", "netns", "exec", rs.Namespace, "sysctl", "-q", "-w", $"net.ipv4.conf.{key}=0");
        }

        Shell.Check("ip", "-n", rs.Namespace, "addr", "del", "192.168.77.10/32", "dev", "lo");
        Shell.Check("ip", "-n", rs.Namespace, "addr", "del", "fd00:77::10/128", "dev", "lo");

        // What boot does: systemd-sysctl loads the file, the enabled unit runs its ExecStart lines.
        (int exit, _, string error) = SshLab.InServer(rs, "sysctl", "-q", "-p", "/etc/sysctl.d/90-lvsha.conf");
        Assert.True(exit == 0, error);
        string unit = SshLab.InServer(rs, "cat", "/etc/systemd/system/lvsha-vips.service").Out;
        foreach (string line in unit.Split('\n').Where(l => l.StartsWith("ExecStart=-", StringComparison.Ordinal)))
        {
            (exit, _, error) = SshLab.InServer(rs, line["ExecStart=-".Length..].Split(' '));
            Assert.True(exit == 0, line + ": " + error);
        }

        Assert.Equal("1", SshLab.Sysctl(rs, $"net.ipv4.conf.{rs.Veth}.arp_ignore"));
        Assert.Equal("2", SshLab.Sysctl(rs, "net.ipv4.conf.all.arp_announce"));
        Assert.Contains("inet 192.168.77.10/32", SshLab.Addresses(rs, "lo"), StringComparison.Ordinal);
        Assert.Contains("inet6 fd00:77::10/128", SshLab.Addresses(rs, "lo"), StringComparison.Ordinal);
        PrepareReport again = await LabTargets.Run([LabTargets.Dr(rs)], LabTargets.Settings(lab), LabTargets.Options(dryRun: true));
        Assert.All(again.Hosts[0].Items, i => Assert.Equal(ItemStatus.AlreadyRight, i.Status));
    }

    [Fact]
    public async Task RunAsync_UndoAfterPrepare_RestoresTheValuesSeenBeforePrepare()
    {
        using var lab = new SshLab();
        RealServerNs rs = lab.AddRealServer();
        LabTargets.TrustAll(lab);
        Shell.Check("ip", "netns", "exec", rs.Namespace, "sysctl", "-q", "-w", "net.ipv4.conf.lo.arp_announce=1");
        Shell.Check("ip", "netns", "exec", rs.Namespace, "sysctl", "-q", "-w", $"net.ipv4.conf.{rs.Veth}.arp_ignore=2");

        PrepareReport prepare = await LabTargets.Run([LabTargets.Dr(rs)], LabTargets.Settings(lab), LabTargets.Options());
        Assert.False(prepare.AnyFailed, LabTargets.Show(prepare));
        Assert.Equal("2", SshLab.Sysctl(rs, "net.ipv4.conf.lo.arp_announce"));
        Assert.Equal(ItemStatus.AlreadyRight, prepare.Hosts[0].Items.Single(i => i.Name == $"net.ipv4.conf.{rs.Veth}.arp_ignore").Status);

        PrepareReport undo = await LabTargets.Run([LabTargets.Dr(rs)], LabTargets.Settings(lab), LabTargets.Options(undo: true));

        output.WriteLine(LabTargets.Show(undo));
        Assert.False(undo.AnyFailed, LabTargets.Show(undo));
        Assert.Equal("1", SshLab.Sysctl(rs, "net.ipv4.conf.lo.arp_announce"));
        Assert.Equal("2", SshLab.Sysctl(rs, $"net.ipv4.conf.{rs.Veth}.arp_ignore"));
        Assert.Equal("0", SshLab.Sysctl(rs, "net.ipv4.conf.all.arp_ignore"));
    }

    [Fact]
    public async Task RunAsync_ThreeServersWithOnlyTwoSelectedAndPersistOff_PreparesThoseTwoInParallelWithoutFiles()
    {
        using var lab = new SshLab();
        RealServerNs[] servers = [lab.AddRealServer(), lab.AddRealServer(), lab.AddRealServer()];
        LabTargets.TrustAll(lab);
        var options = LabTargets.Options() with { Only = new HashSet<string> { servers[0].Address.ToString(), servers[2].Address.ToString() } };

        PrepareReport report = await LabTargets.Run(servers.Select(s => LabTargets.Dr(s)).ToList(), LabTargets.Settings(lab, persist: false), options);

        output.WriteLine(LabTargets.Show(report));
        Assert.False(report.AnyFailed, LabTargets.Show(report));
        Assert.Equal(2, report.Hosts.Count);
        Assert.Equal("1", SshLab.Sysctl(servers[0], "net.ipv4.conf.all.arp_ignore"));
        Assert.Equal("1", SshLab.Sysctl(servers[2], "net.ipv4.conf.all.arp_ignore"));
        Assert.Equal("0", SshLab.Sysctl(servers[1], "net.ipv4.conf.all.arp_ignore"));
        Assert.DoesNotContain("192.168.77.10", SshLab.Addresses(servers[1], "lo"), StringComparison.Ordinal);
        Assert.NotEqual(0, SshLab.InServer(servers[0], "test", "-e", "/etc/sysctl.d/90-lvsha.conf").Exit);
        Assert.DoesNotContain(report.Hosts[0].Items, i => i.Name.Contains("file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ClientKeyNotAuthorized_RefusedOnceNotRetried()
    {
        using var lab = new SshLab();
        RealServerNs rs = lab.AddRealServer();
        LabTargets.TrustAll(lab);
        string stranger = Path.Combine(lab.Dir, "stranger_ed25519");
        Shell.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", stranger);

        PrepareReport report = await LabTargets.Run([LabTargets.Dr(rs)], LabTargets.Settings(lab) with { IdentityFile = stranger }, LabTargets.Options());

        output.WriteLine(LabTargets.Show(report));
        HostReport host = Assert.Single(report.Hosts);
        Assert.True(host.Failed);
        Assert.Equal(1, host.ConnectAttempts);
        Assert.Contains("key authentication refused", host.Error, StringComparison.Ordinal);
        Assert.Equal("0", SshLab.Sysctl(rs, "net.ipv4.conf.all.arp_ignore"));
    }

    [Fact]
    [Trait("Category", "Kernel")]
    public async Task RunAsync_TunnelGueOnKernelWithTunnels_TunnelUpGuePortOpenVipOnTunnelAndIdempotent()
    {
        // Runs where tunnel modules exist (the ip_vs VM with Debian's kernel); this machine's kernel has none.
        Assert.True(KernelHasModule("ipip") && KernelHasModule("fou"), "this test needs a kernel with the ipip and fou modules (run it in the ip_vs VM)");
        using var lab = new SshLab();
        RealServerNs rs = lab.AddRealServer();
        LabTargets.TrustAll(lab);
        var target = LabTargets.Dr(rs, LabTargets.Vip4) with { Method = Model.ForwardingMethodKind.Tunnel, Tunnel = Model.TunnelKind.Gue, GuePort = 6080 };
        var settings = LabTargets.Settings(lab);
        // Under the VM's software emulation the JIT makes the first SSH connection take minutes.
        var options = LabTargets.Options() with { PerHostTimeout = TimeSpan.FromMinutes(15), ConnectTimeout = TimeSpan.FromMinutes(5), Retries = 0 };

        PrepareReport first = await LabTargets.Run([target], settings, options);
        output.WriteLine(LabTargets.Show(first));
        output.WriteLine($"connect attempts {first.Hosts[0].ConnectAttempts}; sshd log:\n{rs.Log}");
        Assert.False(first.AnyFailed, LabTargets.Show(first));
        Assert.Contains("UP", Shell.Check("ip", "-n", rs.Namespace, "-o", "link", "show", "tunl0"), StringComparison.Ordinal);
        Assert.Contains("inet 192.168.77.10/32", SshLab.Addresses(rs, "tunl0"), StringComparison.Ordinal);
        Assert.Contains("port 6080", Shell.Check("ip", "-n", rs.Namespace, "fou", "show"), StringComparison.Ordinal);
        Assert.Equal("0", SshLab.Sysctl(rs, "net.ipv4.conf.tunl0.rp_filter"));
        Assert.Equal("1", SshLab.Sysctl(rs, "net.ipv4.conf.all.arp_ignore"));

        PrepareReport second = await LabTargets.Run([target], settings, options);
        Assert.All(second.Hosts[0].Items, i => Assert.Equal(ItemStatus.AlreadyRight, i.Status));

        PrepareReport undo = await LabTargets.Run([target], settings, options with { Undo = true });
        Assert.False(undo.AnyFailed, LabTargets.Show(undo));
        Assert.DoesNotContain("192.168.77.10", SshLab.Addresses(rs, "tunl0"), StringComparison.Ordinal);
    }

    /// <summary>Whether the running kernel has (or can load) a module: loaded, built in, or found by modprobe's dry run.</summary>
    private static bool KernelHasModule(string name) =>
        Directory.Exists($"/sys/module/{name}") || (File.Exists("/usr/sbin/modprobe") && Shell.Run("/usr/sbin/modprobe", "-n", name).Exit == 0);
}
