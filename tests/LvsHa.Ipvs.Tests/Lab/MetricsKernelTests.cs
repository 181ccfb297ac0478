using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using static LvsHa.Testing.MetricsText;

namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>
/// `lvsha run` with metrics_listen against the real ip_vs kernel (in the VM): /metrics shows real-server health and
/// weight, HTTP_GET check latencies, the start-up IPVS operations, and the kernel's IPVS counters read at scrape
/// time (a service added with ipvsadm, which LvsHa never manages, appears in the next scrape).
/// </summary>
[Trait("Category", "Kernel")]
[Collection(KernelTableCollection.Name)]
public sealed class MetricsKernelTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("lvsha-metrics-kernel-");
    private LvshaDaemon? _director;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public MetricsKernelTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        KernelLab.RequireIpvs();
        Ipvsadm.Clear();
    }

    public void Dispose()
    {
        if (_director is not null)
        {
            _director.Dispose();
            _output.WriteLine(_director.Log);
        }
        if (KernelLab.HasIpvs)
            Ipvsadm.Clear();
        _folder.Delete(recursive: true);
    }

    private static async Task<TimeSpan> WaitForAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < limit, $"waited {limit.TotalSeconds} s for {what}; table:\n{string.Join('\n', Ipvsadm.SaveSorted())}");
            await Task.Delay(100);
        }

        return clock.Elapsed;
    }

    [Fact]
    public async Task LvshaRun_MetricsListen_HealthChecksOperationsAndKernelCountersScraped()
    {
        // In-process web server: python's starts too slowly under the VM's emulation.
        await using var web = new LoopbackHttpServer(IPAddress.Parse("127.0.0.41"));
        web.Start();
        var webPort = web.Port;
        // The port of a listener just closed: free unless something takes it in between (nothing else runs here).
        int metricsPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            metricsPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var config = Path.Combine(_folder.FullName, "lvsha.conf");
        File.WriteAllText(config, $$"""
            global_defs {
                metrics_listen 127.0.0.1 {{metricsPort}}
            }
            virtual_server 10.9.1.1 80 {
                protocol TCP
                lb_algo wrr
                lb_kind NAT
                delay_loop 1
                real_server 127.0.0.41 {{webPort}} {
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
                real_server 127.0.0.42 {{webPort}} {
                    weight 2
                    TCP_CHECK {
                        connect_timeout 1
                    }
                }
            }
            """);
        var director = _director = LvshaDaemon.Start(config, Path.Combine(_folder.FullName, "lvsha.sock"), "metrics-lab");

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}"), Timeout = TimeSpan.FromSeconds(60) };
        var text = "";
        var problem = "";
        async Task<bool> ScrapedAsync(Func<string, bool> condition)
        {
            Assert.False(director.HasExited, "lvsha run exited");
            var clock = Stopwatch.StartNew();
            try
            {
                text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
                problem = $"last scrape took {clock.ElapsedMilliseconds} ms";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                problem = $"scrape failed after {clock.ElapsedMilliseconds} ms: {e.Message}";
                return false;
            }

            return condition(text);
        }

        const string Service = "TCP 10.9.1.1:80";
        var realServer = $"127.0.0.41:{webPort}";
        await WaitForAsync(() => Task.FromResult(Ipvsadm.SaveSorted().Contains($"-a -t 10.9.1.1:80 -r {realServer} -m -w 5")), TimeSpan.FromSeconds(30), "the healthy real server in the kernel");
        try
        {
            await WaitForAsync(() => ScrapedAsync(t =>
                // The first HTTP_GET may time out under emulation (the server goes down, then up): wait for the
                // state the checks settle in.
                Value(t, "lvsha_ipvs_real_server_weight", ("service", Service), ("real_server", realServer)) == 5
                && Value(t, "lvsha_real_server_up", ("virtual_service", "10.9.1.1:80"), ("real_server", realServer)) == 1
                && Value(t, "lvsha_real_server_up", ("virtual_service", "10.9.1.1:80"), ("real_server", $"127.0.0.42:{webPort}")) == 0
                && Value(t, "lvsha_health_check_duration_seconds_count", ("checker", "TCP_CHECK")) >= 1), TimeSpan.FromSeconds(60), "the healthy real server in the metrics");
        }
        catch (Xunit.Sdk.XunitException e)
        {
            Assert.Fail($"{e.Message}\n{problem}\nlast scrape:\n{text}");
        }

        Assert.Equal(5, Value(text, "lvsha_real_server_weight", ("virtual_service", "10.9.1.1:80"), ("real_server", realServer)));
        Assert.True(Value(text, "lvsha_health_check_duration_seconds_count", ("checker", "HTTP_GET")) >= 1, text);
        Assert.True(Value(text, "lvsha_health_checks_total", ("virtual_service", "10.9.1.1:80"), ("real_server", realServer), ("checker", "HTTP_GET"), ("result", "up")) >= 1, text);
        Assert.Equal(1, Value(text, "lvsha_ipvs_operations_total", ("operation", "add"), ("object", "service"), ("trigger", "startup"), ("result", "ok")));
        Assert.Equal(0, Value(text, "lvsha_ipvs_real_server_active_connections", ("service", Service), ("real_server", realServer)));
        Assert.Equal(0, Value(text, "lvsha_ipvs_service_connections_total", ("service", Service)));
        Assert.Equal(1, Value(text, "lvsha_metrics_source_up", ("source", "ipvs")));
        Assert.Equal(1, Value(text, "lvsha_metrics_source_up", ("source", "health")));

        // Read from the kernel at scrape time: a service added with ipvsadm (LvsHa never touches it) shows up.
        Ipvsadm.Run("-A", "-t", "10.9.1.99:80", "-s", "rr");
        Ipvsadm.Run("-a", "-t", "10.9.1.99:80", "-r", "127.0.0.43:80", "-m", "-w", "7");
        Assert.True(await ScrapedAsync(t => Value(t, "lvsha_ipvs_real_server_weight", ("service", "TCP 10.9.1.99:80"), ("real_server", "127.0.0.43:80")) == 7), text);

        director.Stop();
    }
}
