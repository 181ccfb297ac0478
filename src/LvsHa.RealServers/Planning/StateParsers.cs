using System.Globalization;
using System.Net;

namespace LvsHa.RealServers.Planning;

/// <summary>Parses the output of the read commands (iproute2 one-line output, /proc values); never throws.</summary>
public static class StateParsers
{
    /// <summary>The "dev X" of <c>ip -o route get</c>; null when missing or not a safe interface name.</summary>
    public static string? RouteDevice(string output) => Word(output, "dev") is { } dev && SafeValues.IsInterfaceName(dev) ? dev : null;

    /// <summary>The first default route of <c>ip -o route show default</c>, or null when there is none.</summary>
    public static RouteInfo? DefaultRoute(string output)
    {
        string? line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(l => l.StartsWith("default", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        IPAddress? gateway = Word(line, "via") is { } via && IPAddress.TryParse(via, out IPAddress? g) ? g : null;
        string? dev = Word(line, "dev") is { } d && SafeValues.IsInterfaceName(d) ? d : null;
        return new RouteInfo(gateway, dev);
    }

    /// <summary>Whether <c>ip -o link show</c> lists the UP flag.</summary>
    public static bool LinkIsUp(string output)
    {
        int open = output.IndexOf('<', StringComparison.Ordinal);
        int close = open < 0 ? -1 : output.IndexOf('>', open);
        return close > open && output[(open + 1)..close].Split(',').Contains("UP");
    }

    /// <summary>The inet/inet6 addresses of <c>ip -o addr show</c>.</summary>
    public static IReadOnlyList<InterfaceAddress> Addresses(string output)
    {
        var result = new List<InterfaceAddress>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string? cidr = Word(line, "inet") ?? Word(line, "inet6");
            int slash = cidr?.IndexOf('/', StringComparison.Ordinal) ?? -1;
            if (cidr is null || slash < 0)
            {
                continue;
            }

            if (IPAddress.TryParse(cidr.AsSpan(0, slash), out IPAddress? address)
                && int.TryParse(cidr.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int prefix))
            {
                result.Add(new InterfaceAddress(address, prefix));
            }
        }

        return result;
    }

    /// <summary>The ports of <c>ip fou show</c> ("port 5555 gue").</summary>
    public static IReadOnlySet<int> FouPorts(string output)
    {
        var ports = new HashSet<int>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Word(line, "port") is { } p && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int port))
            {
                ports.Add(port);
            }
        }

        return ports;
    }

    /// <summary>An integer sysctl value, or null.</summary>
    public static int? SysctlValue(string output) =>
        int.TryParse(output.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v : null;

    /// <summary>The "# previous KEY=VALUE" lines of prepare's own sysctl file: the values before the first prepare.</summary>
    public static IReadOnlyDictionary<SysctlKey, int> PreviousValues(string? sysctlFile)
    {
        var result = new Dictionary<SysctlKey, int>();
        foreach (string raw in (sysctlFile ?? string.Empty).Split('\n'))
        {
            string line = raw.Trim();
            if (!line.StartsWith(PersistedFiles.PreviousMarker, StringComparison.Ordinal))
            {
                continue;
            }

            string[] kv = line[PersistedFiles.PreviousMarker.Length..].Trim().Split('=', 2);
            if (kv.Length == 2 && SysctlKey.TryParse(kv[0].Trim()) is { } key && SysctlValue(kv[1]) is { } value)
            {
                result[key] = value;
            }
        }

        return result;
    }

    private static string? Word(string text, string keyword)
    {
        string[] words = text.Split([' ', '\t', '\n', '\\'], StringSplitOptions.RemoveEmptyEntries);
        int i = Array.IndexOf(words, keyword);
        return i >= 0 && i + 1 < words.Length ? words[i + 1] : null;
    }
}
