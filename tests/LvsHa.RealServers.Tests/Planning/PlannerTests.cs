using System.Net;
using LvsHa.RealServers.Model;
using LvsHa.RealServers.Planning;

namespace LvsHa.RealServers.Tests.Planning;

public sealed class PlannerTests
{
    private static PlanItem Item(HostPlan plan, string name) => plan.Items.Single(i => i.Name == name);

    private static List<string> Commands(HostPlan plan, HostState state) =>
        plan.Items.Where(i => !i.Observe(state).IsRight).SelectMany(i => i.Commands).Select(c => c.Text).ToList();

    [Fact]
    public void Plan_DirectRoutingOnFreshHost_SetsArpSysctlsOnAllLoAndDirectorInterfaceAndVipOnLo()
    {
        HostState state = TestStates.Fresh();
        HostPlan plan = Planner.Plan(TestStates.Dr(), state, persist: false, undo: false);

        List<string> commands = Commands(plan, state);
        Assert.Equal(
            [
                "ip link set dev lo up",
                "sysctl -q -w net/ipv4/conf/all/arp_ignore=1",
                "sysctl -q -w net/ipv4/conf/all/arp_announce=2",
                "sysctl -q -w net/ipv4/conf/lo/arp_ignore=1",
                "sysctl -q -w net/ipv4/conf/lo/arp_announce=2",
                "sysctl -q -w net/ipv4/conf/eth0/arp_ignore=1",
                "sysctl -q -w net/ipv4/conf/eth0/arp_announce=2",
                "ip addr add 192.168.50.10/32 dev lo",
            ],
            commands);
        Assert.Null(plan.HostError);
        Assert.All(plan.Items, i => Assert.False(i.Observe(state).IsRight));
    }

    [Fact]
    public void Plan_DirectRoutingAfterApplying_EverythingAlreadyRightIncludingFiles()
    {
        HostState state = TestStates.Fresh();
        HostPlan first = Planner.Plan(TestStates.Dr(TestStates.Vip, TestStates.Vip6), state, persist: true, undo: false);
        HostState after = TestStates.Applied(state, first);

        HostPlan second = Planner.Plan(TestStates.Dr(TestStates.Vip, TestStates.Vip6), after, persist: true, undo: false);

        Assert.All(second.Items, i => Assert.True(i.Observe(after).IsRight, i.Name));
        Assert.All(first.Items, i => Assert.True(i.Observe(after).IsRight, "verify " + i.Name));
        Assert.Equal(first.Items.Select(i => i.Name), second.Items.Select(i => i.Name));
    }

