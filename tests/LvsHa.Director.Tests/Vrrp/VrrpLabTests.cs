using System.Text.Json;
using LvsHa.Cli;
using LvsHa.Director.Control;
using LvsHa.Vrrp;

namespace LvsHa.Director.Tests.Vrrp;

/// <summary>
/// Real `lvsha run` daemons in network namespaces: two VIP directors (priorities 150/100) and a VIP-less witness, so
/// the split-brain guard (majority) lets the survivor of a dead master be master.
/// </summary>
public sealed class VrrpLabTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    private static VrrpLab StartLab(Xunit.Abstractions.ITestOutputHelper output, string advertInterval, out string config1)
    {
        var lab = new VrrpLab(3, output);
        try
        {
            config1 = lab.Config(1, 150, advertInterval);
            lab.Start(1, config1);
            lab.Start(2, lab.Config(2, 100, advertInterval));
            lab.Start(3, lab.Config(3, priority: null));
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task Run_MasterLinkDownAndKilled_BackupTakesVipClientFollowsAndMasterPreemptsBack()
    {
        using var lab = StartLab(output, "0.1", out var config1);
        await lab.WaitForSoleHolderAsync(1, [2], Startup);
        await lab.WaitForStateAsync(2, "BACKUP", Startup);
        // The witness must be a member before a VIP director dies, or the survivor is a minority (1 of 3).
        await lab.WaitForMembersAsync(2, Startup);

        // `lvsha status --json` against the running master.
        var (code, json) = VrrpLab.Lvsha("status", "--json", "--control-socket", lab.SocketPath(1));
        Assert.True(code == 0, json);
        var report = JsonSerializer.Deserialize<StatusReport>(json, ControlJson.Options)!;
        var instance = Assert.Single(report.Instances);
        Assert.Equal(("VI_1", "MASTER", 150, lab.Address(1)), (instance.Name, instance.State, instance.Priority, instance.Master));
        Assert.Equal([lab.Vip], instance.Vips);
        Assert.NotNull(instance.Since);
        Assert.Contains("Master_Down_Interval", instance.SinceReason, StringComparison.Ordinal);
        var (tableCode, table) = VrrpLab.Lvsha("status", "--control-socket", lab.SocketPath(2));
        Assert.True(tableCode == 0, table);
        // INSTANCE VRID STATE SINCE PRIORITY MASTER VIPS WHY
        Assert.Matches($@"VI_1\s+51\s+BACKUP\s+\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d\s+100\s+{lab.Address(1).Replace(".", "\\.", StringComparison.Ordinal)}\s+{lab.Vip.Replace(".", "\\.", StringComparison.Ordinal)}\s+\S", table);

        var mac1 = await lab.MacAsync(1);
        var mac2 = await lab.MacAsync(2);
        lab.ClientSendToVip();
        await LabClusterWait(() => lab.ClientNeighbour()?.Equals(mac1) == true, "client resolves the VIP to director 1");

        // Master death: SIGKILL and link down (no priority-0 advert), as a crashed machine. The kill comes first: a
        // live director would see its own interface go down, enter FAULT and remove the VIP itself (keepalived too).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        lab.Signal(1, Tmds.Linux.LibC.SIGKILL);
        lab.SetLink(1, up: false);
        await LabClusterWaitAsync(() => lab.HoldsVipAsync(2), TimeSpan.FromSeconds(10), "director 2 adds the VIP");
        var failover = clock.Elapsed;
        var garp = await LabClusterWait(() => lab.ClientNeighbour()?.Equals(mac2) == true, "client's ARP entry moves to director 2 (GARP)");
        var masterDown = VrrpTiming.MasterDownInterval(100, TimeSpan.FromMilliseconds(100));
        output.WriteLine($"failover after link down + SIGKILL: VIP on the backup after {failover.TotalMilliseconds:F0} ms (Master_Down_Interval {masterDown.TotalMilliseconds:F0} ms); client ARP moved {garp.TotalMilliseconds:F0} ms later");
        // The bound: Master_Down_Interval plus 1 s for timer ticks, rtnetlink and a host shared by several builds.
        Assert.True(failover < masterDown + TimeSpan.FromSeconds(1), $"failover took {failover}");

        // The old master returns (its crashed run left the VIP behind) and preempts with its higher priority.
        Assert.True(lab.HasExited(1, TimeSpan.FromSeconds(5)));
        lab.SetLink(1, up: true);
        Assert.True(await lab.HoldsVipAsync(1), "the killed director's VIP is still on its interface");
        lab.Start(1, config1);
        var back = await lab.WaitForSoleHolderAsync(1, [2], Startup);
        Assert.Contains("left behind", lab.Log(1), StringComparison.Ordinal);
        await LabClusterWait(() => lab.ClientNeighbour()?.Equals(mac1) == true, "client's ARP entry moves back to director 1");
        output.WriteLine($"restarted director 1 preempted after {back.TotalSeconds:F1} s (process start, cluster join, Master_Down_Interval)");
    }

    [Fact]
    public async Task Run_MasterStopsGracefully_BackupTakesOverAtOnceAndNopreemptKeepsIt()
    {
        // advert_int 1: without the priority-0 advert the backup would wait Master_Down_Interval (3.6 s).
        using var lab = StartLab(output, "1", out _);
        await lab.WaitForSoleHolderAsync(1, [2], Startup);
        await lab.WaitForStateAsync(2, "BACKUP", Startup);
        // The witness must be a member before a VIP director dies, or the survivor is a minority (1 of 3).
        await lab.WaitForMembersAsync(2, Startup);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        lab.Signal(1, Tmds.Linux.LibC.SIGTERM);
        await LabClusterWaitAsync(() => lab.HoldsVipAsync(2), TimeSpan.FromSeconds(10), "director 2 adds the VIP");
        var takeover = clock.Elapsed;
        output.WriteLine($"graceful stop: VIP on the backup after {takeover.TotalMilliseconds:F0} ms (Skew_Time 609 ms, Master_Down_Interval 3609 ms)");
        Assert.True(takeover < TimeSpan.FromSeconds(2.5), $"takeover took {takeover}");
        Assert.True(lab.HasExited(1, TimeSpan.FromSeconds(15)), "director 1 stops");
        Assert.Equal(0, lab.Process(1).ExitCode);
        Assert.False(await lab.HoldsVipAsync(1), "a stopped director removed its VIP");

        // Back with nopreempt: it stays backup behind the lower-priority master.
        lab.Start(1, lab.Config(1, 150, "1", nopreempt: true));
        await lab.WaitForStateAsync(1, "BACKUP", Startup);
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.True(await lab.HoldsVipAsync(2), "director 2 still holds the VIP");
        Assert.False(await lab.HoldsVipAsync(1), "nopreempt: director 1 did not take the VIP back");
        var status = await lab.Client(1).GetStatusAsync();
        Assert.Equal(lab.Address(2), status.Instances[0].Master);
    }

    [Fact]
    public async Task Run_NoClusterBlock_MasterAnnouncesIpv4AndIpv6VipsAndDropsThemOnStop()
    {
        using var lab = new VrrpLab(1, output);
        // A second instance with an IPv6 VIP; the client holds stale entries with a wrong MAC for both VIPs, which
        // only the director's gratuitous ARP / unsolicited NA (override) can correct.
        const string Vip6 = "fd00:232::50";
        var config = lab.Config(1, 100, cluster: false);
        File.AppendAllText(config, $$"""
            vrrp_instance VI_6 {
                interface eth0
                version 3
                virtual_router_id 52
                advert_int 0.1
                virtual_ipaddress {
                    {{Vip6}}/64 dev eth0
                }
            }
            """);
        var client = lab.Namespace(VrrpLab.ClientNode);
        Lab.LabCommand.Run("ip", "-n", client, "-6", "addr", "add", "fd00:232::100/64", "dev", "eth0", "nodad");
        Lab.LabCommand.Run("ip", "-n", client, "neigh", "add", lab.Vip, "lladdr", "02:00:00:00:00:01", "dev", "eth0", "nud", "stale");
        Lab.LabCommand.Run("ip", "-n", client, "neigh", "add", Vip6, "lladdr", "02:00:00:00:00:01", "dev", "eth0", "nud", "stale");
        lab.Start(1, config);
        await lab.WaitForSoleHolderAsync(1, [], Startup);
        var status = await lab.Client(1).GetStatusAsync();
        Assert.Null(status.SelfAddress);
        Assert.All(status.Instances, i => Assert.Equal("MASTER", i.State));
        Assert.Equal(2, status.Instances.Count);
        var mac = (await lab.MacAsync(1)).ToString().ToLowerInvariant();
        await Lab.LabCluster.WaitForAsync(
            () => Task.FromResult(NeighbourMac(client, lab.Vip) == mac && NeighbourMac(client, Vip6) == mac),
            TimeSpan.FromSeconds(10),
            $"client's entries for {lab.Vip} and {Vip6} point at the director ({mac})");
        var addresses = Lab.LabCommand.Run("ip", "-n", lab.Namespace(1), "-6", "addr", "show", "dev", "eth0");
        var vip6Line = addresses.Split('\n').Single(l => l.Contains(Vip6, StringComparison.Ordinal));
        Assert.Contains("nodad", vip6Line, StringComparison.Ordinal);
        Assert.DoesNotContain("tentative", vip6Line, StringComparison.Ordinal);

        lab.Signal(1, Tmds.Linux.LibC.SIGTERM);
        Assert.True(lab.HasExited(1, TimeSpan.FromSeconds(15)), "director 1 stops");
        Assert.Equal(0, lab.Process(1).ExitCode);
        Assert.False(await lab.HoldsVipAsync(1), "a stopped director removed its VIP");
    }

    [Fact]
    public async Task Run_ScriptUser_NotifyMasterRunsAsThatUser()
    {
        using var lab = new VrrpLab(1, output);
        // A folder the script's user (nobody) can write to; the lab's own is the test's (root) only.
        var shared = Directory.CreateTempSubdirectory("lvsha-notify-");
        try
        {
            File.SetUnixFileMode(shared.FullName, (UnixFileMode)0x1FF);
            var who = Path.Combine(shared.FullName, "who");
            var config = lab.Config(
                1, 100, cluster: false, preamble: "global_defs {\n    script_user nobody\n}\n",
                instanceLines: $"    notify_master \"/bin/sh -c 'id -u > {who}'\"");
            lab.Start(1, config);
            await lab.WaitForSoleHolderAsync(1, [], Startup);
            await Lab.LabCluster.WaitForAsync(
                () => Task.FromResult(File.Exists(who) && File.ReadAllText(who).Trim().Length > 0), TimeSpan.FromSeconds(10), "notify_master ran");
            var nobody = LvsHa.Health.Model.ScriptUser.Resolve("nobody", out _)!;
            Assert.Equal(nobody.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(who).Trim());
        }
        finally
        {
            shared.Delete(recursive: true);
        }
    }

    [Fact]
    public void Run_InvalidConfig_ExitsOneWithFileLineColumn()
    {
        var file = Path.Combine(Path.GetTempPath(), $"lvsha-vd-bad-{Environment.ProcessId}.conf");
        File.WriteAllText(file, "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 300\n}\n");
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            Assert.Equal(1, LvsHaCli.Run(["run", "-f", file, "--control-socket", file + ".sock"], stdout, stderr));
            Assert.Contains($"{file}:3:", stderr.ToString(), StringComparison.Ordinal);
            Assert.False(File.Exists(file + ".sock"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Run_ControlSocketCannotBeCreated_ExitsOneAtStartWithTheReason()
    {
        // An operator's error at start: one line naming the socket, exit 1 before anything runs (not exit 3 after).
        var file = Path.Combine(Path.GetTempPath(), $"lvsha-vd-sock-{Environment.ProcessId}.conf");
        File.WriteAllText(file, "global_defs {\n  router_id test\n}\n");
        try
        {
            var (code, output) = VrrpLab.Lvsha("run", "-f", file, "--control-socket", "/proc/lvsha-none/lvsha.sock");
            Assert.True(code == 1, $"exit {code}:\n{output}");
            Assert.Contains("Cannot start director", output, StringComparison.Ordinal);
            Assert.Contains("control socket /proc/lvsha-none/lvsha.sock: cannot listen", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Status_NoDaemon_ExitsOneWithClearError()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(1, LvsHaCli.Run(["status", "--control-socket", "/nonexistent/lvsha-vd.sock"], stdout, stderr));
        Assert.Contains("is `lvsha run` running?", stderr.ToString(), StringComparison.Ordinal);
    }

    private static string NeighbourMac(string ns, string address)
    {
        var words = Lab.LabCommand.Run("ip", "-n", ns, "neigh", "show", address).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.IndexOf(words, "lladdr");
        return at >= 0 && at + 1 < words.Length ? words[at + 1].Replace(":", "", StringComparison.Ordinal) : "";
    }

    private static Task<TimeSpan> LabClusterWait(Func<bool> probe, string what) =>
        Lab.LabCluster.WaitForAsync(() => Task.FromResult(probe()), TimeSpan.FromSeconds(10), what);

    private static Task<TimeSpan> LabClusterWaitAsync(Func<Task<bool>> probe, TimeSpan timeout, string what) =>
        Lab.LabCluster.WaitForAsync(probe, timeout, what);
}
