using System.Globalization;
using System.Net;

namespace LvsHa.RealServers.Planning;

/// <summary>Renders prepare's own files: the sysctl.d file and the boot unit that restores the VIPs.</summary>
public static class PersistedFiles
{
    /// <summary>The comment prefix recording a sysctl's value from before the first prepare (used by undo).</summary>
    public const string PreviousMarker = "# previous ";

    private const string Header = "# Written by lvsha prepare, removed by lvsha prepare --undo.";

    /// <summary>The sysctl.d lines: header, previous values (for undo), then the desired values.</summary>
    public static IReadOnlyList<string> SysctlLines(IReadOnlyList<(SysctlKey Key, int Value)> desired, IReadOnlyDictionary<SysctlKey, int> previous)
    {
        var lines = new List<string> { Header };
        lines.AddRange(previous.OrderBy(p => p.Key.Dotted, StringComparer.Ordinal)
            .Select(p => $"{PreviousMarker}{p.Key.FileKey}={p.Value.ToString(CultureInfo.InvariantCulture)}"));
        lines.AddRange(desired.Select(d => $"{d.Key.FileKey} = {d.Value.ToString(CultureInfo.InvariantCulture)}"));
        return lines;
    }

    /// <summary>The boot unit lines: a oneshot that brings the tunnel up and adds each VIP (failures ignored: already there).</summary>
    public static IReadOnlyList<string> UnitLines(IReadOnlyList<RemoteCommand> bootCommands, string ipPath, string modprobePath)
    {
        var lines = new List<string>
        {
            Header,
            "[Unit]",
            "Description=LvsHa real-server VIPs (lvsha prepare)",
            "After=network-pre.target",
            "Before=network.target",
            string.Empty,
            "[Service]",
            "Type=oneshot",
            "RemainAfterExit=yes",
        };
        foreach (RemoteCommand command in bootCommands)
        {
            string program = command.Argv[0] switch
            {
                "ip" => ipPath,
                "modprobe" => modprobePath,
                _ => throw new ArgumentException($"not a boot command: {command.Text}", nameof(bootCommands)),
            };
            lines.Add($"ExecStart=-{program} {string.Join(' ', command.Argv.Skip(1))}");
        }

        lines.Add(string.Empty);
        lines.Add("[Install]");
        lines.Add("WantedBy=multi-user.target");
        return lines;
    }

    /// <summary>The file content as <c>cat</c> returns it after <c>printf '%s\n'</c> wrote the lines.</summary>
    public static string Content(IReadOnlyList<string> lines) => string.Concat(lines.Select(l => l + "\n"));

    /// <summary>Whether two file contents are the same apart from trailing whitespace at the end.</summary>
    public static bool SameContent(string? observed, string desired) =>
        observed is not null && observed.TrimEnd() == desired.TrimEnd();

    /// <summary>A host address in prefix form, for reports.</summary>
    public static string HostPrefix(IPAddress address) => RemoteCommand.HostPrefix(address);
}
