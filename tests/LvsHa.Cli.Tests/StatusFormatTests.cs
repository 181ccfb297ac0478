using LvsHa.Cli.Commands;
using LvsHa.Director.Control;
using LvsHa.Director.Instances;

namespace LvsHa.Cli.Tests;

public class StatusFormatTests
{
    private static StatusReport Report(IReadOnlyList<TrackerStatus>? trackers) => new(
        "d1", null, new QuorumReport(true, 1, 1, "none (no cluster block)"), [],
        [new InstanceStatus("VI_1", 51, "BACKUP", 0, 0, 0, new Dictionary<string, DateTimeOffset>(), null, 90, null, ["10.0.0.50"], trackers)]);

    [Fact]
    public void Format_InstanceWithTrackers_ListsThemUnderTheInstances()
    {
        var text = StatusCommand.Format(Report(
            [new TrackerStatus("interface eth0", "UP", 0), new TrackerStatus("track_script chk", "DOWN", -60, Reverse: true)]));
        Assert.Matches(@"Trackers:\n\s+INSTANCE\s+TRACKER\s+STATE\s+WEIGHT\n\s+VI_1\s+interface eth0\s+UP\s+0\n\s+VI_1\s+track_script chk\s+DOWN\s+-60 reverse", text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Format_Instance_ShowsWhenAndWhyItEnteredItsState()
    {
        var since = new DateTimeOffset(2026, 12, 4, 10, 20, 30, TimeSpan.Zero);
        var report = Report(null) with
        {
            Instances = [Report(null).Instances[0] with { State = "MASTER", Since = since, SinceReason = "no advert from a master within Master_Down_Interval" }],
        };
        var text = StatusCommand.Format(report).ReplaceLineEndings("\n");
        var local = since.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Matches(@"INSTANCE\s+VRID\s+STATE\s+SINCE\s+PRIORITY\s+MASTER\s+VIPS\s+WHY\n\s+VI_1\s+51\s+MASTER\s+" + local
            + @"\s+90\s+-\s+10\.0\.0\.50\s+no advert from a master within Master_Down_Interval", text);
    }

    [Fact]
    public void Format_Bgp_RoutesWhyWithdrawnAndSessions()
    {
        var bgp = new LvsHa.Director.Bgp.BgpStatus(["10.98.100.1/32"], ["10.98.100.1/32", "10.98.100.2/32"], false, false,
            [new("10.99.0.254", "up Established")]);
        var text = StatusCommand.Format(Report(null) with { Bgp = bgp }).ReplaceLineEndings("\n");
        Assert.Matches(@"BGP: announcing 10\.98\.100\.1/32; IPVS can forward 10\.98\.100\.1/32 10\.98\.100\.2/32\n\s+NEIGHBOR\s+SESSION\n\s+10\.99\.0\.254\s+up Established", text);
        var drained = StatusCommand.Format(Report(null) with { Bgp = bgp with { Announced = [], Drained = true } });
        Assert.Contains("BGP: announcing nothing (everything withdrawn: DRAINED, lvsha drain --director)", drained, StringComparison.Ordinal);
        Assert.DoesNotContain("BGP:", StatusCommand.Format(Report(null)), StringComparison.Ordinal);
    }

    [Fact]
    public void Format_NoTrackers_NoTrackerTable() =>
        Assert.DoesNotContain("Trackers:", StatusCommand.Format(Report(null)), StringComparison.Ordinal);

    [Fact]
    public void Format_VirtualService_NamesSchedulerAndMethodAsTheConfigSpellsThem()
    {
        var report = Report(null) with
        {
            VirtualServices = [new VirtualServiceSummary("10.0.0.50:80/TCP", true, true, ["-t 10.0.0.50:80"], [], "wrr", "DR")],
        };
        Assert.Contains("Virtual service 10.0.0.50:80/TCP: in kernel, lb_algo wrr, lb_kind DR, quorum up, IPVS -t 10.0.0.50:80",
            StatusCommand.Format(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Format_NoCluster_SaysSoInTheConfigsWords() =>
        Assert.Contains("split_brain_guard none (no cluster block)", StatusCommand.Format(Report(null)), StringComparison.Ordinal);
}
