using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using LvsHa.Director.Lvs;
using LvsHa.Ipvs;
using LvsHa.Netlink.Ipvs;
using LvsHa.Testing;
using Xunit.Abstractions;

namespace LvsHa.Director.Tests.Lvs;

/// <summary>
/// FILE_CHECK through both actors with real files and real inotify (only the kernel is the in-memory IIpvs): the
/// start-up table already follows the files, a write reaches the kernel within a second (no delay_loop), and a
/// reload keeps the state of an unchanged virtual server while the one watcher follows the new file set.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FileCheckEndToEndTests : TestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    private readonly string _directory = Directory.CreateTempSubdirectory("lvsha-filecheck-").FullName;
    private readonly InMemoryIpvs _kernel = new();
    private readonly ITestOutputHelper _output;

    public FileCheckEndToEndTests(ITestOutputHelper output)
        : base(output: output) => _output = output;

    private string Down => Path.Combine(_directory, "down");

    private string Weight => Path.Combine(_directory, "weight");

    private string Config => $$"""
        track_file DOWN {
            file {{Down}}
            weight 0
        }
        track_file WEIGHT {
            file {{Weight}}
        }
        virtual_server 10.0.0.1 80 {
            protocol TCP
            lb_kind NAT
            delay_loop 3600
            real_server 127.0.0.5 8080 {
                weight 2
                FILE_CHECK {
                    track_file DOWN
                }
            }
            real_server 127.0.0.6 8080 {
                weight 5
                FILE_CHECK {
                    track_file WEIGHT
                    weight 10
                }
            }
        }
        """;

    private int? KernelWeight(string realServer) =>
        _kernel.Snapshot().Entries.SelectMany(e => e.Destinations).FirstOrDefault(d => IpvsFormat.Endpoint(d.Address, d.Port) == realServer)?.Weight;

    private async Task<TimeSpan> Written(string path, string number, Func<bool> reached, string what)
    {
        var clock = Stopwatch.StartNew();
        await File.WriteAllTextAsync(path, number);
        await AwaitAssertAsync(() => Assert.True(reached(), what), Bound, TimeSpan.FromMilliseconds(10));
        _output.WriteLine($"{what}: {clock.Elapsed.TotalMilliseconds:0} ms after the write");
        return clock.Elapsed;
    }

    [Fact]
    public async Task The_kernel_follows_the_files_from_start_and_on_every_write()
    {
        await File.WriteAllTextAsync(Down, "1\n");
        await File.WriteAllTextAsync(Weight, "3\n");
        var config = TestConfigs.Load(Config);
        var reconciler = Sys.ActorOf(IpvsReconcilerActor.Props(_kernel, config));
        var health = Sys.ActorOf(LvsHealthActor.Props(reconciler, config));

        // From the first table: 127.0.0.5 out (its file says 1) and 127.0.0.6 at 5 + 3 x 10, never anything else.
        await AwaitAssertAsync(() => Assert.Equal(35, KernelWeight("127.0.0.6:8080")), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));
        await Task.Delay(200);
        Assert.Equal(["-A -t 10.0.0.1:80 -s wlc", "-a -t 10.0.0.1:80 -r 127.0.0.6:8080 -m -w 35"], _kernel.TakeOperations().Select(IpvsCommandText.Format));

        _ = await Written(Down, "0\n", () => KernelWeight("127.0.0.5:8080") == 2, "127.0.0.5 in after writing 0");
        _ = await Written(Down, "1\n", () => KernelWeight("127.0.0.5:8080") is null, "127.0.0.5 out after writing 1");
        _ = await Written(Weight, "-1\n", () => KernelWeight("127.0.0.6:8080") == 0, "127.0.0.6 at weight 0 (5 - 10, clamped) after writing -1");
        File.Delete(Weight);
        await AwaitAssertAsync(() => Assert.Equal(5, KernelWeight("127.0.0.6:8080")), Bound, TimeSpan.FromMilliseconds(10));

        // A reload adding a virtual server with a file of its own: the unchanged one keeps its state (no write for
        // it), the new one starts from its file, and the one watcher follows both files.
        var added = Path.Combine(_directory, "added");
        await File.WriteAllTextAsync(added, "1");
        _kernel.TakeOperations();
        health.Tell(new ReloadConfig(TestConfigs.Load(Config + $$"""

            track_file ADDED {
                file {{added}}
                weight 0
            }
            virtual_server 10.0.0.2 80 {
                protocol TCP
                lb_kind NAT
                real_server 127.0.0.7 8080 {
                    FILE_CHECK {
                        track_file ADDED
                    }
                }
            }
            """)));
        await AwaitAssertAsync(() => Assert.Equal(2, _kernel.Snapshot().Entries.Length), TimeSpan.FromSeconds(5));
        await Task.Delay(200);
        Assert.Equal(["-A -t 10.0.0.2:80 -s wlc"], _kernel.TakeOperations().Select(IpvsCommandText.Format));
        Assert.Null(KernelWeight("127.0.0.5:8080"));

        _ = await Written(added, "0", () => KernelWeight("127.0.0.7:8080") == 1, "127.0.0.7 in after writing 0");
        _ = await Written(Down, "0", () => KernelWeight("127.0.0.5:8080") == 2, "127.0.0.5 in after the reload");

        var status = await health.Ask<LvsStatus>(GetLvsStatus.Instance, TimeSpan.FromSeconds(3));
        Assert.Contains(status.VirtualServices[0].RealServers[0].History, r => r.Checker == "FILE_CHECK" && !r.Up);
        await health.Ask<HealthChecksStopped>(StopHealthChecks.Instance, TimeSpan.FromSeconds(10));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            Directory.Delete(_directory, recursive: true);
    }
}
