using System.Diagnostics;
using System.Net;
using System.Text.Json;
using LvsHa.Testing;

namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>
/// `lvsha run` as an operator starts it, against the real ip_vs kernel (in the VM): health checks of a real web server
/// drive the table, a missing MISC_CHECK script marks only its real server down, a FILE_CHECK's file takes its real
/// server out and back within a second, changes made with ipvsadm behind the
/// daemon's back are repaired, `lvsha status --json` matches the kernel, and stopping removes the managed services
/// (or keeps them with --dont-release-ipvs, and the next start adopts them without a write).
/// </summary>
[Trait("Category", "Kernel")]
[Collection(KernelTableCollection.Name)]
public sealed class DaemonKernelTests : IDisposable
{
    // delay_loop 1 + retry 1 x delay_before_retry 1 + connect_timeout 1, plus the one second the issue allows.
    private static readonly TimeSpan RemovalBound = TimeSpan.FromSeconds(4);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("lvsha-daemon-kernel-");
    private readonly List<LvshaDaemon> _daemons = [];
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public DaemonKernelTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        KernelLab.RequireIpvs();
        Ipvsadm.Clear();
    }

    public void Dispose()
    {
        foreach (var daemon in _daemons)
            daemon.Dispose();
        if (KernelLab.HasIpvs)
        {
            Ipvsadm.Clear();
            LabProcess.Run("ip", ["addr", "del", SuspendedVip + "/32", "dev", "lo"]);
        }
        _folder.Delete(recursive: true);
    }

    private const string SuspendedVip = "10.9.0.2";

    private string Socket => Path.Combine(_folder.FullName, "lvsha.sock");


    private LvshaDaemon StartDirector(string config, params string[] extra)
    {
        var path = Path.Combine(_folder.FullName, "lvsha.conf");
        File.WriteAllText(path, config);
        var daemon = LvshaDaemon.Start(path, Socket, "kernel-lab", extra: extra);
        _daemons.Add(daemon);
        return daemon;
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

    [Fact]
    public async Task LvshaRun_RealKernel_HealthDrivesTableRepairsDriftAndReleasesOnStop()
    {
        // A real HTTP server in this process: a separate one (python) can take half a minute to start under emulation.
        await using var web = new LoopbackHttpServer(IPAddress.Parse("127.0.0.31"));
        web.Start();
        var webPort = web.Port;
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
            virtual_server {{SuspendedVip}} 8080 {
                protocol TCP
                lb_kind NAT
                ha_suspend
                real_server 127.0.0.33 8080 {
                }
            }
            """;
        var serving = $"-a -t 10.9.0.1:80 -r 127.0.0.31:{webPort} -m -w 5";
        var director = StartDirector(config);

        // Health: the web server is checked and programmed; the real server whose script is missing is down, logged,
        // and the daemon keeps running.
        WaitFor(() => HasLine(serving), TimeSpan.FromSeconds(20), "the healthy real server in the kernel");
        WaitFor(() => director.Logged(missing), TimeSpan.FromSeconds(20), "a log line naming the missing script");

        // The line is written when the check fails; the removal reaches the kernel a moment later (slower under emulation).
        WaitFor(
            () => !Ipvsadm.SaveSorted().Any(l => l.Contains("127.0.0.32", StringComparison.Ordinal)), TimeSpan.FromSeconds(5),
            "the real server with the missing script out of the kernel");
        Assert.False(director.HasExited);

        // ha_suspend: the service is programmed only while its address is on this machine (rtnetlink events).
        Assert.DoesNotContain(Ipvsadm.SaveSorted(), l => l.Contains(SuspendedVip, StringComparison.Ordinal));
        LabProcess.RunChecked("ip", "addr", "add", SuspendedVip + "/32", "dev", "lo");
        var resumed = WaitFor(() => HasLine($"-A -t {SuspendedVip}:8080 -s wlc"), TimeSpan.FromSeconds(5), "the ha_suspend service once its address is local");
        LabProcess.RunChecked("ip", "addr", "del", SuspendedVip + "/32", "dev", "lo");
        var suspended = WaitFor(() => !HasLine($"-A -t {SuspendedVip}:8080 -s wlc"), TimeSpan.FromSeconds(5), "the ha_suspend service to leave with its address");
        _output.WriteLine($"ha_suspend: resumed {resumed.TotalMilliseconds:0} ms after the address was added, suspended {suspended.TotalMilliseconds:0} ms after it was removed");

        // Status (JSON) agrees with the kernel.
        var status = LvshaDaemon.Run("status", "--json", "--control-socket", Socket);
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
        await web.StopAsync();
        var removed = WaitFor(() => !HasLine(serving), RemovalBound + TimeSpan.FromSeconds(1), "the stopped real server to leave the kernel");
        _output.WriteLine($"removed {removed.TotalMilliseconds:0} ms after the web server was killed (bound {RemovalBound.TotalSeconds} s + 1 s)");
        Assert.True(removed <= RemovalBound + TimeSpan.FromSeconds(1));
        web.Start();
        var back = WaitFor(() => HasLine(serving), TimeSpan.FromSeconds(5), "the restarted real server back in the kernel");
        _output.WriteLine($"back {back.TotalMilliseconds:0} ms after the web server answered again");

        // Drift: an operator's ipvsadm edit is put right (bound: drift interval 5 s + one batch + one read-and-apply).
        Ipvsadm.Run("-e", "-t", "10.9.0.1:80", "-r", $"127.0.0.31:{webPort}", "-m", "-w", "1");
        var repaired = WaitFor(() => HasLine(serving), TimeSpan.FromSeconds(8), "the drift repair of a changed weight");
        _output.WriteLine($"drift repaired after {repaired.TotalMilliseconds:0} ms");
        WaitFor(() => director.Logged("Drift:"), TimeSpan.FromSeconds(2), "the drift repair in the log");

        // Stop with --dont-release-ipvs semantics checked below; a plain stop removes the managed service.
        director.Stop();
        Assert.Empty(Ipvsadm.SaveSorted());

        // Kept across a restart: with -I the table stays, and the next start adopts it without a write.
        var keeping = StartDirector(config, "--dont-release-ipvs");
        WaitFor(() => HasLine(serving), TimeSpan.FromSeconds(20), "the real server in the kernel");
        keeping.Stop();
        Assert.Contains(serving, Ipvsadm.SaveSorted());
        var adopting = StartDirector(config);
        // The kept service and its healthy real server are adopted untouched (their connections survive); at most
        // the script-checked server is added back (keepalived starts every non-alpha real server), if the previous
        // run's failed check had removed it before the stop.
        Assert.True(adopting.Logged("1 services found"), adopting.Log);
        Assert.False(adopting.Logged("-A -t 10.9.0.1:80") || adopting.Logged("-E -t 10.9.0.1:80"), adopting.Log);
        Assert.False(adopting.Logged("-r 127.0.0.31"), adopting.Log);
        adopting.Stop();
    }

    [Fact]
    public void LvshaRun_FileCheck_TheFileTakesTheRealServerOutOfTheKernelAndBack()
    {
        // FILE_CHECK follows its file through inotify, not a delay_loop (an hour here): the real server whose file
        // says 1 is never programmed at start, and leaves or returns within a second of each write.
        var down = Path.Combine(_folder.FullName, "down");
        var weight = Path.Combine(_folder.FullName, "weight");
        File.WriteAllText(down, "1\n");
        File.WriteAllText(weight, "3\n");
        var config = $$"""
            track_file DOWN {
                file {{down}}
                weight 0
            }
            track_file WEIGHT {
                file {{weight}}
            }
            virtual_server 10.9.2.1 80 {
                protocol TCP
                lb_kind NAT
                delay_loop 3600
                real_server 127.0.0.41 8080 {
                    weight 2
                    FILE_CHECK {
                        track_file DOWN
                    }
                }
                real_server 127.0.0.42 8080 {
                    weight 5
                    FILE_CHECK {
                        track_file WEIGHT
                        weight 10
                    }
                }
            }
            """;
        const string Held = "-a -t 10.9.2.1:80 -r 127.0.0.41:8080 -m -w 2";
        const string Weighted = "-a -t 10.9.2.1:80 -r 127.0.0.42:8080 -m -w 35";
        // `lvsha plan` shows the table `run` programs first: the files already count.
        var planned = Path.Combine(_folder.FullName, "plan.conf");
        File.WriteAllText(planned, config);
        using (var planOutput = new StringWriter())
        using (var planError = new StringWriter())
        {
            Assert.Equal(0, LvsHa.Cli.LvsHaCli.Run(["plan", "-f", planned], planOutput, planError));
            Assert.Contains(Weighted, planOutput.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.41", planOutput.ToString(), StringComparison.Ordinal);
        }
        var director = StartDirector(config);
        WaitFor(() => HasLine(Weighted), TimeSpan.FromSeconds(20), "127.0.0.42 at 5 + 3 x 10");
        Assert.DoesNotContain(Ipvsadm.SaveSorted(), l => l.Contains("127.0.0.41", StringComparison.Ordinal));
        Assert.False(director.Logged("-r 127.0.0.41"), director.Log);

        File.WriteAllText(down, "0\n");
        var back = WaitFor(() => HasLine(Held), TimeSpan.FromSeconds(5), "127.0.0.41 in the kernel after writing 0");
        File.WriteAllText(down, "1\n");
        var removed = WaitFor(() => !Ipvsadm.SaveSorted().Any(l => l.Contains("127.0.0.41", StringComparison.Ordinal)), TimeSpan.FromSeconds(5),
            "127.0.0.41 out of the kernel after writing 1");
        _output.WriteLine($"FILE_CHECK: back {back.TotalMilliseconds:0} ms after writing 0, removed {removed.TotalMilliseconds:0} ms after writing 1");
        Assert.True(back <= TimeSpan.FromSeconds(1) && removed <= TimeSpan.FromSeconds(1), $"back {back}, removed {removed}");
        // The start-up reading and each change: one line naming the real server and the file.
        Assert.True(director.Logged("FILE_CHECK of 127.0.0.41:8080") && director.Logged(down) && director.Logged("reads 1, the checker is down"), director.Log);

        director.Stop();
        Assert.Empty(Ipvsadm.SaveSorted());
    }

    [Fact]
    public void LvshaRun_LvsSyncDaemonAndTimeouts_FollowTheConfig()
    {
        // A single director becomes MASTER of VI_1 on lab0: the kernel's master sync daemon runs while it is, and
        // both daemons are gone after the stop (keepalived's lvs_sync_daemon behaviour). lvs_timeouts sets the
        // kernel's connection timeouts at start (tcpfin 0: left as it is).
        var config = """
            global_defs {
                lvs_sync_daemon lab0 VI_1 id 7
                lvs_timeouts tcp 7200 tcpfin 0 udp 200
            }
            vrrp_instance VI_1 {
                interface lab0
                virtual_router_id 61
                priority 100
                version 3
                advert_int 0.1
                virtual_ipaddress {
                    10.9.1.1/32 dev lab0
                }
            }
            virtual_server 10.9.1.1 80 {
                protocol TCP
                lb_kind DR
                real_server 10.9.1.10 80 {
                }
            }
            """;
        var director = StartDirector(config);
        var clock = Stopwatch.StartNew();
        while (!Ipvsadm.Run("-L", "--daemon").StandardOutput.Contains("master sync daemon (mcast=lab0, syncid=7,", StringComparison.Ordinal))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
                Assert.Fail($"no master sync daemon after 20 s; ipvsadm -L --daemon: {Ipvsadm.Run("-L", "--daemon").StandardOutput}\nlvsha log:\n{director.Log}");
            Thread.Sleep(100);
        }
        Assert.DoesNotContain("backup sync daemon", Ipvsadm.Run("-L", "--daemon").StandardOutput, StringComparison.Ordinal);
        Assert.True(director.Logged("master sync daemon started on lab0"), director.Log);
        try
        {
            Assert.Contains("Timeout (tcp tcpfin udp): 7200 120 200", Ipvsadm.Run("-L", "--timeout").StandardOutput, StringComparison.Ordinal);
            Assert.True(director.Logged("IPVS connection timeouts set to tcp 7200 tcpfin 0 udp 200"), director.Log);
        }
        finally
        {
            Ipvsadm.Run("--set", "900", "120", "300");
        }

        director.Stop();
        Assert.Equal("", Ipvsadm.Run("-L", "--daemon").StandardOutput.Trim());
        Assert.Empty(Ipvsadm.SaveSorted());
    }
}
