using System.Net;
using System.Net.Sockets;
using LvsHa.RealServers.Model;

namespace LvsHa.RealServers.Planning;

/// <summary>
/// Pure planning: from a target and the observed state of its host, the items prepare (or undo) sees to and the
/// commands for each. No I/O; the same items observe the state again after applying, which is the verification.
/// </summary>
public static class Planner
{
    private const int ArpIgnoreValue = 1;
    private const int ArpAnnounceValue = 2;
    private const int RpFilterValue = 0;

    /// <summary>The links whose state the plan needs (lo for DR, the tunnel devices for TUN).</summary>
    public static IReadOnlyList<string> LinksFor(PrepTarget target) => target.Method switch
    {
        ForwardingMethodKind.DirectRouting => ["lo"],
        ForwardingMethodKind.Tunnel => Families(target).Select(f => TunnelDevice(target.Tunnel, f)).ToList(),
        _ => [],
    };

    /// <summary>The sysctls the plan sets for this target (with the interface facing the director when known).</summary>
    public static IReadOnlyList<SysctlKey> SysctlKeysFor(PrepTarget target, string? directorInterface) =>
        DesiredSysctls(target, directorInterface).Select(d => d.Key).ToList();

    /// <summary>Computes the plan for one host.</summary>
    public static HostPlan Plan(PrepTarget target, HostState state, bool persist, bool undo)
    {
        if (!state.IsRoot && !state.SudoWorks)
        {
            return new HostPlan([], $"the login user is not root and 'sudo -n true' failed (sudo must work without a password): {state.SudoError?.Trim()}");
        }

        return undo ? PlanUndo(target, state) : PlanPrepare(target, state, persist);
    }

    /// <summary>The tunnel device that receives one encapsulation for one address family (the kernel's fallback devices).</summary>
    public static string TunnelDevice(TunnelKind kind, AddressFamily family) => (kind, family) switch
    {
        (TunnelKind.Gre, AddressFamily.InterNetworkV6) => "ip6gre0",
        (TunnelKind.Gre, _) => "gre0",
        (_, AddressFamily.InterNetworkV6) => "ip6tnl0",
        _ => "tunl0",
    };

    private static string TunnelModule(TunnelKind kind, AddressFamily family) => (kind, family) switch
    {
        (TunnelKind.Gre, AddressFamily.InterNetworkV6) => "ip6_gre",
        (TunnelKind.Gre, _) => "ip_gre",
        (_, AddressFamily.InterNetworkV6) => "ip6_tunnel",
        _ => "ipip",
    };

    private static HostPlan PlanPrepare(PrepTarget target, HostState state, bool persist)
    {
        if (target.Method == ForwardingMethodKind.Nat)
        {
            return new HostPlan([NatRouteItem(target, state)]);
        }

        var items = new List<PlanItem>();
        var boot = new List<RemoteCommand>();
        if (target.Method == ForwardingMethodKind.DirectRouting)
        {
            items.Add(LinkUpItem("lo", module: null, state));
        }
        else
        {
            foreach (AddressFamily family in Families(target))
            {
                string device = TunnelDevice(target.Tunnel, family);
                string module = TunnelModule(target.Tunnel, family);
                items.Add(LinkUpItem(device, module, state));
                boot.Add(RemoteCommand.Modprobe(module));
                boot.Add(RemoteCommand.LinkUp(device));
                if (target.Tunnel == TunnelKind.Gue)
                {
                    PlanItem fou = FouItem(target, family);
                    items.Add(fou);
                    boot.Add(fou.Commands[^1]);
                }
            }
        }

        if (target.DirectorAddress is not null && target.Vips.Any(IsV4) && state.DirectorInterface is null)
        {
            items.Add(new PlanItem(
                $"interface towards director {target.DirectorAddress}",
                "a route to the director",
                _ => new ItemObservation(state.DirectorRouteError?.Trim() is { Length: > 0 } e ? e : "no route", false),
                [],
                Problem: $"no route from the real server to the director {target.DirectorAddress}: {state.DirectorRouteError?.Trim()}"));
        }

        IReadOnlyList<DesiredSysctl> sysctls = DesiredSysctls(target, state.DirectorInterface);
        items.AddRange(sysctls.Select(SysctlItem));

        foreach (IPAddress vip in target.Vips)
        {
            string device = VipDevice(target, vip);
            items.Add(VipItem(vip, device, present: true));
            boot.Add(RemoteCommand.AddressAdd(vip, device));
        }

        if (persist)
        {
            items.AddRange(PersistItems(state, sysctls, boot));
        }

        return new HostPlan(items);
    }

