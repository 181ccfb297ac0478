using System.Text.RegularExpressions;

namespace LvsHa.Cli.Doctor;

/// <summary>One setting the shipped files ask for, with the reason their comment gives.</summary>
/// <param name="Key">sysctl key (net.ipv4.vs.sloppy_tcp) or module parameter (ip_vs conn_tab_bits).</param>
/// <param name="Value">The value the file sets.</param>
/// <param name="Reason">The first sentence of the comment above it.</param>
/// <param name="File">The shipped file that sets it (as installed by the package).</param>
public sealed record TunedSetting(string Key, string Value, string Reason, string File);

/// <summary>
/// The director tuning LvsHa ships, read from the shipped files themselves (deploy/sysctl, deploy/modprobe.d,
/// embedded in this assembly): those files are the one owner of each value and its reason; doctor only compares.
/// </summary>
public static partial class DirectorTuning
{
    /// <summary>Where the package installs the director sysctls.</summary>
    public const string DirectorSysctlFile = "/usr/lib/sysctl.d/90-lvsha-director.conf";

    /// <summary>Where the package puts the NAT sysctls for the operator to copy.</summary>
    public const string NatSysctlFile = "/usr/share/doc/lvsha/sysctl/91-lvsha-nat.conf";

    /// <summary>Where the package puts the BGP directors' sysctls for the operator to copy.</summary>
    public const string BgpSysctlFile = "/usr/share/doc/lvsha/sysctl/92-lvsha-bgp.conf";

    /// <summary>Where the package installs the ip_vs module options.</summary>
    public const string ModprobeFile = "/usr/lib/modprobe.d/lvsha-ip_vs.conf";

    /// <summary>Every director's sysctls (90-lvsha-director.conf).</summary>
    public static IReadOnlyList<TunedSetting> Director { get; } = Sysctls(Embedded("90-lvsha-director.conf"), DirectorSysctlFile);

    /// <summary>What NAT directors need on top (91-lvsha-nat.conf).</summary>
    public static IReadOnlyList<TunedSetting> Nat { get; } = Sysctls(Embedded("91-lvsha-nat.conf"), NatSysctlFile);

    /// <summary>What directors that announce VIPs by BGP need on top (92-lvsha-bgp.conf).</summary>
    public static IReadOnlyList<TunedSetting> Bgp { get; } = Sysctls(Embedded("92-lvsha-bgp.conf"), BgpSysctlFile);

    /// <summary>The ip_vs module options (lvsha-ip_vs.conf), keyed "ip_vs PARAMETER".</summary>
    public static IReadOnlyList<TunedSetting> Module { get; } = ModuleOptions(Embedded("lvsha-ip_vs.conf"), ModprobeFile);

    /// <summary>`key = value` lines of a sysctl.d file, each with the comment paragraph above it as its reason.</summary>
    public static IReadOnlyList<TunedSetting> Sysctls(string text, string file) =>
        Settings(text, file, SysctlLine(), m => (m.Groups[1].Value, m.Groups[2].Value));

    /// <summary>`options MODULE PARAM=VALUE` lines of a modprobe.d file.</summary>
    public static IReadOnlyList<TunedSetting> ModuleOptions(string text, string file) =>
        Settings(text, file, OptionsLine(), m => ($"{m.Groups[1].Value} {m.Groups[2].Value}", m.Groups[3].Value));

    private static List<TunedSetting> Settings(string text, string file, Regex line, Func<Match, (string Key, string Value)> read)
    {
        var settings = new List<TunedSetting>();
        var comment = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var trimmed = raw.Trim();
            if (trimmed.Length == 0)
            {
                comment.Clear();
                continue;
            }
            if (trimmed.StartsWith('#'))
            {
                comment.Add(trimmed.TrimStart('#').Trim());
                continue;
            }
            if (line.Match(trimmed) is { Success: true } match)
            {
                var (key, value) = read(match);
                settings.Add(new TunedSetting(key, value, FirstSentence(string.Join(' ', comment)), file));
            }
        }
        return settings;
    }

    private static string FirstSentence(string text)
    {
        var end = SentenceEnd().Match(text);
        return end.Success ? text[..(end.Index + 1)] : text;
    }

    private static string Embedded(string name)
    {
        using var stream = typeof(DirectorTuning).Assembly.GetManifestResourceStream("LvsHa.Cli.Tuning." + name)
            ?? throw new InvalidOperationException($"the build embeds no {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^([a-z0-9_.]+)\s*=\s*(\S+)$")]
    private static partial Regex SysctlLine();

    [GeneratedRegex(@"^options\s+(\S+)\s+([a-z0-9_]+)=(\S+)$")]
    private static partial Regex OptionsLine();

    // A period that ends a sentence: followed by a blank and a capital letter or the end ("e.g. at" does not).
    [GeneratedRegex(@"[.:](?=\s+[A-Z(]|$)")]
    private static partial Regex SentenceEnd();
}
