using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LvsHa.RealServers.Planning;

/// <summary>
/// One command of the fixed vocabulary prepare runs on a real server. Built only by the factories here from
/// parsed addresses, validated interface names and fixed words, so config strings can never reach a shell.
/// </summary>
public sealed class RemoteCommand
{
    /// <summary>The sysctl file prepare owns.</summary>
    public const string SysctlFilePath = "/etc/sysctl.d/90-lvsha.conf";

    /// <summary>The boot unit name prepare owns.</summary>
    public const string UnitName = "lvsha-vips.service";

    /// <summary>The boot unit file prepare owns.</summary>
    public const string UnitFilePath = "/etc/systemd/system/" + UnitName;

    private static readonly HashSet<string> Modules = ["ipip", "ip_gre", "fou", "ip6_tunnel", "ip6_gre"];
    private static readonly string[] NoDad = ["nodad"];
    private static readonly HashSet<string> OwnedFiles = [SysctlFilePath, UnitFilePath];

    private RemoteCommand(IReadOnlyList<string> argv, bool needsRoot, IReadOnlyList<string>? stdinLines = null)
    {
        foreach (string word in argv)
        {
            if (!SafeValues.IsShellWord(word))
            {
                throw new ArgumentException($"refused command word '{word}'", nameof(argv));
            }
        }

        foreach (string line in stdinLines ?? [])
        {
            if (!SafeValues.IsFileLine(line))
            {
                throw new ArgumentException($"refused file line '{line}'", nameof(stdinLines));
            }
        }

        Argv = argv;
        NeedsRoot = needsRoot;
        StdinLines = stdinLines;
    }

    /// <summary>The words of the command.</summary>
    public IReadOnlyList<string> Argv { get; }

    /// <summary>Whether the command changes the host and so runs through sudo for a non-root user.</summary>
    public bool NeedsRoot { get; }

    /// <summary>Lines piped to the command (file writes), or null.</summary>
    public IReadOnlyList<string>? StdinLines { get; }

    /// <summary>The command line for people (without sudo).</summary>
    public string Text => Render(useSudo: false);

