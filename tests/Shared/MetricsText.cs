using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Prometheus;

namespace LvsHa.Testing;

/// <summary>Reads values out of the Prometheus text format (metrics tests of the director and the kernel lab).</summary>
public static partial class MetricsText
{
    public static async Task<string> ExportAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The value of the series <paramref name="name"/> with exactly <paramref name="labels"/> (in any order), or null.</summary>
    public static double? Value(string text, string name, params (string Name, string Value)[] labels)
    {
        foreach (var line in text.Split('\n'))
        {
            var match = Sample().Match(line);
            if (!match.Success || match.Groups["name"].Value != name)
                continue;
            var found = LabelPattern().Matches(match.Groups["labels"].Value)
                .Select(m => (m.Groups[1].Value, m.Groups[2].Value)).OrderBy(l => l.Item1, StringComparer.Ordinal).ToArray();
            if (found.SequenceEqual(labels.OrderBy(l => l.Name, StringComparer.Ordinal)))
                return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return null;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)")]
    private static partial Regex Sample();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"")]
    private static partial Regex LabelPattern();
}