    [Fact]
    public void Plan_ArpIgnoreAlreadyTwo_AcceptedAndKeptInTheFile()
    {
        HostState state = TestStates.Fresh() with
        {
            Sysctls = new Dictionary<string, int?>(TestStates.Fresh().Sysctls) { ["net.ipv4.conf.all.arp_ignore"] = 2 },
        };
        HostPlan plan = Planner.Plan(TestStates.Dr(), state, persist: true, undo: false);

        Assert.True(Item(plan, "net.ipv4.conf.all.arp_ignore").Observe(state).IsRight);
        string file = string.Join('\n', Item(plan, "sysctl file /etc/sysctl.d/90-lvsha.conf").Commands[0].StdinLines!);
        Assert.Contains("net.ipv4.conf.all.arp_ignore = 2", file, StringComparison.Ordinal);
        Assert.DoesNotContain("# previous net.ipv4.conf.all.arp_ignore", file, StringComparison.Ordinal);
        Assert.Contains("# previous net.ipv4.conf.lo.arp_ignore=0", file, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Ipv6VipOnly_NoArpSysctlsAndSlash128WithNodad()
    {
        HostState state = TestStates.Fresh();
        HostPlan plan = Planner.Plan(TestStates.Dr(TestStates.Vip6), state, persist: false, undo: false);

        Assert.DoesNotContain(plan.Items, i => i.Name.StartsWith("net.ipv4", StringComparison.Ordinal));
        Assert.Equal("ip addr add 2001:db8::10/128 dev lo nodad", Item(plan, "vip 2001:db8::10/128 on lo").Commands.Single().Text);
        HostState withV6 = state with { Links = new Dictionary<string, LinkState> { ["lo"] = new(true, true, [new(TestStates.Vip6, 128)]) } };
        Assert.True(Item(plan, "vip 2001:db8::10/128 on lo").Observe(withV6).IsRight);
    }

    [Fact]
    public void Plan_VipPresentWithWiderPrefix_IsNotRight()
    {
        HostState state = TestStates.Fresh() with { Links = new Dictionary<string, LinkState> { ["lo"] = new(true, true, [new(TestStates.Vip, 24)]) } };
        HostPlan plan = Planner.Plan(TestStates.Dr(), state, persist: false, undo: false);

        Assert.False(Item(plan, "vip 192.168.50.10/32 on lo").Observe(state).IsRight);
    }

    [Fact]
    public void Plan_TunnelIpipWithTunnelMissing_LoadsModuleBringsTunl0UpRelaxesRpFilterAndPutsVipOnTunnel()
    {
        HostState state = TestStates.Fresh("tunl0");
        HostPlan plan = Planner.Plan(TestStates.Tun(TunnelKind.Ipip), state, persist: false, undo: false);

        Assert.Equal(["modprobe ipip", "ip link set dev tunl0 up"], Item(plan, "link tunl0 up").Commands.Select(c => c.Text));
        Assert.Equal("sysctl -q -w net/ipv4/conf/all/rp_filter=0", Item(plan, "net.ipv4.conf.all.rp_filter").Commands.Single().Text);
        Assert.Equal("absent", Item(plan, "net.ipv4.conf.tunl0.rp_filter").Observe(state).Observed);
        Assert.Equal("ip addr add 192.168.50.10/32 dev tunl0", Item(plan, "vip 192.168.50.10/32 on tunl0").Commands.Single().Text);
        Assert.Contains(plan.Items, i => i.Name == "net.ipv4.conf.eth0.arp_announce");
    }

    [Fact]
    public void Plan_TunnelPresentAndRpFilterLoose_NoModprobeAndLooseAccepted()
    {
        HostState state = TestStates.Fresh() with
        {
            Links = new Dictionary<string, LinkState> { ["tunl0"] = new(true, false, []) },
            Sysctls = new Dictionary<string, int?>(TestStates.Fresh().Sysctls) { ["net.ipv4.conf.all.rp_filter"] = 2, ["net.ipv4.conf.tunl0.rp_filter"] = 1 },
        };
        HostPlan plan = Planner.Plan(TestStates.Tun(TunnelKind.Ipip), state, persist: false, undo: false);

        Assert.Equal(["ip link set dev tunl0 up"], Item(plan, "link tunl0 up").Commands.Select(c => c.Text));
        Assert.True(Item(plan, "net.ipv4.conf.all.rp_filter").Observe(state).IsRight);
        Assert.False(Item(plan, "net.ipv4.conf.tunl0.rp_filter").Observe(state).IsRight);
    }

    [Fact]
    public void Plan_TunnelGue_OpensFouPortAndBootUnitRepeatsIt()
    {
        HostState state = TestStates.Fresh("tunl0");
        HostPlan plan = Planner.Plan(TestStates.Tun(TunnelKind.Gue, 6080), state, persist: true, undo: false);

        PlanItem fou = Item(plan, "gue receive port 6080");
        Assert.Equal(["modprobe fou", "ip -4 fou add port 6080 gue"], fou.Commands.Select(c => c.Text));
        Assert.True(fou.Observe(state with { FouPorts = new HashSet<int> { 6080 } }).IsRight);
        IReadOnlyList<string> unit = Item(plan, "boot unit file /etc/systemd/system/lvsha-vips.service").Commands[0].StdinLines!;
        Assert.Contains("ExecStart=-/usr/sbin/modprobe ipip", unit);
        Assert.Contains("ExecStart=-/usr/sbin/ip -4 fou add port 6080 gue", unit);
        Assert.Contains("ExecStart=-/usr/sbin/ip addr add 192.168.50.10/32 dev tunl0", unit);
    }

    [Fact]
    public void Plan_TunnelGreWithIpv6Vip_UsesGreDevicesPerFamily()
    {
        HostPlan plan = Planner.Plan(TestStates.Tun(TunnelKind.Gre, null, TestStates.Vip, TestStates.Vip6), TestStates.Fresh(), persist: false, undo: false);

        Assert.Equal("modprobe ip_gre", Item(plan, "link gre0 up").Commands[0].Text);
        Assert.Equal("modprobe ip6_gre", Item(plan, "link ip6gre0 up").Commands[0].Text);
        Assert.Contains(plan.Items, i => i.Name == "vip 2001:db8::10/128 on ip6gre0");
        Assert.Contains(plan.Items, i => i.Name == "net.ipv4.conf.gre0.rp_filter");
    }

    [Fact]
    public void Plan_NatWithDefaultRouteViaDirector_AlreadyRightAndNothingToRun()
    {
        var target = TestStates.Dr() with { Method = ForwardingMethodKind.Nat };
        HostState state = TestStates.Fresh() with { DefaultRoute = new RouteInfo(TestStates.Director, "eth0") };

        HostPlan plan = Planner.Plan(target, state, persist: true, undo: false);

        PlanItem item = Assert.Single(plan.Items);
        Assert.True(item.Observe(state).IsRight);
        Assert.Empty(item.Commands);
    }

    [Fact]
    public void Plan_NatWithDefaultRouteElsewhere_FailsWithClearProblem()
    {
        var target = TestStates.Dr() with { Method = ForwardingMethodKind.Nat };
        HostState state = TestStates.Fresh() with { DefaultRoute = new RouteInfo(IPAddress.Parse("10.1.0.254"), "eth0") };

        PlanItem item = Assert.Single(Planner.Plan(target, state, persist: true, undo: false).Items);

        Assert.False(item.Observe(state).IsRight);
        Assert.False(item.IsFixable);
        Assert.Contains("would not return through the director", item.Problem, StringComparison.Ordinal);
        Assert.Contains("default via 10.1.0.254 dev eth0", item.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NatWithoutDirectorAddress_FailsSayingSo()
    {
        var target = TestStates.Dr() with { Method = ForwardingMethodKind.Nat, DirectorAddress = null };
        PlanItem item = Assert.Single(Planner.Plan(target, TestStates.Fresh(), persist: true, undo: false).Items);
        Assert.Contains("director's address", item.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NoRouteToDirector_ItemFailsWithRouteError()
    {
        HostState state = TestStates.Fresh() with { DirectorInterface = null, DirectorRouteError = "RTNETLINK answers: Network is unreachable" };
        HostPlan plan = Planner.Plan(TestStates.Dr(), state, persist: false, undo: false);

        PlanItem item = Item(plan, "interface towards director 10.1.0.1");
        Assert.False(item.IsFixable);
        Assert.Contains("Network is unreachable", item.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Items, i => i.Name.Contains("eth0", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_PersistOff_NoFileItems()
    {
        HostPlan plan = Planner.Plan(TestStates.Dr(), TestStates.Fresh(), persist: false, undo: false);
        Assert.DoesNotContain(plan.Items, i => i.Name.Contains("file", StringComparison.Ordinal) || i.Name.Contains("unit", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_NoSystemctl_UnitFileWrittenAndEnableSkippedWithReason()
    {
        HostState state = TestStates.Fresh() with { HasSystemctl = false };
        HostPlan plan = Planner.Plan(TestStates.Dr(), state, persist: true, undo: false);

        Assert.Contains(plan.Items, i => i.Name == "boot unit file /etc/systemd/system/lvsha-vips.service");
        PlanItem enable = Item(plan, "boot unit enabled");
        Assert.Contains("systemctl not found", enable.SkipReason, StringComparison.Ordinal);
        Assert.Empty(enable.Commands);
    }

    [Fact]
    public void Plan_SystemdRunning_DaemonReloadAfterUnitWrite()
    {
        HostState state = TestStates.Fresh() with { SystemdRunning = true };
        HostPlan plan = Planner.Plan(TestStates.Dr(), state, persist: true, undo: false);
        Assert.Equal("systemctl daemon-reload", Item(plan, "boot unit file /etc/systemd/system/lvsha-vips.service").Commands[^1].Text);
    }

    [Fact]
    public void Plan_NonRootWithoutWorkingSudo_HostErrorAndNoItems()
    {
        HostState state = TestStates.Fresh() with { IsRoot = false, SudoWorks = false, SudoError = "sudo: a password is required\n" };
        HostPlan plan = Planner.Plan(TestStates.Dr(), state, persist: true, undo: false);

        Assert.Empty(plan.Items);
        Assert.Contains("sudo: a password is required", plan.HostError, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_UndoAfterPrepare_RestoresRecordedPreviousValuesAndRemovesEverything()
    {
        HostState fresh = TestStates.Fresh() with
        {
            Sysctls = new Dictionary<string, int?>(TestStates.Fresh().Sysctls) { ["net.ipv4.conf.eth0.arp_ignore"] = 2 },
        };
        PrepTarget target = TestStates.Dr(TestStates.Vip, TestStates.Vip6);
        HostState prepared = TestStates.Applied(fresh, Planner.Plan(target, fresh, persist: true, undo: false));

        HostPlan undo = Planner.Plan(target, prepared, persist: true, undo: true);
        List<string> commands = Commands(undo, prepared);

        Assert.Contains("ip addr del 192.168.50.10/32 dev lo", commands);
        Assert.Contains("ip addr del 2001:db8::10/128 dev lo", commands);
        Assert.Contains("sysctl -q -w net/ipv4/conf/all/arp_ignore=0", commands);
        Assert.Contains("sysctl -q -w net/ipv4/conf/lo/arp_announce=0", commands);
        Assert.DoesNotContain(commands, c => c.Contains("eth0/arp_ignore", StringComparison.Ordinal));
        Assert.Equal(
            ["systemctl disable --quiet lvsha-vips.service", "rm -f /etc/systemd/system/lvsha-vips.service", "rm -f /etc/sysctl.d/90-lvsha.conf"],
            commands.TakeLast(3));
        HostState undone = TestStates.Applied(prepared, undo);
        Assert.All(undo.Items, i => Assert.True(i.Observe(undone).IsRight, i.Name));
        Assert.Equal(2, undone.Sysctl(new SysctlKey("eth0", SysctlName.ArpIgnore)));
        Assert.Equal(0, undone.Sysctl(new SysctlKey("all", SysctlName.ArpAnnounce)));
    }

    [Fact]
    public void Plan_UndoWithoutSysctlFile_RestoresKernelDefaultZero()
    {
        HostState prepared = TestStates.Fresh() with
        {
            Sysctls = new Dictionary<string, int?>
            {
                ["net.ipv4.conf.all.arp_ignore"] = 1,
                ["net.ipv4.conf.all.arp_announce"] = 2,
                ["net.ipv4.conf.lo.arp_ignore"] = 1,
                ["net.ipv4.conf.lo.arp_announce"] = 2,
                ["net.ipv4.conf.eth0.arp_ignore"] = 1,
                ["net.ipv4.conf.eth0.arp_announce"] = 0,
            },
            HasSystemctl = false,
        };

        HostPlan undo = Planner.Plan(TestStates.Dr(), prepared, persist: false, undo: true);
        List<string> commands = Commands(undo, prepared);

        Assert.Equal(
            [
                "sysctl -q -w net/ipv4/conf/all/arp_ignore=0",
                "sysctl -q -w net/ipv4/conf/all/arp_announce=0",
                "sysctl -q -w net/ipv4/conf/lo/arp_ignore=0",
                "sysctl -q -w net/ipv4/conf/lo/arp_announce=0",
                "sysctl -q -w net/ipv4/conf/eth0/arp_ignore=0",
            ],
            commands);
        Assert.DoesNotContain(undo.Items, i => i.Name == "boot unit disabled");
    }

    [Fact]
    public void Plan_DottedInterfaceName_SysctlUsesSlashFormEverywhere()
    {
        HostState state = TestStates.Fresh() with { DirectorInterface = "eth0.100" };
        HostPlan plan = Planner.Plan(TestStates.Dr(), state, persist: true, undo: false);

        Assert.Equal("sysctl -q -w net/ipv4/conf/eth0.100/arp_ignore=1", Item(plan, "net.ipv4.conf.eth0.100.arp_ignore").Commands.Single().Text);
        Assert.Contains("net/ipv4/conf/eth0.100/arp_ignore = 1", Item(plan, "sysctl file /etc/sysctl.d/90-lvsha.conf").Commands[0].StdinLines!);
    }

    [Fact]
    public void Plan_HostNameWithShellMetacharacters_NeverAppearsInAnyCommand()
    {
        var target = TestStates.Dr() with { Host = "rs1; rm -rf / #$(reboot)" };
        HostPlan plan = Planner.Plan(target, TestStates.Fresh(), persist: true, undo: false);
        HostPlan undo = Planner.Plan(target, TestStates.Fresh(), persist: true, undo: true);

        Assert.All(plan.Items.Concat(undo.Items).SelectMany(i => i.Commands), c => Assert.DoesNotContain("rm -rf", c.Render(useSudo: true), StringComparison.Ordinal));
    }
}
