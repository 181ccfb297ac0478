using System.Text;

namespace LvsHa.RealServers.Running;

/// <summary>Renders a prepare report as a plain-text table and summary for the terminal.</summary>
public static class ReportFormatter
{
    private static readonly string[] Header = ["HOST", "ITEM", "OBSERVED", "DESIRED", "STATUS"];

    /// <summary>The table (host, item, observed, desired, status), problems under their item, and a summary line per host and overall.</summary>
    public static string Format(PrepareReport report, bool showCommands = false)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = new List<string[]> { Header };
        var notes = new List<(int Row, string Text)>();
        foreach (HostReport host in report.Hosts)
        {
            if (host.Error is not null)
            {
                rows.Add([host.Host, "(host)", "-", "-", "failed"]);
                notes.Add((rows.Count - 1, host.Error));
            }

            foreach (ItemReport item in host.Items)
            {
                rows.Add([host.Host, item.Name, item.Observed, item.Desired, Status(item.Status)]);
                if (item.Detail is not null)
                {
                    notes.Add((rows.Count - 1, item.Detail));
                }

                if (showCommands || item.Status == ItemStatus.WouldChange)
                {
                    notes.AddRange(item.Commands.Select(c => (rows.Count - 1, "$ " + c)));
                }
            }
        }

        int[] widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        ILookup<int, string> notesByRow = notes.ToLookup(n => n.Row, n => n.Text);
        for (int r = 0; r < rows.Count; r++)
        {
            text.AppendLine(string.Join("  ", rows[r].Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
            foreach (string note in notesByRow[r])
            {
                text.Append("    ").AppendLine(note);
            }
        }

        text.AppendLine();
        foreach (HostReport host in report.Hosts)
        {
            text.AppendLine(HostLine(host));
        }

        if (report.UnmatchedOnly.Count > 0)
        {
            text.AppendLine($"--only names that match no real server: {string.Join(", ", report.UnmatchedOnly)}");
        }

        int failedHosts = report.Hosts.Count(h => h.Failed);
        string mode = report.Undo ? "undo" : "prepare";
        text.AppendLine($"{mode}{(report.DryRun ? " (dry run)" : string.Empty)}: {report.Hosts.Count} host(s), {report.Hosts.Count - failedHosts} ok, {failedHosts} failed in {report.Elapsed.TotalSeconds:0.0} s");
        return text.ToString();
    }

    /// <summary>One host in plain words: "ok" or "failed" (with the host's own error), then how many items ended how,
    /// naming only the outcomes that occurred.</summary>
    private static string HostLine(HostReport host)
    {
        var outcomes = host.Items.GroupBy(i => i.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Status(g.Key).ToLowerInvariant()}").ToList();
        var verdict = host.Failed ? "FAILED" : "ok";
        var error = host.Error is null ? string.Empty : $": {host.Error}";
        var items = outcomes.Count == 0 ? (host.Failed ? string.Empty : "; nothing to do") : "; " + string.Join(", ", outcomes);
        return $"{host.Host}: {verdict}{error}{items} ({host.Elapsed.TotalSeconds:0.0} s)";
    }

    private static string Status(ItemStatus status) => status switch
    {
        ItemStatus.Changed => "changed",
        ItemStatus.AlreadyRight => "already right",
        ItemStatus.WouldChange => "would change",
        ItemStatus.Failed => "FAILED",
        ItemStatus.Skipped => "skipped",
        _ => status.ToString(),
    };
}
