using System.Globalization;
using System.Net.Sockets;
using LvsHa.RealServers.Model;
using LvsHa.RealServers.Planning;

namespace LvsHa.RealServers.Running;

/// <summary>Reads a real server's state with read-only commands of the fixed vocabulary, in two batched round trips.</summary>
public static class StateProbe
{
    /// <summary>Reads everything the plan for this target needs.</summary>
    public static async Task<HostState> ReadAsync(IRemoteHost host, PrepTarget target, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(target);
        var first = new List<RemoteCommand>
        {
            RemoteCommand.UserId(),
            RemoteCommand.SudoCheck(),
            RemoteCommand.Which("ip"),
            RemoteCommand.Which("modprobe"),
            RemoteCommand.Which("systemctl"),
            RemoteCommand.SystemdRunning(),
            RemoteCommand.UnitIsEnabled(),
            RemoteCommand.FileExists(RemoteCommand.SysctlFilePath),
            RemoteCommand.ReadFile(RemoteCommand.SysctlFilePath),
            RemoteCommand.FileExists(RemoteCommand.UnitFilePath),
            RemoteCommand.ReadFile(RemoteCommand.UnitFilePath),
        };
        int director = Add(first, target.DirectorAddress is { } d && target.Method != ForwardingMethodKind.Nat ? RemoteCommand.RouteGet(d) : null);
        int defaultRoute = Add(first, target.Method == ForwardingMethodKind.Nat ? RemoteCommand.DefaultRoute(target.RealServerAddress.AddressFamily) : null);
        bool gue = target is { Method: ForwardingMethodKind.Tunnel, Tunnel: TunnelKind.Gue };
        int fou = Add(first, gue ? RemoteCommand.FouShow(AddressFamily.InterNetwork) : null);
        int fou6 = Add(first, gue ? RemoteCommand.FouShow(AddressFamily.InterNetworkV6) : null);
        IReadOnlyList<string> linkNames = Planner.LinksFor(target);
        int links = first.Count;
        foreach (string name in linkNames)
        {
            first.Add(RemoteCommand.LinkShow(name));
            first.Add(RemoteCommand.AddressShow(name));
        }

        IReadOnlyList<CommandResult> r = await RunBatchAsync(host, first, ct).ConfigureAwait(false);
        bool isRoot = r[0].Succeeded && r[0].Stdout.Trim() == "0";
        string? sysctlFile = r[7].Succeeded ? (r[8].Succeeded ? r[8].Stdout : string.Empty) : null;
        string? unitFile = r[9].Succeeded ? (r[10].Succeeded ? r[10].Stdout : string.Empty) : null;
        string? directorInterface = director >= 0 && r[director].Succeeded ? StateParsers.RouteDevice(r[director].Stdout) : null;
        string? directorRouteError = director >= 0 && directorInterface is null ? r[director].Stdout : null;
        var linkStates = new Dictionary<string, LinkState>(StringComparer.Ordinal);
        for (int i = 0; i < linkNames.Count; i++)
        {
            CommandResult show = r[links + (2 * i)];
            linkStates[linkNames[i]] = show.Succeeded
                ? new LinkState(true, StateParsers.LinkIsUp(show.Stdout), StateParsers.Addresses(r[links + (2 * i) + 1].Stdout))
                : LinkState.Missing;
        }

        // The sysctls depend on the first answers: the interface towards the director and the keys prepare recorded.
        var keys = Planner.SysctlKeysFor(target, directorInterface).Concat(StateParsers.PreviousValues(sysctlFile).Keys).Distinct().ToList();
        IReadOnlyList<CommandResult> values = keys.Count == 0 ? [] : await RunBatchAsync(host, keys.Select(RemoteCommand.ReadSysctl).ToList(), ct).ConfigureAwait(false);
        var sysctls = new Dictionary<string, int?>(StringComparer.Ordinal);
        for (int i = 0; i < keys.Count; i++)
        {
            sysctls[keys[i].Dotted] = values[i].Succeeded ? StateParsers.SysctlValue(values[i].Stdout) : null;
        }

        return new HostState
        {
            IsRoot = isRoot,
            SudoWorks = isRoot || r[1].Succeeded,
            SudoError = isRoot || r[1].Succeeded ? null : r[1].Stdout,
            Sysctls = sysctls,
            DirectorInterface = directorInterface,
            DirectorRouteError = directorRouteError,
            Links = linkStates,
            DefaultRoute = defaultRoute >= 0 && r[defaultRoute].Succeeded ? StateParsers.DefaultRoute(r[defaultRoute].Stdout) : null,
            FouPorts = fou >= 0 ? StateParsers.FouPorts(r[fou].Stdout) : new HashSet<int>(),
            Fou6Ports = fou6 >= 0 ? StateParsers.FouPorts(r[fou6].Stdout) : new HashSet<int>(),
            SysctlFile = sysctlFile,
            UnitFile = unitFile,
            UnitEnabled = r[4].Succeeded && r[6].Stdout.Trim() == "enabled",
            HasSystemctl = r[4].Succeeded,
            SystemdRunning = r[5].Succeeded,
            IpPath = Path(r[2]) ?? "/sbin/ip",
            ModprobePath = Path(r[3]) ?? "/sbin/modprobe",
        };
    }

    /// <summary>Splits a batch's output at the marker lines (each after an added newline) into one result per command; a missing part is a failure.</summary>
    public static IReadOnlyList<CommandResult> SplitBatch(string output, int count)
    {
        var results = new List<CommandResult>(count);
        int start = 0;
        string marker = RemoteCommand.BatchMarker + " ";
        while (results.Count < count)
        {
            int at = output.IndexOf(marker, start, StringComparison.Ordinal);
            if (at <= 0 || output[at - 1] != '\n')
            {
                break;
            }

            int end = output.IndexOf('\n', at);
            end = end < 0 ? output.Length : end;
            int code = int.TryParse(output.AsSpan(at + marker.Length, end - at - marker.Length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int c) ? c : -1;
            results.Add(new CommandResult(code, output[start..(at - 1)], string.Empty));
            start = Math.Min(end + 1, output.Length);
        }

        while (results.Count < count)
        {
            results.Add(new CommandResult(-1, string.Empty, "no output (the batch stopped early)"));
        }

        return results;
    }

    private static async Task<IReadOnlyList<CommandResult>> RunBatchAsync(IRemoteHost host, List<RemoteCommand> commands, CancellationToken ct)
    {
        CommandResult result = await host.RunAsync(RemoteCommand.RenderBatch(commands), ct).ConfigureAwait(false);
        return SplitBatch(result.Stdout, commands.Count);
    }

    private static int Add(List<RemoteCommand> commands, RemoteCommand? command)
    {
        if (command is null)
        {
            return -1;
        }

        commands.Add(command);
        return commands.Count - 1;
    }

    private static string? Path(CommandResult which)
    {
        string path = which.Stdout.Trim();
        return which.Succeeded && SafeValues.IsProgramPath(path) ? path : null;
    }
}
