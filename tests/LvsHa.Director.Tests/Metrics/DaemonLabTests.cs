using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using LvsHa.Director.Control;
using LvsHa.Director.Tests.Lab;
using LvsHa.Director.Tests.Vrrp;

namespace LvsHa.Director.Tests.Metrics;

/// <summary>
/// A real `lvsha run` in a lab namespace (VrrpLab: one director, a client namespace on the same bridge): its
/// /metrics endpoint scraped over HTTP from the client, and its systemd notifications to a notify socket the test
/// binds (the daemon's parent is a small launcher named "systemd", which is how the hosting library recognises a
/// systemd service).
/// </summary>
[Trait("Category", "Lab")]
public sealed class DaemonLabTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int MetricsPort = 9187;
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_MetricsListen_ScrapedOverHttpMatchesStatus_SecondDaemonOnTheSamePortRefused()
    {
        using var lab = new VrrpLab(1, output);
        var config = WithGlobalDefs(lab.Config(1, priority: 150, advertInterval: "0.1", cluster: false), $"metrics_listen {lab.Address(1)} {MetricsPort}");
        lab.Start(1, config);
        await lab.WaitForStateAsync(1, "MASTER", Startup);

        var text = Scrape(lab);
        var (code, json) = VrrpLab.Lvsha("status", "--json", "--control-socket", lab.SocketPath(1));
        Assert.True(code == 0, json);
        var status = JsonSerializer.Deserialize<StatusReport>(json, ControlJson.Options)!;
        var instance = Assert.Single(status.Instances);

        Assert.Equal(("VI_1", "MASTER"), (instance.Name, instance.State));
        foreach (var state in LvsHa.Director.Metrics.DirectorMetrics.VrrpStates)
        {
            Assert.Equal(state == instance.State ? 1 : 0, MetricsText.Value(text, "lvsha_vrrp_instance_state", ("vrrp_instance", "VI_1"), ("state", state)));
        }

        Assert.Equal(instance.Priority, (int?)MetricsText.Value(text, "lvsha_vrrp_instance_priority", ("vrrp_instance", "VI_1")));
        Assert.Equal(1, MetricsText.Value(text, "lvsha_vrrp_instance_transitions_total", ("vrrp_instance", "VI_1"), ("from", "BACKUP"), ("to", "MASTER")));
        Assert.True(MetricsText.Value(text, "lvsha_vrrp_adverts_sent_total", ("vrrp_instance", "VI_1")) >= 1, text);
        Assert.Equal(1, MetricsText.Value(text, "lvsha_cluster_has_majority"));
        Assert.Equal(1, MetricsText.Value(text, "lvsha_metrics_source_up", ("source", "vrrp")));
        Assert.Equal(1, MetricsText.Value(text, "lvsha_config_last_reload_successful"));

        // A reload of a broken file is refused, and the metrics say so (the failed-reload alert of deploy/monitoring).
        var running = File.ReadAllText(config);
        File.WriteAllText(config, running + "\nvirtual_server 10.0.0.1 80 {\n lb_algo nope\n}\n");
        var (reloadCode, reloadOutput) = VrrpLab.Lvsha("reload", "--control-socket", lab.SocketPath(1));
        Assert.True(reloadCode == 1, reloadOutput);
        text = Scrape(lab);
        Assert.Equal((0, 1), (MetricsText.Value(text, "lvsha_config_last_reload_successful"), MetricsText.Value(text, "lvsha_config_reloads_total", ("result", "refused"))));
        File.WriteAllText(config, running);

        // A second daemon configured for the same address and port: refused at start with a clear message.
        var second = Path.Combine(lab.Directory, "second.conf");
        File.WriteAllText(second, $"global_defs {{\n    metrics_listen {lab.Address(1)} {MetricsPort}\n}}\n");
        var (secondCode, secondOutput) = LabCommand.TryRun(
            "ip", "netns", "exec", lab.Namespace(1), "dotnet", typeof(VrrpLab).Assembly.Location, "lvsha", "run", "-f", second,
            "--control-socket", Path.Combine(lab.Directory, "second.sock"));
        output.WriteLine(secondOutput);
        Assert.Equal(1, secondCode);
        Assert.DoesNotContain("internal error", secondOutput, StringComparison.Ordinal);
        Assert.Contains($"metrics_listen {lab.Address(1)}:{MetricsPort}: cannot listen: the port is already in use", secondOutput, StringComparison.Ordinal);
        Assert.Equal("MASTER", (await lab.Client(1).GetStatusAsync()).Instances.Single().State);
    }

    [Fact]
    public async Task Run_UnderSystemdWithWatchdog_ReadyThenPeriodicWatchdogThenStopping()
    {
        using var lab = new VrrpLab(1, output);
        var config = lab.Config(1, priority: 150, advertInterval: "0.1", cluster: false);
        var notifyPath = Path.Combine(lab.Directory, "notify");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(notifyPath));
        var launcher = Path.Combine(lab.Directory, "systemd.py");
        File.WriteAllText(launcher, FakeSystemd);

        var log = new StringBuilder();
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "netns", "exec", lab.Namespace(1), "python3", launcher, "dotnet", typeof(VrrpLab).Assembly.Location,
                     "lvsha", "run", "-f", config, "--control-socket", lab.SocketPath(1) })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["NOTIFY_SOCKET"] = notifyPath;
        info.Environment["WATCHDOG_USEC"] = "2000000";
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => LabCluster.Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => LabCluster.Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var messages = new List<(TimeSpan At, string Text)>();
            var clock = Stopwatch.StartNew();
            // READY=1 once the host (ActorSystem, instance actors, control socket) has started, then WATCHDOG=1
            // about every second (WATCHDOG_USEC / 2).
            while (clock.Elapsed < Startup && messages.Count(m => m.Text == "WATCHDOG=1") < 7)
            {
                if (await WatchdogTests.ReceiveAsync(notify, TimeSpan.FromSeconds(5)) is { } text)
                {
                    messages.Add((clock.Elapsed, text));
                }
                else
                {
                    Assert.False(process.HasExited, $"lvsha run exited ({process.ExitCode})\n{LabCluster.Snapshot(log)}");
                }
            }

            output.WriteLine(string.Join('\n', messages.Select(m => $"{m.At.TotalSeconds:F2} s {m.Text.Replace('\n', ' ')}")));
            Assert.Contains(messages, m => m.Text.Split('\n').Contains("READY=1"));
            var pings = messages.Where(m => m.Text == "WATCHDOG=1").Select(m => m.At).ToArray();
            Assert.True(pings.Length >= 7, LabCluster.Snapshot(log));
            // Times are taken when this test reads the datagram, so a stalled test host lengthens one gap and
            // shortens the next by as much (a CI round read the first ping 0.75 s late, and the mean of three gaps
            // fell to 0.75 s). The median of six gaps shows the pace through one such stall; no gap may reach
            // WatchdogSec (systemd's kill).
            var gaps = pings.Zip(pings.Skip(1), (a, b) => b - a).Select(gap => gap.TotalSeconds).Order().ToArray();
            Assert.InRange(gaps[gaps.Length / 2], 0.8, 1.6);
            Assert.All(gaps, gap => Assert.True(gap < 2, $"{gap:F2} s between two WATCHDOG=1"));
            Assert.True(messages.FindIndex(m => m.Text.Split('\n').Contains("READY=1")) < messages.FindIndex(m => m.Text == "WATCHDOG=1"),
                "WATCHDOG=1 came before READY=1");

            // The launcher passes SIGTERM on, as systemd sends it to the main process.
            Assert.Equal(0, Tmds.Linux.LibC.kill(process.Id, Tmds.Linux.LibC.SIGTERM));
            string? stopping = null;
            while (clock.Elapsed < Startup && stopping is null)
            {
                var text = await WatchdogTests.ReceiveAsync(notify, TimeSpan.FromSeconds(5));
                if (text?.Split('\n').Contains("STOPPING=1") == true)
                {
                    stopping = text;
                }
            }

            Assert.NotNull(stopping);
            Assert.True(process.WaitForExit(20000), "lvsha run did not stop on SIGTERM");
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("systemd watchdog: WatchdogSec 2 s", LabCluster.Snapshot(log), StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }

            output.WriteLine(LabCluster.Snapshot(log));
        }
    }

    /// <summary>
    /// Runs the daemon as its child under the process name "systemd" (what Microsoft.Extensions.Hosting.Systemd
    /// checks in /proc/PPID/comm) and passes SIGTERM on; exits with the child's status.
    /// </summary>
    private const string FakeSystemd = """
        import ctypes, os, signal, sys
        ctypes.CDLL(None).prctl(15, b"systemd", 0, 0, 0)
        child = os.fork()
        if child == 0:
            os.execvp(sys.argv[1], sys.argv[1:])
        signal.signal(signal.SIGTERM, lambda *_: os.kill(child, signal.SIGTERM))
        _, status = os.waitpid(child, 0)
        sys.exit(os.waitstatus_to_exitcode(status))
        """;

    private static string WithGlobalDefs(string configFile, string line)
    {
        File.WriteAllText(configFile, $"global_defs {{\n    {line}\n}}\n\n" + File.ReadAllText(configFile));
        return configFile;
    }

    /// <summary>GET /metrics from the client namespace, over the lab bridge.</summary>
    private static string Scrape(VrrpLab lab)
    {
        var (code, text) = LabCommand.TryRun(
            "ip", "netns", "exec", lab.Namespace(VrrpLab.ClientNode), "curl", "-sS", "--fail", "--max-time", "10",
            string.Create(CultureInfo.InvariantCulture, $"http://{lab.Address(1)}:{MetricsPort}/metrics"));
        Assert.True(code == 0, text);
        return text;
    }
}