    private static HostPlan PlanUndo(PrepTarget target, HostState state)
    {
        var items = new List<PlanItem>();
        if (target.Method != ForwardingMethodKind.Nat)
        {
            items.AddRange(target.Vips.Select(vip => VipItem(vip, VipDevice(target, vip), present: false)));

            // With prepare's file present, restore exactly the sysctls prepare changed to the values recorded before the
            // first prepare. Without it (persist off, or the file lost) nothing recorded them: back to the kernel default 0.
            IEnumerable<(SysctlKey Key, int Value)> restore = state.SysctlFile is not null
                ? StateParsers.PreviousValues(state.SysctlFile).Select(p => (p.Key, p.Value))
                : DesiredSysctls(target, state.DirectorInterface).Select(d => (d.Key, 0));
            items.AddRange(restore.Select(r => RestoreSysctlItem(r.Key, r.Value)));
        }

        if (state.HasSystemctl)
        {
            items.Add(new PlanItem(
                "boot unit disabled",
                "not enabled",
                s => new ItemObservation(s.UnitEnabled ? "enabled" : "not enabled", !s.UnitEnabled),
                [RemoteCommand.UnitDisable()]));
        }

        items.Add(FileAbsentItem("boot unit file", RemoteCommand.UnitFilePath, s => s.UnitFile, state.SystemdRunning));
        items.Add(FileAbsentItem("sysctl file", RemoteCommand.SysctlFilePath, s => s.SysctlFile, systemdReload: false));
        return new HostPlan(items);
    }

    private static PlanItem NatRouteItem(PrepTarget target, HostState state)
    {
        string family = target.RealServerAddress.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
        if (target.DirectorAddress is not { } director)
        {
            return new PlanItem($"{family} default route via the director", "via the director", s => new ItemObservation(Describe(s.DefaultRoute), false), [],
                Problem: "NAT needs the director's address to check the real server's replies route back through it; none is configured");
        }

        return new PlanItem(
            $"{family} default route via director {director}",
            $"default via {director}",
            s => new ItemObservation(Describe(s.DefaultRoute), director.Equals(s.DefaultRoute?.Gateway)),
            [],
            Problem: $"replies from this NAT real server would not return through the director: its default route is '{Describe(state.DefaultRoute)}', expected 'default via {director}'");
    }

    private static string Describe(RouteInfo? route) => route is null
        ? "no default route"
        : $"default{(route.Gateway is null ? string.Empty : $" via {route.Gateway}")}{(route.Device is null ? string.Empty : $" dev {route.Device}")}";

    private static PlanItem LinkUpItem(string device, string? module, HostState state)
    {
        var commands = new List<RemoteCommand>();
        if (module is not null && !state.Link(device).Exists)
        {
            commands.Add(RemoteCommand.Modprobe(module));
        }

        commands.Add(RemoteCommand.LinkUp(device));
        return new PlanItem(
            $"link {device} up",
            "up",
            s => s.Link(device) switch
            {
                { Exists: false } => new ItemObservation("missing", false),
                { Up: true } => new ItemObservation("up", true),
                _ => new ItemObservation("down", false),
            },
            commands);
    }

    private static PlanItem FouItem(PrepTarget target, AddressFamily family)
    {
        int port = target.GuePort ?? throw new ArgumentException($"GUE tunnel for {target.Host} needs a port", nameof(target));
        bool v6 = family == AddressFamily.InterNetworkV6;
        return new PlanItem(
            $"gue receive port {port}{(v6 ? " (IPv6)" : string.Empty)}",
            "open",
            s => (v6 ? s.Fou6Ports : s.FouPorts).Contains(port) ? new ItemObservation("open", true) : new ItemObservation("closed", false),
            [RemoteCommand.Modprobe("fou"), RemoteCommand.FouAdd(family, port)]);
    }

    private static PlanItem SysctlItem(DesiredSysctl d) => new(
        d.Key.Dotted,
        d.Accepted.Count > 1 ? string.Join(" or ", d.Accepted) : d.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        s => s.Sysctl(d.Key) is { } v ? new ItemObservation(v.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Accepted.Contains(v)) : new ItemObservation("absent", false),
        [RemoteCommand.WriteSysctl(d.Key, d.Value)]);

    private static PlanItem RestoreSysctlItem(SysctlKey key, int value)
    {
        string text = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new PlanItem(
            key.Dotted,
            text,
            s => s.Sysctl(key) is { } v
                ? new ItemObservation(v.ToString(System.Globalization.CultureInfo.InvariantCulture), v == value)
                : new ItemObservation("absent", true),
            [RemoteCommand.WriteSysctl(key, value)]);
    }

    private static PlanItem VipItem(IPAddress vip, string device, bool present)
    {
        string prefix = RemoteCommand.HostPrefix(vip);
        int length = IsV4(vip) ? 32 : 128;
        return new PlanItem(
            $"vip {prefix} on {device}",
            present ? "present" : "absent",
            s => s.Link(device).Has(vip, length) ? new ItemObservation("present", present) : new ItemObservation("absent", !present),
            [present ? RemoteCommand.AddressAdd(vip, device) : RemoteCommand.AddressDelete(vip, device)]);
    }

