using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using LvsHa.Director.Control;
using LvsHa.Director.Instances;
using LvsHa.Director.Lvs;
using LvsHa.Director.Metrics;
using LvsHa.Netlink.Ipvs;
using static LvsHa.Testing.MetricsText;

namespace LvsHa.Director.Tests.Metrics;

/// <summary>deploy/monitoring against the real Prometheus tools and the director's own metrics: the alert rules pass
/// promtool's checks and their unit tests, every dashboard query is valid PromQL, and both use only metric and
/// label names a director exports (a renamed metric breaks this test, not an operator's alert).</summary>
public sealed partial class MonitoringFilesTests
{
    private static readonly string Folder = Path.Combine(Root(), "deploy", "monitoring");

    /// <summary>Labels Prometheus adds or the histogram format has, beside the director's own.</summary>
    private static readonly string[] ScrapeLabels = ["job", "instance", "le"];

    [Fact]
    public void AlertRules_PassPromtoolsCheckAndTheirUnitTests()
    {
        var (code, output) = Promtool("test", "rules", "lvsha-alerts.test.yml");
        Assert.True(code == 0, "promtool test rules lvsha-alerts.test.yml:\n" + output);
    }

    [Fact]
    public void DashboardQueries_AreValidPromQL()
    {
        var queries = DashboardQueries();
        Assert.True(queries.Count >= 20, $"only {queries.Count} queries found in the dashboard");
        // promtool checks PromQL inside rule files: each query becomes a recording rule, the dashboard's variables
        // replaced by what Grafana would put there.
        var rules = "groups:\n  - name: dashboard\n    rules:\n" + string.Concat(queries.Select((q, i) =>
            $"      - record: lvsha_dashboard_query_{i}\n        expr: {JsonSerializer.Serialize(q.Replace("$director", ".*", StringComparison.Ordinal).Replace("$__rate_interval", "1m", StringComparison.Ordinal))}\n"));
        var file = Path.Combine(Path.GetTempPath(), $"lvsha-dashboard-{Environment.ProcessId}.rules.yml");
        File.WriteAllText(file, rules);
        try
        {
            var (code, output) = Promtool("check", "rules", file);
            Assert.True(code == 0, "promtool check rules of the dashboard's queries:\n" + output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RulesAndDashboard_UseOnlyMetricsAndLabelsADirectorExports()
    {
        var exported = await ExportedNamesAsync();
        var texts = new[] { File.ReadAllText(Path.Combine(Folder, "lvsha-alerts.yml")) }.Concat(DashboardQueries());
        var used = string.Join('\n', texts);

        var unknownMetrics = MetricName().Matches(used).Select(m => m.Value).Distinct()
            .Where(name => !exported.Metrics.Contains(name)).ToList();
        var labels = Selector().Matches(used).SelectMany(m => LabelMatcher().Matches(m.Groups[1].Value).Select(l => l.Groups[1].Value))
            .Concat(Grouping().Matches(used).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
            .Distinct().ToList();
        var unknownLabels = labels.Where(l => !exported.Labels.Contains(l) && !ScrapeLabels.Contains(l)).ToList();

        Assert.True(unknownMetrics.Count == 0, "metrics no director exports: " + string.Join(", ", unknownMetrics));
        Assert.True(unknownLabels.Count == 0, "labels no director exports: " + string.Join(", ", unknownLabels));
        Assert.Contains("vrrp_instance", labels); // the scan itself found what the rules group by
    }

    /// <summary>Metric and label names of a director with every kind of series present: one instance, one
    /// virtual service with a real server, one IPVS service, one event of each kind, the process metrics.</summary>
    private static async Task<(HashSet<string> Metrics, HashSet<string> Labels)> ExportedNamesAsync()
    {
        var metrics = new DirectorMetrics();
        var service = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80);
        var destination = new IpvsDestination(service, IPAddress.Parse("10.0.1.1"), 80, IpvsForwarding.DirectRoute, 1);
        var realServer = new IPEndPoint(IPAddress.Parse("10.0.1.1"), 80);
        metrics.Apply(new MetricsSnapshot(
            new StatusReport("d1", null, new QuorumReport(true, 1, 1, "none (no cluster block)"), [],
                [new InstanceStatus("VI_1", 51, "MASTER", 1, 1, 1, new Dictionary<string, DateTimeOffset>(), null, 100, null, ["10.0.0.1"])]),
            new LvsStatus([new VirtualServiceReport("10.0.0.1:80", true, [new RealServerReport(realServer, true, 1, true, 0, null, [])])]),
            [new IpvsServiceCounters(new IpvsServiceEntry(new IpvsService(service, "wlc"), IpvsStats.Zero),
                [new IpvsDestinationEntry(destination, 1, 1, 0, IpvsStats.Zero)])]));
        metrics.Record(new VrrpStateTransition("VI_1", 51, "BACKUP", "MASTER"));
        metrics.Record(new HealthCheckObserved("10.0.0.1:80", realServer, "TCP_CHECK", true, TimeSpan.FromMilliseconds(2)));
        metrics.Record(new IpvsOperationReported(new IpvsOperation.AddDestination(destination), false, "IpvsDriftRepaired"));

        var text = await ExportAsync(metrics.Registry);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match type in TypeLine().Matches(text))
        {
            names.Add(type.Groups[1].Value);
            if (type.Groups[2].Value == "histogram")
                names.UnionWith(new[] { "_bucket", "_sum", "_count" }.Select(s => type.Groups[1].Value + s));
        }

        foreach (Match label in LabelMatcher().Matches(text))
            labels.Add(label.Groups[1].Value);
        return (names, labels);
    }

    /// <summary>Every "expr" of the dashboard's panels.</summary>
    private static List<string> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "lvsha-dashboard.json")));
        return [.. dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)];
    }

    private static (int Code, string Output) Promtool(params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"promtool cannot be run ({e.Message}): tests/lab/install-deps.sh installs it (Debian package prometheus)");
            throw;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(60_000), "promtool did not finish within 60 s");
            return (process.ExitCode, output.Result + error);
        }
    }

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "deploy", "monitoring")))
            dir = dir.Parent;
        Assert.True(dir is not null, "deploy/monitoring not found above " + AppContext.BaseDirectory);
        return dir!.FullName;
    }

    [GeneratedRegex(@"\b(?:lvsha|process)_[a-z_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex Selector();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*""")]
    private static partial Regex LabelMatcher();

    [GeneratedRegex(@"\b(?:by|without)\s*\(([^)]*)\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"^# TYPE (\S+) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
