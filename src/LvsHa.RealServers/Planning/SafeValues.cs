using System.Text.RegularExpressions;

namespace LvsHa.RealServers.Planning;

/// <summary>The only shapes of text allowed into a remote command line; everything else is refused.</summary>
public static partial class SafeValues
{
    /// <summary>True when the name is a Linux interface name we accept (IFNAMSIZ-1 characters of a safe alphabet).</summary>
    public static bool IsInterfaceName(string? name) =>
        name is not null && InterfaceNamePattern().IsMatch(name) && name != "." && name != "..";

    /// <summary>Returns the name or throws <see cref="ArgumentException"/> naming the refused value.</summary>
    public static string InterfaceName(string name) =>
        IsInterfaceName(name) ? name : throw new ArgumentException($"refused interface name '{name}': it must match [A-Za-z0-9_.-]{{1,15}}", nameof(name));

    /// <summary>True for an absolute path of a safe alphabet (program paths observed on the host).</summary>
    public static bool IsProgramPath(string? path) => path is not null && ProgramPathPattern().IsMatch(path) && !path.Contains("..", StringComparison.Ordinal);

    /// <summary>True for a command-line word that needs no quoting in a POSIX shell.</summary>
    internal static bool IsShellWord(string word) => ShellWordPattern().IsMatch(word);

    /// <summary>True for a line that may be written into a file inside single quotes.</summary>
    internal static bool IsFileLine(string line) => FileLinePattern().IsMatch(line);

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,15}$")]
    private static partial Regex InterfaceNamePattern();

    [GeneratedRegex("^/[A-Za-z0-9_./-]{1,200}$")]
    private static partial Regex ProgramPathPattern();

    [GeneratedRegex("^[A-Za-z0-9_./:=%@+,-]{1,200}$")]
    private static partial Regex ShellWordPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_./:=%@+,#()\[\] -]{0,300}$")]
    private static partial Regex FileLinePattern();
}
