using System.Net.Sockets;
using LvsHa.RealServers.Model;
using LvsHa.RealServers.Planning;

namespace LvsHa.RealServers.Running;

/// <summary>Reads a real server's state with read-only commands of the fixed vocabulary.</summary>
public static class StateProbe
{
    /// <summary>Reads everything the plan for this target needs.</summary>
    public static async Task<HostState> ReadAsync(IRemoteHost host, PrepTarget target, CancellationToken ct)
    {
        Task<CommandResult> Run(RemoteCommand c) => host.RunAsync(c.Render(useSudo: false), ct);

        CommandResult id = await Run(RemoteCommand.UserId()).ConfigureAwait(false);
        bool isRoot = id.Succeeded && id.Stdout.Trim() == "0";
        CommandResult? sudo = isRoot ? null : await Run(RemoteCommand.SudoCheck()).ConfigureAwait(false);

        string? ipPath = await WhichAsync("ip").ConfigureAwait(false);
        string? modprobePath = await WhichAsync("modprobe").ConfigureAwait(false);
        bool hasSystemctl = await WhichAsync("systemctl").ConfigureAwait(false) is not null;
        bool systemdRunning = (await Run(RemoteCommand.SystemdRunning()).ConfigureAwait(false)).Succeeded;
        bool unitEnabled = hasSystemctl && (await Run(RemoteCommand.UnitIsEnabled()).ConfigureAwait(false)).Stdout.Trim() == "enabled";
        string? sysctlFile = await ReadFileAsync(RemoteCommand.SysctlFilePath).ConfigureAwait(false);
        string? unitFile = await ReadFileAsync(RemoteCommand.UnitFilePath).ConfigureAwait(false);

        string? directorInterface = null;
        string? directorRouteError = null;
        if (target.DirectorAddress is { } director && target.Method != ForwardingMethodKind.Nat)
        {
            CommandResult route = await Run(RemoteCommand.RouteGet(director)).ConfigureAwait(false);
            directorInterface = route.Succeeded ? StateParsers.RouteDevice(route.Stdout) : null;
            directorRouteError = directorInterface is null ? (route.Stderr.Length > 0 ? route.Stderr : route.Stdout) : null;
        }

        RouteInfo? defaultRoute = null;
        if (target.Method == ForwardingMethodKind.Nat)
        {
            CommandResult route = await Run(RemoteCommand.DefaultRoute(target.RealServerAddress.AddressFamily)).ConfigureAwait(false);
            defaultRoute = route.Succeeded ? StateParsers.DefaultRoute(route.Stdout) : null;
        }

        var links = new Dictionary<string, LinkState>(StringComparer.Ordinal);
        foreach (string name in Planner.LinksFor(target))
        {
            CommandResult link = await Run(RemoteCommand.LinkShow(name)).ConfigureAwait(false);
            if (!link.Succeeded)
            {
                links[name] = LinkState.Missing;
                continue;
            }

            CommandResult addresses = await Run(RemoteCommand.AddressShow(name)).ConfigureAwait(false);
            links[name] = new LinkState(true, StateParsers.LinkIsUp(link.Stdout), StateParsers.Addresses(addresses.Stdout));
        }

        IReadOnlySet<int> fou = new HashSet<int>();
        IReadOnlySet<int> fou6 = new HashSet<int>();
        if (target is { Method: ForwardingMethodKind.Tunnel, Tunnel: TunnelKind.Gue })
        {
            fou = StateParsers.FouPorts((await Run(RemoteCommand.FouShow(AddressFamily.InterNetwork)).ConfigureAwait(false)).Stdout);
            fou6 = StateParsers.FouPorts((await Run(RemoteCommand.FouShow(AddressFamily.InterNetworkV6)).ConfigureAwait(false)).Stdout);
        }

        var sysctls = new Dictionary<string, int?>(StringComparer.Ordinal);
        IEnumerable<SysctlKey> keys = Planner.SysctlKeysFor(target, directorInterface).Concat(StateParsers.PreviousValues(sysctlFile).Keys).Distinct();
        foreach (SysctlKey key in keys)
        {
            CommandResult value = await Run(RemoteCommand.ReadSysctl(key)).ConfigureAwait(false);
            sysctls[key.Dotted] = value.Succeeded ? StateParsers.SysctlValue(value.Stdout) : null;
        }

        return new HostState
        {
            IsRoot = isRoot,
            SudoWorks = isRoot || sudo?.Succeeded == true,
            SudoError = sudo is { Succeeded: false } ? sudo.Stderr : null,
            Sysctls = sysctls,
            DirectorInterface = directorInterface,
            DirectorRouteError = directorRouteError,
            Links = links,
            DefaultRoute = defaultRoute,
            FouPorts = fou,
            Fou6Ports = fou6,
            SysctlFile = sysctlFile,
            UnitFile = unitFile,
            UnitEnabled = unitEnabled,
            HasSystemctl = hasSystemctl,
            SystemdRunning = systemdRunning,
            IpPath = ipPath ?? "/sbin/ip",
            ModprobePath = modprobePath ?? "/sbin/modprobe",
        };

        async Task<string?> WhichAsync(string program)
        {
            CommandResult r = await Run(RemoteCommand.Which(program)).ConfigureAwait(false);
            string path = r.Stdout.Trim();
            return r.Succeeded && SafeValues.IsProgramPath(path) ? path : null;
        }

        async Task<string?> ReadFileAsync(string path)
        {
            if (!(await Run(RemoteCommand.FileExists(path)).ConfigureAwait(false)).Succeeded)
            {
                return null;
            }

            CommandResult content = await Run(RemoteCommand.ReadFile(path)).ConfigureAwait(false);
            return content.Succeeded ? content.Stdout : string.Empty;
        }
    }
}
