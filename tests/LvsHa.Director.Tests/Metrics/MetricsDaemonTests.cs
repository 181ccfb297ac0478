using System.Net;
using System.Net.Sockets;
using LvsHa.Config;
using LvsHa.Director.Daemon;
using static LvsHa.Testing.MetricsText;

namespace LvsHa.Director.Tests.Metrics;

/// <summary>
/// The daemon as `lvsha run` starts it (DirectorDaemon) in this process with metrics_listen, real checks of a
/// loopback web server and the in-memory IIpvs: /metrics over HTTP shows health, check latencies, the reconciler's
/// operations and the IPVS table read at scrape time.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "DisposeAsync (IAsyncLifetime) disposes them.")]
public sealed class MetricsDaemonTests : IAsyncLifetime
{
    private readonly LoopbackHttpServer _web = new(IPAddress.Parse("127.0.0.51"));
    private readonly string _directory = Directory.CreateTempSubdirectory("lvsha-metrics-daemon-").FullName;
    private readonly InMemoryIpvs _kernel = new();
    private readonly CancellationTokenSource _stop = new();
    private Task<int>? _daemon;

    public Task InitializeAsync()
    {
        _web.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_daemon is not null)
            await _daemon.WaitAsync(TimeSpan.FromSeconds(30));
        _stop.Dispose();
        await _web.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Daemon_MetricsListen_HealthChecksOperationsAndIpvsTableScraped()
    {
        var metricsPort = FreePort();
        var path = Path.Combine(_directory, "lvsha.conf");
        File.WriteAllText(path, $$"""
            global_defs {
                metrics_listen 127.0.0.1 {{metricsPort}}
            }
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_kind NAT
                lb_algo wrr
                delay_loop 1
                real_server 127.0.0.51 {{_web.Port}} {
                    weight 5
                    HTTP_GET {
                        url {
                            path /health
                        }
                        connect_timeout 1
                        retry 0
                    }
                }
            }
            """);
        var config = ConfigLoader.LoadOrThrow(path);
        _daemon = Task.Run(() => DirectorDaemon.RunAsync(
            config, new DaemonRunOptions { ControlSocket = Path.Combine(_directory, "lvsha.sock"), ConfigPath = path, NodeName = "metrics" }, _kernel, _stop.Token));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        var realServer = $"127.0.0.51:{_web.Port}";
        var text = "";
        var problem = "";
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); ; await Task.Delay(100))
        {
            if (_daemon.IsCompleted)
                Assert.Fail($"the daemon stopped: {(_daemon.IsFaulted ? _daemon.Exception : await _daemon)}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"no metrics of the healthy real server within 30 s ({problem}):\n{text}");
            try
            {
                text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            }
            catch (HttpRequestException e)
            {
                problem = e.Message;
                continue;
            }

            if (Value(text, "lvsha_ipvs_real_server_weight", ("service", "TCP 10.0.0.1:80"), ("real_server", realServer)) == 5
                && Value(text, "lvsha_health_check_duration_seconds_count", ("checker", "HTTP_GET")) >= 1)
                break;
        }

        Assert.Equal(1, Value(text, "lvsha_real_server_up", ("virtual_service", "10.0.0.1:80"), ("real_server", realServer)));
        Assert.Equal(5, Value(text, "lvsha_real_server_weight", ("virtual_service", "10.0.0.1:80"), ("real_server", realServer)));
        Assert.True(Value(text, "lvsha_health_checks_total", ("virtual_service", "10.0.0.1:80"), ("real_server", realServer), ("checker", "HTTP_GET"), ("result", "up")) >= 1, text);
        Assert.Equal(1, Value(text, "lvsha_ipvs_operations_total", ("operation", "add"), ("object", "service"), ("trigger", "startup"), ("result", "ok")));
        Assert.Equal(0, Value(text, "lvsha_ipvs_real_server_active_connections", ("service", "TCP 10.0.0.1:80"), ("real_server", realServer)));
        Assert.Equal(1, Value(text, "lvsha_metrics_source_up", ("source", "ipvs")));
        Assert.Equal(1, Value(text, "lvsha_metrics_source_up", ("source", "health")));
        Assert.Equal(1, Value(text, "lvsha_metrics_source_up", ("source", "vrrp")));
    }
}
