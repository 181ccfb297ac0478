using System.Diagnostics;
using System.Net;
using LvsHa.Config;
using LvsHa.Director.Control;
using LvsHa.Director.Daemon;
using LvsHa.Director.Tests.Lvs;
using LvsHa.Ipvs;
using LvsHa.Netlink.Ipvs;
using LvsHa.Testing;
using Xunit.Abstractions;

namespace LvsHa.Director.Tests.Daemon;

/// <summary>
/// The daemon as `lvsha run` starts it (DirectorDaemon: host, control socket, health actor, reconciler, reload,
/// drain) in this process, with real HTTP real servers on 127.0.0.x and real checks; only the kernel is the in-memory
/// IIpvs (the same path against the real kernel runs in the VM: DaemonKernelTests in LvsHa.Ipvs.Tests).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "DisposeAsync (IAsyncLifetime) disposes them.")]
public sealed class DirectorDaemonTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(4); // delay_loop 1 + 1 x 1 + connect_timeout 1 + 1 s

    private readonly LoopbackHttpServer _web1 = new(IPAddress.Parse("127.0.0.21"));
    private readonly LoopbackHttpServer _web2 = new(IPAddress.Parse("127.0.0.22"));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "lvsha-daemon-" + Guid.NewGuid().ToString("N"));
    private readonly InMemoryIpvs _kernel = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ITestOutputHelper _output;
    private Task<int>? _daemon;

    public DirectorDaemonTests(ITestOutputHelper output) => _output = output;

    private string ConfigPath => Path.Combine(_directory, "lvsha.conf");

    private string SocketPath => Path.Combine(_directory, "lvsha.sock");

    public Task InitializeAsync()
    {
        _web1.Start();
        _web2.Start();
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_daemon is not null)
            await _daemon.WaitAsync(TimeSpan.FromSeconds(30));
        _stop.Dispose();
        await _web1.DisposeAsync();
        await _web2.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string Config(string extraRealServer = "", string scheduler = "wlc") => $$"""
        virtual_server 10.0.0.1 80 {
            protocol TCP
            lb_kind NAT
            lb_algo {{scheduler}}
            delay_loop 1
            real_server 127.0.0.21 {{_web1.Port}} {
                weight 3
                HTTP_GET {
                    url {
                        path /health
                    }
                    connect_timeout 1
                    retry 1
                    delay_before_retry 1
                }
            }
            {{extraRealServer}}
        }
        virtual_server 10.0.0.2 443 {
            protocol TCP
            lb_kind NAT
            delay_loop 1
            real_server 127.0.0.22 {{_web2.Port}} {
                TCP_CHECK {
                    connect_timeout 1
                }
            }
        }
        """;

    private void Start(string text)
    {
        File.WriteAllText(ConfigPath, text);
        var config = ConfigLoader.LoadOrThrow(ConfigPath);
        _daemon = Task.Run(() => DirectorDaemon.RunAsync(
            config, new DaemonRunOptions { ControlSocket = SocketPath, ConfigPath = ConfigPath, NodeName = "test-director" }, _kernel, _stop.Token));
    }

    private IpvsDestination? Destination(string service, string realServer) =>
        _kernel.Snapshot().Entries.Where(e => e.Service.Key.ToString() == service)
            .SelectMany(e => e.Destinations).FirstOrDefault(d => IpvsFormat.Endpoint(d.Address, d.Port) == realServer);

    private static async Task<TimeSpan> WaitFor(Func<bool> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < limit, $"not within {limit}");
            await Task.Delay(50);
        }
        return clock.Elapsed;
    }

    private async Task<StatusReport> StatusAsync()
    {
        var client = new ControlClient(SocketPath);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await client.GetStatusAsync();
            }
            catch (ControlClientException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task Daemon_ProgramsChecksDrainsReloadsAndReleasesTheTable()
    {
        var web1 = $"127.0.0.21:{_web1.Port}";
        var web2 = $"127.0.0.22:{_web2.Port}";
        Start(Config());
        await WaitFor(() => Destination("-t 10.0.0.1:80", web1)?.Weight == 3 && Destination("-t 10.0.0.2:443", web2) is not null, TimeSpan.FromSeconds(30));

        // Status: both virtual services with their real servers, health and the kernel's weight.
        var status = await StatusAsync();
        var first = Assert.Single(status.VirtualServices, v => v.Name == "10.0.0.1:80");
        Assert.True(first.InKernel);
        var real = Assert.Single(first.RealServers);
        Assert.Equal(web1, real.Address);
        Assert.Equal(3, real.KernelWeight);
        await WaitFor(() => StatusAsync().Result.VirtualServices[0].RealServers[0].LastCheck is not null, TimeSpan.FromSeconds(5));

        // Health: the web server stops -> out of the kernel within the bound; back when it returns.
        await _web1.StopAsync();
        var gone = await WaitFor(() => Destination("-t 10.0.0.1:80", web1) is null, Bound);
        _output.WriteLine($"removed {gone.TotalMilliseconds:0} ms after the web server stopped");
        Assert.Equal("down", (await StatusAsync()).VirtualServices[0].RealServers[0].Health);
        _web1.Start();
        web1 = $"127.0.0.21:{_web1.Port}";
        Assert.Equal(web1, $"127.0.0.21:{_web1.Port}");

        // Drain and undrain over the control socket (web2: its port never changes).
        var client = new ControlClient(SocketPath);
        var drained = await client.SendAsync(new ControlRequest("drain") { RealServer = "127.0.0.22" });
        Assert.True(drained.Ok, drained.Error);
        Assert.Contains(drained.Messages, m => m.StartsWith("10.0.0.2:443", StringComparison.Ordinal));
        await WaitFor(() => Destination("-t 10.0.0.2:443", web2)?.Weight == 0, TimeSpan.FromSeconds(5));
        Assert.Contains("drained", (await StatusAsync()).VirtualServices[1].RealServers[0].Health, StringComparison.Ordinal);
        var unknown = await client.SendAsync(new ControlRequest("drain") { RealServer = "127.0.0.99" });
        Assert.False(unknown.Ok);

        // A broken file is refused with its line; the running configuration and kernel stay.
        var before = _kernel.Snapshot();
        File.WriteAllText(ConfigPath, Config() + "\nvirtual_server 10.0.0.3 80 {\n    lb_algo nosuch\n}\n");
        var refused = await client.SendAsync(new ControlRequest("reload"));
        Assert.False(refused.Ok);
        Assert.Contains(refused.Messages, m => m.Contains("lvsha.conf:", StringComparison.Ordinal) && m.Contains("error", StringComparison.Ordinal));
        await Task.Delay(1500);
        Assert.Equal(before.Entries.Length, _kernel.Snapshot().Entries.Length);

        // So is an empty file (one read while being written): applied it would remove every service.
        File.WriteAllText(ConfigPath, "");
        var empty = await client.SendAsync(new ControlRequest("reload"));
        Assert.False(empty.Ok);
        Assert.Contains(empty.Messages, m => m.Contains("lvsha.conf:1:1: error: defines no vrrp_instance, virtual_server or cluster block", StringComparison.Ordinal));
        await Task.Delay(500);
        Assert.Equal(before.Entries.Length, _kernel.Snapshot().Entries.Length);

        // A valid reload changes one block only: the untouched service keeps its drained destination untouched.
        _kernel.TakeOperations();
        File.WriteAllText(ConfigPath, Config(scheduler: "rr"));
        var reloaded = await client.SendAsync(new ControlRequest("reload"));
        Assert.True(reloaded.Ok, string.Join("\n", reloaded.Messages));
        Assert.Contains(reloaded.Messages, m => m.Contains("1 changed, 1 unchanged", StringComparison.Ordinal));
        await WaitFor(() => _kernel.Snapshot().Entries.Any(e => e.Service.Key.ToString() == "-t 10.0.0.1:80" && e.Service.Scheduler == "rr"), TimeSpan.FromSeconds(5));
        await Task.Delay(500);
        var operations = _kernel.TakeOperations();
        Assert.DoesNotContain(operations, o => o.ToString()!.Contains("10.0.0.2", StringComparison.Ordinal));
        Assert.Equal(0, Destination("-t 10.0.0.2:443", web2)?.Weight);

        // Stop: the managed services leave the kernel.
        await _stop.CancelAsync();
        Assert.Equal(0, await _daemon!.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(_kernel.Snapshot().Entries);
    }
}