    /// <summary>The shell line to send: every word is safe unquoted; file lines are single-quoted and contain no quote.</summary>
    public string Render(bool useSudo)
    {
        string prefix = useSudo && NeedsRoot ? "sudo -n " : string.Empty;
        string command = prefix + string.Join(' ', Argv);
        if (StdinLines is null)
        {
            return command;
        }

        string lines = string.Join(' ', StdinLines.Select(l => "'" + l + "'"));
        return $"printf '%s\\n' {lines} | {command} >/dev/null";
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <summary>The marker line that ends each command's output in a batch, followed by its exit code.</summary>
    public const string BatchMarker = "@@lvsha-exit";

    /// <summary>
    /// One shell line running read-only commands in turn (one SSH round trip instead of one each), each command's
    /// stderr merged into its stdout and followed by a marker line with its exit code.
    /// </summary>
    public static string RenderBatch(IReadOnlyList<RemoteCommand> commands)
    {
        if (commands.Any(c => c.NeedsRoot || c.StdinLines is not null))
        {
            throw new ArgumentException("only read commands can be batched", nameof(commands));
        }

        // The newline before the marker keeps it at the start of a line even after output without a final newline.
        return string.Join("; ", commands.Select(c => $"{c.Text} 2>&1; printf '\\n{BatchMarker} %s\\n' $?"));
    }

    /// <summary>The numeric uid of the login user.</summary>
    public static RemoteCommand UserId() => new(["id", "-u"], false);

    /// <summary>Whether sudo works without a password.</summary>
    public static RemoteCommand SudoCheck() => new(["sudo", "-n", "true"], false);

    /// <summary>The path of a program from a fixed list, or a non-zero exit when missing.</summary>
    public static RemoteCommand Which(string program) =>
        program is "ip" or "modprobe" or "systemctl" ? new(["command", "-v", program], false) : throw new ArgumentException($"unknown program {program}", nameof(program));

    /// <summary>Exit 0 when systemd is the running init.</summary>
    public static RemoteCommand SystemdRunning() => new(["test", "-d", "/run/systemd/system"], false);

    /// <summary>Reads one sysctl.</summary>
    public static RemoteCommand ReadSysctl(SysctlKey key) => new(["cat", key.ProcPath], false);

    /// <summary>Sets one sysctl at runtime.</summary>
    public static RemoteCommand WriteSysctl(SysctlKey key, int value) =>
        new(["sysctl", "-q", "-w", $"{key.Slashed}={value.ToString(CultureInfo.InvariantCulture)}"], true);

    /// <summary>The route the host would use towards an address.</summary>
    public static RemoteCommand RouteGet(IPAddress address) => new(["ip", "-o", "route", "get", address.ToString()], false);

    /// <summary>The default route of one family.</summary>
    public static RemoteCommand DefaultRoute(AddressFamily family) =>
        new(["ip", "-o", Family(family), "route", "show", "default"], false);

    /// <summary>One link's flags.</summary>
    public static RemoteCommand LinkShow(string iface) => new(["ip", "-o", "link", "show", "dev", SafeValues.InterfaceName(iface)], false);

    /// <summary>One link's addresses.</summary>
    public static RemoteCommand AddressShow(string iface) => new(["ip", "-o", "addr", "show", "dev", SafeValues.InterfaceName(iface)], false);

    /// <summary>Adds a host address (/32 or /128; IPv6 without duplicate address detection so it is usable at once).</summary>
    public static RemoteCommand AddressAdd(IPAddress address, string iface) =>
        new(["ip", "addr", "add", HostPrefix(address), "dev", SafeValues.InterfaceName(iface), .. address.AddressFamily == AddressFamily.InterNetworkV6 ? NoDad : []], true);

    /// <summary>Removes a host address.</summary>
    public static RemoteCommand AddressDelete(IPAddress address, string iface) =>
        new(["ip", "addr", "del", HostPrefix(address), "dev", SafeValues.InterfaceName(iface)], true);

    /// <summary>Sets a link up.</summary>
    public static RemoteCommand LinkUp(string iface) => new(["ip", "link", "set", "dev", SafeValues.InterfaceName(iface), "up"], true);

    /// <summary>Loads a kernel module from a fixed list.</summary>
    public static RemoteCommand Modprobe(string module) =>
        Modules.Contains(module) ? new(["modprobe", module], true) : throw new ArgumentException($"refused module {module}", nameof(module));

    /// <summary>The fou (GUE/FOU) receive ports of one family.</summary>
    public static RemoteCommand FouShow(AddressFamily family) => new(["ip", Family(family), "fou", "show"], false);

    /// <summary>Opens a GUE receive port.</summary>
    public static RemoteCommand FouAdd(AddressFamily family, int port) =>
        new(["ip", Family(family), "fou", "add", "port", Port(port), "gue"], true);

    /// <summary>Exit 0 when one of prepare's own files exists.</summary>
    public static RemoteCommand FileExists(string path) => new(["test", "-e", Owned(path)], false);

    /// <summary>Reads one of prepare's own files.</summary>
    public static RemoteCommand ReadFile(string path) => new(["cat", Owned(path)], false);

    /// <summary>Writes one of prepare's own files from validated lines.</summary>
    public static RemoteCommand WriteFile(string path, IReadOnlyList<string> lines) => new(["tee", Owned(path)], true, lines);

    /// <summary>Removes one of prepare's own files.</summary>
    public static RemoteCommand RemoveFile(string path) => new(["rm", "-f", Owned(path)], true);

    /// <summary>Whether the boot unit is enabled (prints enabled/disabled).</summary>
    public static RemoteCommand UnitIsEnabled() => new(["systemctl", "is-enabled", UnitName], false);

    /// <summary>Enables the boot unit.</summary>
    public static RemoteCommand UnitEnable() => new(["systemctl", "enable", "--quiet", UnitName], true);

    /// <summary>Disables the boot unit.</summary>
    public static RemoteCommand UnitDisable() => new(["systemctl", "disable", "--quiet", UnitName], true);

    /// <summary>Makes a running systemd reread unit files.</summary>
    public static RemoteCommand DaemonReload() => new(["systemctl", "daemon-reload"], true);

    /// <summary>The prefix form of a host address.</summary>
    public static string HostPrefix(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"{address}/128" : $"{address}/32";

    private static string Family(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? "-6" : "-4";

    private static string Port(int port) =>
        port is > 0 and < 65536 ? port.ToString(CultureInfo.InvariantCulture) : throw new ArgumentOutOfRangeException(nameof(port), port, "port must be 1-65535");

    private static string Owned(string path) =>
        OwnedFiles.Contains(path) ? path : throw new ArgumentException($"refused file {path}: prepare touches only its own files", nameof(path));
}
