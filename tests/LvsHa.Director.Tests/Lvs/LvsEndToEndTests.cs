using System.Diagnostics;
using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;
using LvsHa.Director.Lvs;
using LvsHa.Health.Scheduling;
using LvsHa.Ipvs;
using LvsHa.Netlink.Ipvs;
using LvsHa.Testing;

namespace LvsHa.Director.Tests.Lvs;

/// <summary>
/// The whole health-to-kernel path for real on this host: real HTTP and TCP servers on 127.0.0.x, the real
/// HealthCheckScheduler and checkers, the real notify scripts, both actors; only the kernel is the in-memory IIpvs.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LvsEndToEndTests : TestKit, IAsyncLifetime
{
    // delay_loop 1 + retry 1 x delay_before_retry 1 + connect_timeout 1 + 1 s.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(4);

    private readonly LoopbackHttpServer _web = new(IPAddress.Parse("127.0.0.2"));
    private readonly LoopbackHttpServer _tcp = new(IPAddress.Parse("127.0.0.3"));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "lvsha-lvs-" + Guid.NewGuid().ToString("N"));
    private readonly InMemoryIpvs _kernel = new();
    private readonly ITestOutputHelper _output;

    public LvsEndToEndTests(ITestOutputHelper output)
        : base(output: output) => _output = output;

    public Task InitializeAsync()
    {
        _web.Start();
        _tcp.Start();
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _web.DisposeAsync();
        await _tcp.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string Script()
    {
        var path = Path.Combine(_directory, "notify.sh");
        File.WriteAllText(path, $"#!/bin/sh\necho \"$1 $2\" >> {_directory}/notify.log\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private string NotifyLog() => File.Exists(Path.Combine(_directory, "notify.log")) ? File.ReadAllText(Path.Combine(_directory, "notify.log")) : "";

    private bool InKernel(string realServer) =>
        _kernel.Snapshot().Entries.SelectMany(e => e.Destinations).Any(d => IpvsFormat.Endpoint(d.Address, d.Port) == realServer);

    [Fact]
    public async Task RealServerStoppedAndRestarted_LeavesAndReturnsWithinBound()
    {
        var script = Script();
        var configText = $$"""
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_kind NAT
                delay_loop 1
                real_server 127.0.0.2 {{_web.Port}} {
                    notify_up "{{script}} up 127.0.0.2"
                    notify_down "{{script}} down 127.0.0.2"
                    HTTP_GET {
                        url {
                            path /health
                        }
                        connect_timeout 1
                        retry 1
                        delay_before_retry 1
                    }
                }
                real_server 127.0.0.3 {{_tcp.Port}} {
                    TCP_CHECK {
                        connect_timeout 1
                        retry 1
                        delay_before_retry 1
                    }
                }
            }
            """;
        var config = TestConfigs.Load(configText);
        var web = $"127.0.0.2:{_web.Port}";
        var tcp = $"127.0.0.3:{_tcp.Port}";
        var log = new ListLogger();
        var reconciler = Sys.ActorOf(IpvsReconcilerActor.Props(_kernel, config, new IpvsReconcilerOptions { DriftRepairInterval = TimeSpan.FromSeconds(1) }, log));
        var health = Sys.ActorOf(LvsHealthActor.Props(reconciler, config, new LvsHealthOptions { Scheduler = new HealthSchedulerOptions { Random = new Random(7) } }, log));

        // Both real servers in the table and checked once for real.
        await AwaitAssertAsync(async () =>
        {
            var status = await health.Ask<LvsStatus>(GetLvsStatus.Instance, TimeSpan.FromSeconds(3));
            Assert.All(Assert.Single(status.VirtualServices).RealServers, rs => Assert.True(rs.LastCheck is { Up: true }));
            Assert.True(InKernel(web) && InKernel(tcp));
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));

        await _web.StopAsync();
        var clock = Stopwatch.StartNew();
        await AwaitAssertAsync(() => Assert.False(InKernel(web)), Bound + TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(20));
        var removedAfter = clock.Elapsed;

        var down = await health.Ask<LvsStatus>(GetLvsStatus.Instance, TimeSpan.FromSeconds(3));
        var webStatus = down.VirtualServices[0].RealServers.Single(rs => rs.RealServer.Port == _web.Port);
        await AwaitAssertAsync(() => Assert.Contains("down 127.0.0.2", NotifyLog(), StringComparison.Ordinal), TimeSpan.FromSeconds(5));

        _web.Start();
        clock.Restart();
        await AwaitAssertAsync(() => Assert.True(InKernel(web)), Bound + TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(20));
        var backAfter = clock.Elapsed;
        await AwaitAssertAsync(() => Assert.Contains("up 127.0.0.2", NotifyLog(), StringComparison.Ordinal), TimeSpan.FromSeconds(5));

        // Reload adding a virtual service: only its operations are sent, the running checks of the unchanged
        // one keep their history.
        _kernel.TakeOperations();
        health.Tell(new ReloadConfig(TestConfigs.Load(configText + $$"""

            virtual_server 10.0.0.2 80 {
                protocol TCP
                lb_kind NAT
                delay_loop 1
                real_server 127.0.0.3 {{_tcp.Port}} {
                    TCP_CHECK {
                        connect_timeout 1
                    }
                }
            }
            """)));
        await AwaitAssertAsync(async () =>
        {
            var status = await health.Ask<LvsStatus>(GetLvsStatus.Instance, TimeSpan.FromSeconds(3));
            Assert.Equal(2, status.VirtualServices.Length);
            Assert.True(status.VirtualServices[1].RealServers[0].LastCheck is { Up: true });
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        var afterReload = await health.Ask<LvsStatus>(GetLvsStatus.Instance, TimeSpan.FromSeconds(3));
        var reloadOperations = _kernel.TakeOperations().Select(IpvsCommandText.Format).ToArray();

        _output.WriteLine($"removed after {removedAfter.TotalMilliseconds:0} ms, back after {backAfter.TotalMilliseconds:0} ms (bound {Bound.TotalMilliseconds:0} ms)");
        await health.Ask<HealthChecksStopped>(StopHealthChecks.Instance, TimeSpan.FromSeconds(10));
        Assert.True(removedAfter <= Bound, $"removed after {removedAfter}, bound {Bound}");
        Assert.True(backAfter <= Bound, $"back after {backAfter}, bound {Bound}");
        Assert.False(webStatus.Alive);
        Assert.False(webStatus.LastCheck!.Up);
        Assert.Contains(webStatus.History, r => r.Up);
        Assert.True(InKernel(tcp));
        Assert.Equal(["-A -t 10.0.0.2:80 -s wlc", $"-a -t 10.0.0.2:80 -r {tcp} -m -w 1"], reloadOperations);
        Assert.Contains(afterReload.VirtualServices[0].RealServers.Single(rs => rs.RealServer.Port == _web.Port).History, r => !r.Up);
        Assert.DoesNotContain(log.Entries, e => e.EventId.Name is "IpvsRefused" or "IpvsKernelUnreachable" or "ScriptFailed");
    }
}