    private static IEnumerable<PlanItem> PersistItems(HostState state, IReadOnlyList<DesiredSysctl> sysctls, IReadOnlyList<RemoteCommand> boot)
    {
        IReadOnlyDictionary<SysctlKey, int> recorded = StateParsers.PreviousValues(state.SysctlFile);
        var previous = new Dictionary<SysctlKey, int>(recorded);
        foreach (DesiredSysctl d in sysctls)
        {
            int? observed = state.Sysctl(d.Key);
            if (!previous.ContainsKey(d.Key) && (observed is null || !d.Accepted.Contains(observed.Value)))
            {
                // A missing device's sysctl comes into being at the kernel default when the device does.
                previous[d.Key] = observed ?? 0;
            }
        }

        // The file keeps a value the operator already had when it is one we accept (arp_ignore 2 stays 2 at boot).
        var fileValues = sysctls.Select(d => (d.Key, state.Sysctl(d.Key) is { } v && d.Accepted.Contains(v) ? v : d.Value)).ToList();
        string sysctlContent = PersistedFiles.Content(PersistedFiles.SysctlLines(fileValues, previous));
        yield return FilePresentItem("sysctl file", RemoteCommand.SysctlFilePath, sysctlContent, s => s.SysctlFile, systemdReload: false);

        string ip = SafeValues.IsProgramPath(state.IpPath) ? state.IpPath : "/sbin/ip";
        string modprobe = SafeValues.IsProgramPath(state.ModprobePath) ? state.ModprobePath : "/sbin/modprobe";
        string unitContent = PersistedFiles.Content(PersistedFiles.UnitLines(boot, ip, modprobe));
        yield return FilePresentItem("boot unit file", RemoteCommand.UnitFilePath, unitContent, s => s.UnitFile, state.SystemdRunning);

        yield return state.HasSystemctl
            ? new PlanItem(
                "boot unit enabled",
                "enabled",
                s => new ItemObservation(s.UnitEnabled ? "enabled" : "not enabled", s.UnitEnabled),
                [RemoteCommand.UnitEnable()])
            : new PlanItem(
                "boot unit enabled",
                "enabled",
                _ => new ItemObservation("no systemctl", true),
                [],
                SkipReason: $"systemctl not found: {RemoteCommand.UnitFilePath} is written but nothing runs it at boot; add its commands to the host's own boot mechanism");
    }

    private static PlanItem FilePresentItem(string name, string path, string content, Func<HostState, string?> read, bool systemdReload)
    {
        var lines = content.TrimEnd('\n').Split('\n');
        var commands = new List<RemoteCommand> { RemoteCommand.WriteFile(path, lines) };
        if (systemdReload)
        {
            commands.Add(RemoteCommand.DaemonReload());
        }

        return new PlanItem(
            $"{name} {path}",
            $"{lines.Length} lines as planned",
            s => read(s) switch
            {
                null => new ItemObservation("absent", false),
                var c when PersistedFiles.SameContent(c, content) => new ItemObservation("as planned", true),
                _ => new ItemObservation("different content", false),
            },
            commands);
    }

    private static PlanItem FileAbsentItem(string name, string path, Func<HostState, string?> read, bool systemdReload)
    {
        var commands = new List<RemoteCommand> { RemoteCommand.RemoveFile(path) };
        if (systemdReload)
        {
            commands.Add(RemoteCommand.DaemonReload());
        }

        return new PlanItem(
            $"{name} {path}",
            "absent",
            s => read(s) is null ? new ItemObservation("absent", true) : new ItemObservation("present", false),
            commands);
    }

    private static List<DesiredSysctl> DesiredSysctls(PrepTarget target, string? directorInterface)
    {
        var result = new List<DesiredSysctl>();
        if (target.Method == ForwardingMethodKind.Nat || !target.Vips.Any(IsV4))
        {
            // ARP and rp_filter are IPv4 only; IPv6 neighbour discovery answers only for addresses on the asking
            // interface, so a /128 on lo (or the tunnel) is not advertised and needs no sysctl.
            return result;
        }

        if (target.Method == ForwardingMethodKind.Tunnel)
        {
            string tunnel = TunnelDevice(target.Tunnel, AddressFamily.InterNetwork);
            result.Add(new DesiredSysctl(new SysctlKey("all", SysctlName.RpFilter), RpFilterValue, [0, 2]));
            result.Add(new DesiredSysctl(new SysctlKey(tunnel, SysctlName.RpFilter), RpFilterValue, [0, 2]));
        }

        var interfaces = new List<string> { "all", "lo" };
        if (directorInterface is not null && !interfaces.Contains(directorInterface))
        {
            interfaces.Add(directorInterface);
        }

        foreach (string iface in interfaces)
        {
            result.Add(new DesiredSysctl(new SysctlKey(iface, SysctlName.ArpIgnore), ArpIgnoreValue, [1, 2]));
            result.Add(new DesiredSysctl(new SysctlKey(iface, SysctlName.ArpAnnounce), ArpAnnounceValue, [2]));
        }

        return result;
    }

    private static string VipDevice(PrepTarget target, IPAddress vip) =>
        target.Method == ForwardingMethodKind.Tunnel ? TunnelDevice(target.Tunnel, vip.AddressFamily) : "lo";

    private static IEnumerable<AddressFamily> Families(PrepTarget target) =>
        target.Vips.Select(v => v.AddressFamily).Distinct().Order();

    private static bool IsV4(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>A sysctl the plan sets: the value to write and the values it accepts as already right.</summary>
    private sealed record DesiredSysctl(SysctlKey Key, int Value, IReadOnlyList<int> Accepted);
}
