using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>
/// `lvsha run` as an operator starts it, against the real ip_vs kernel (in the VM): health checks of a real web server
/// drive the table, a missing MISC_CHECK script marks only its real server down, changes made with ipvsadm behind the
/// daemon's back are repaired, `lvsha status --json` matches the kernel, and stopping removes the managed services
/// (or keeps them with --dont-release-ipvs, and the next start adopts them without a write).
/// </summary>
[Trait("Category", "Kernel")]
[Collection(KernelTableCollection.Name)]
public sealed class DaemonKernelTests : IDisposable
{
    // delay_loop 1 + retry 1 x delay_before_retry 1 + connect_timeout 1, plus the one second the issue allows.
    private static readonly TimeSpan RemovalBound = TimeSpan.FromSeconds(4);

    // Under the VM's software emulation the first start of a .NET process takes tens of seconds.
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(120);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("lvsha-daemon-kernel-");
    private readonly List<Process> _processes = [];
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public DaemonKernelTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        KernelLab.RequireIpvs();
        Ipvsadm.Clear();
    }

    public void Dispose()
    {
        foreach (var process in _processes.Where(p => !p.HasExited))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        foreach (var process in _processes)
            process.Dispose();
        if (KernelLab.HasIpvs)
            Ipvsadm.Clear();
        _folder.Delete(recursive: true);
    }

    private static string Lvsha => Path.Combine(AppContext.BaseDirectory, "lvsha.dll");

    private string Socket => Path.Combine(_folder.FullName, "lvsha.sock");

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Process StartWebServer(string address, int port)
    {
        var process = LabProcess.Start("python3", ["-m", "http.server", "--bind", address, port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--directory", _folder.FullName]);
        _processes.Add(process);
        WaitFor(() => CanConnect(address, port), TimeSpan.FromSeconds(30), $"web server on {address}:{port}");
        return process;
    }

    private static bool CanConnect(string address, int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Parse(address), port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private (Process Process, StringBuilder Log) StartDirector(string config, params string[] extra)
    {
        var path = Path.Combine(_folder.FullName, "lvsha.conf");
        File.WriteAllText(path, config);
        var log = new StringBuilder();
        var process = LabProcess.Start("dotnet", [Lvsha, "run", "-f", path, "--control-socket", Socket, "--node-name", "kernel-lab", .. extra]);
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        WaitFor(() => Logged(log, "IPVS table adopted") || process.HasExited, StartLimit, "lvsha run to adopt the table");
        Assert.False(process.HasExited, $"lvsha run exited with {(process.HasExited ? process.ExitCode : 0)}:\n{log}");
        return (process, log);
    }

    private static bool Logged(StringBuilder log, string text)
    {
        lock (log)
            return log.ToString().Contains(text, StringComparison.Ordinal);
    }

    private static TimeSpan WaitFor(Func<bool> condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
                Assert.Fail($"waited {limit.TotalSeconds} s for {what}; table:\n{string.Join('\n', Ipvsadm.SaveSorted())}");
            Thread.Sleep(50);
        }
        return clock.Elapsed;
    }

    private static bool HasLine(string line) => Ipvsadm.SaveSorted().Contains(line);

    private static void Stop(Process process)
    {
        LabProcess.RunChecked("kill", "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "lvsha run did not stop within 60 s of SIGTERM");
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public void LvshaRun_RealKernel_HealthDrivesTableRepairsDriftAndReleasesOnStop()
    {
        var webPort = FreePort(IPAddress.Parse("127.0.0.31"));
        var web = StartWebServer("127.0.0.31", webPort);
        var missing = Path.Combine(_folder.FullName, "no-such-check.sh");
        var config = $$"""
            virtual_server 10.9.0.1 80 {
                protocol TCP
                lb_algo wrr
                lb_kind NAT
                delay_loop 1
                real_server 127.0.0.31 {{webPort}} {
                    weight 5
                    HTTP_GET {
                        url {
                            path /
                        }
                        connect_timeout 1
                        retry 1
                        delay_before_retry 1
                    }
                }
                real_server 127.0.0.32 {{webPort}} {
                    weight 2
                    MISC_CHECK {
                        misc_path "{{missing}}"
                    }
                }
            }
            """;
        var serving = $"-a -t 10.9.0.1:80 -r 127.0.0.31:{webPort} -m -w 5";
        var (director, log) = StartDirector(config);

        // Health: the web server is checked and programmed; the real server whose script is missing is down, logged,
        // and the daemon keeps running.
        WaitFor(() => HasLine(serving), TimeSpan.FromSeconds(20), "the healthy real server in the kernel");
        WaitFor(() => Logged(log, missing), TimeSpan.FromSeconds(20), "a log line naming the missing script");
        Assert.DoesNotContain(Ipvsadm.SaveSorted(), l => l.Contains("127.0.0.32", StringComparison.Ordinal));
        Assert.False(director.HasExited);

        // Status (JSON) agrees with the kernel.
        var status = LabProcess.Run("dotnet", [Lvsha, "status", "--json", "--control-socket", Socket], TimeSpan.FromSeconds(120)).EnsureSuccess();
        using (var json = JsonDocument.Parse(status.StandardOutput))
        {
            var service = json.RootElement.GetProperty("virtualServices")[0];
            Assert.True(service.GetProperty("inKernel").GetBoolean());
            var realServers = service.GetProperty("realServers");
            Assert.Equal(5, realServers[0].GetProperty("kernelWeight").GetInt32());
            Assert.Equal("up", realServers[0].GetProperty("health").GetString());
            Assert.Equal("down", realServers[1].GetProperty("health").GetString());
            Assert.Equal(JsonValueKind.Null, realServers[1].GetProperty("kernelWeight").ValueKind);
        }

        // The web server stops: its real server leaves the kernel within the bound; it returns when the server does.
        web.Kill();
        web.WaitForExit();
        var removed = WaitFor(() => !HasLine(serving), RemovalBound + TimeSpan.FromSeconds(1), "the stopped real server to leave the kernel");
        _output.WriteLine($"removed {removed.TotalMilliseconds:0} ms after the web server was killed (bound {RemovalBound.TotalSeconds} s + 1 s)");
        Assert.True(removed <= RemovalBound + TimeSpan.FromSeconds(1));
        StartWebServer("127.0.0.31", webPort);
        var back = WaitFor(() => HasLine(serving), TimeSpan.FromSeconds(5), "the restarted real server back in the kernel");
        _output.WriteLine($"back {back.TotalMilliseconds:0} ms after the web server answered again");

        // Drift: an operator's ipvsadm edit is put right (bound: drift interval 5 s + one batch + one read-and-apply).
        Ipvsadm.Run("-e", "-t", "10.9.0.1:80", "-r", $"127.0.0.31:{webPort}", "-m", "-w", "1");
        var repaired = WaitFor(() => HasLine(serving), TimeSpan.FromSeconds(8), "the drift repair of a changed weight");
        _output.WriteLine($"drift repaired after {repaired.TotalMilliseconds:0} ms");
        WaitFor(() => Logged(log, "IpvsDriftRepaired") || Logged(log, "Drift:"), TimeSpan.FromSeconds(2), "the drift repair in the log");

        // Stop with --dont-release-ipvs semantics checked below; a plain stop removes the managed service.
        Stop(director);
        Assert.Empty(Ipvsadm.SaveSorted());

        // Kept across a restart: with -I the table stays, and the next start adopts it without a write.
        var (keeping, _) = StartDirector(config, "--dont-release-ipvs");
        WaitFor(() => HasLine(serving), TimeSpan.FromSeconds(20), "the real server in the kernel");
        Stop(keeping);
        Assert.Contains(serving, Ipvsadm.SaveSorted());
        var (adopting, adoptLog) = StartDirector(config);
        // The kept service and its healthy real server are adopted untouched (their connections survive); only the
        // script-checked server is added back, as keepalived starts every non-alpha real server.
        Assert.True(Logged(adoptLog, "1 services found, 1 operations applied"), adoptLog.ToString());
        Assert.False(Logged(adoptLog, "-r 127.0.0.31"), adoptLog.ToString());
        Stop(adopting);
    }
}
