using System.Diagnostics;
using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using LvsHa.Config;
using LvsHa.Director.Lvs;
using LvsHa.Health.State;
using LvsHa.Ipvs;
using LvsHa.Netlink;
using LvsHa.Netlink.Ipvs;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Tests.Lvs;

public sealed class IpvsReconcilerActorTests : TestKit
{
    private const string ThreeServices = """
        virtual_server 10.0.0.1 80 {
            protocol TCP
            lb_algo rr
            lb_kind NAT
            real_server 10.0.1.1 80 {
                weight 2
                TCP_CHECK {
                }
            }
            real_server 10.0.1.2 80 {
                TCP_CHECK {
                }
            }
        }
        virtual_server 10.0.0.2 80 {
            protocol TCP
            lb_kind NAT
            inhibit_on_failure
            real_server 10.0.1.3 80 {
                TCP_CHECK {
                }
            }
        }
        virtual_server 10.0.0.3 80 {
            protocol TCP
            lb_kind NAT
            quorum 2
            sorry_server 10.0.9.9 80
            real_server 10.0.1.4 80 {
                TCP_CHECK {
                }
            }
            real_server 10.0.1.5 80 {
                TCP_CHECK {
                }
            }
        }
        """;

    private static readonly IpvsReconcilerOptions NoDrift = new() { DriftRepairInterval = TimeSpan.FromHours(1) };
    private static readonly IpvsService Foreign = new(IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.9.9.9"), 80), "rr");

    private readonly InMemoryIpvs _kernel = new();
    private readonly ListLogger _log = new();

    private static IPEndPoint Ep(string address, int port = 80) => new(IPAddress.Parse(address), port);

    private static string[] Lines(IpvsTable table) => table.Entries
        .SelectMany(e => new[] { "-A " + IpvsCommandText.Service(e.Service) }.Concat(e.Destinations.Select(d => "-a " + IpvsCommandText.Destination(d))))
        .Order(StringComparer.Ordinal)
        .ToArray();

    private static string[] Lines(IEnumerable<IpvsOperation> operations) => operations.Select(IpvsCommandText.Format).ToArray();

    private string[] KernelLines() => Lines(_kernel.Snapshot());

    private async Task<IActorRef> StartAsync(LvsHaConfig config, IpvsReconcilerOptions options)
    {
        var actor = Sys.ActorOf(IpvsReconcilerActor.Props(_kernel, config, options, _log));
        await AwaitAssertAsync(async () =>
        {
            var state = await actor.Ask<IpvsState>(GetIpvsState.Instance, TimeSpan.FromSeconds(3));
            Assert.True(state.Started);
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        return actor;
    }

    private async Task<IReadOnlyList<IpvsOperation>> OperationsUntilAsync(string[] expectedKernel)
    {
        await AwaitAssertAsync(() => Assert.Equal(expectedKernel, KernelLines()), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));
        return _kernel.TakeOperations();
    }

    [Fact]
    public async Task LvsTimeouts_SetAtStart_ChangedByAReload_KernelDefaultsWhenAReloadDropsThem()
    {
        var config = TestConfigs.Load("global_defs {\n lvs_timeouts tcp 7200 udp 60\n}\n" + ThreeServices);
        var actor = await StartAsync(config, NoDrift);
        await AwaitAssertAsync(() => Assert.Equal(new IpvsTimeouts(7200, 120, 60), _kernel.Timeouts), TimeSpan.FromSeconds(5));

        actor.Tell(new ReloadConfig(TestConfigs.Load("global_defs {\n lvs_timeouts tcpfin 30\n}\n" + ThreeServices)));
        await AwaitAssertAsync(() => Assert.Equal(new IpvsTimeouts(7200, 30, 60), _kernel.Timeouts), TimeSpan.FromSeconds(5));

        actor.Tell(new ReloadConfig(TestConfigs.Load(ThreeServices)));
        await AwaitAssertAsync(() => Assert.Equal(new IpvsTimeouts(900, 120, 300), _kernel.Timeouts), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Start_EmptyKernel_AppliesStartupTable()
    {
        var config = TestConfigs.Load(ThreeServices);

        await StartAsync(config, NoDrift);

        Assert.Equal(Lines(WantedTable.Build(config, StartupHealth.Instance)), KernelLines());
        Assert.Equal(3 + 5, _kernel.TakeOperations().Count);
    }

    [Fact]
    public async Task Start_MatchingAndForeignEntries_AdoptsWithMinimalPlan()
    {
        var config = TestConfigs.Load(ThreeServices);
        var startup = WantedTable.Build(config, StartupHealth.Instance);
        foreach (var entry in startup.Entries)
        {
            _kernel.BehindTheBack(new IpvsOperation.AddService(entry.Service));
            foreach (var destination in entry.Destinations)
                _kernel.BehindTheBack(new IpvsOperation.AddDestination(destination));
        }
        // One destination with a stale weight, and a service LvsHa does not manage.
        var stale = startup.Entries[0].Destinations[0];
        _kernel.BehindTheBack(new IpvsOperation.UpdateDestination(stale with { Weight = 9 }));
        _kernel.BehindTheBack(new IpvsOperation.AddService(Foreign));

        await StartAsync(config, NoDrift);

        Assert.Equal(["-e -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 2"], Lines(_kernel.TakeOperations()));
        Assert.Contains("-A -t 10.9.9.9:80 -s rr", KernelLines());
    }

    [Fact]
    public async Task RealServerDown_NotInhibited_OneDeleteThenOneAddWithoutReadingTheTable()
    {
        var config = TestConfigs.Load(ThreeServices);
        var actor = await StartAsync(config, NoDrift);
        _kernel.TakeOperations();
        var before = KernelLines();
        var reads = _kernel.Reads;

        actor.Tell(new HealthDecisions([new RealServerDown("10.0.0.1:80", Ep("10.0.1.2"), Inhibit: false)]));
        var down = await OperationsUntilAsync(before.Where(l => !l.Contains("-r 10.0.1.2:80", StringComparison.Ordinal)).ToArray());

        actor.Tell(new HealthDecisions([new RealServerUp("10.0.0.1:80", Ep("10.0.1.2"), 1)]));
        var up = await OperationsUntilAsync(before);

        Assert.Equal(reads, _kernel.Reads);
        Assert.Equal(["-d -t 10.0.0.1:80 -r 10.0.1.2:80"], Lines(down));
        Assert.Equal(["-a -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 1"], Lines(up));
    }

    [Fact]
    public async Task RealServerDown_Inhibited_OneWeightZeroThenWeightBack()
    {
        var config = TestConfigs.Load(ThreeServices);
        var actor = await StartAsync(config, NoDrift);
        _kernel.TakeOperations();
        var before = KernelLines();

        actor.Tell(new HealthDecisions([new RealServerDown("10.0.0.2:80", Ep("10.0.1.3"), Inhibit: true)]));
        var down = await OperationsUntilAsync(before.Select(l => l.Replace("-r 10.0.1.3:80 -m -w 1", "-r 10.0.1.3:80 -m -w 0", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray());
        actor.Tell(new HealthDecisions([new RealServerUp("10.0.0.2:80", Ep("10.0.1.3"), 1)]));
        var up = await OperationsUntilAsync(before);

        Assert.Equal(["-e -t 10.0.0.2:80 -r 10.0.1.3:80 -m -w 0"], Lines(down));
        Assert.Equal(["-e -t 10.0.0.2:80 -r 10.0.1.3:80 -m -w 1"], Lines(up));
    }

    [Fact]
    public async Task QuorumLost_SorryServerIn_SwapsSorryServerForRealServers()
    {
        var config = TestConfigs.Load(ThreeServices);
        var actor = await StartAsync(config, NoDrift);
        _kernel.TakeOperations();
        var before = KernelLines();
        var withSorry = before.Where(l => !l.Contains("-t 10.0.0.3:80 -r", StringComparison.Ordinal))
            .Append("-a -t 10.0.0.3:80 -r 10.0.9.9:80 -m -w 1").Order(StringComparer.Ordinal).ToArray();

        // What the health logic publishes when 10.0.1.4 fails under quorum 2: the down, then the swap.
        actor.Tell(new HealthDecisions(
        [
            new RealServerDown("10.0.0.3:80", Ep("10.0.1.4"), Inhibit: false),
            new SorryServerIn("10.0.0.3:80", Ep("10.0.9.9"), false, [new PoolMember(Ep("10.0.1.5"), 1, false)]),
        ]));
        var lost = await OperationsUntilAsync(withSorry);
        actor.Tell(new HealthDecisions(
        [
            new RealServerUp("10.0.0.3:80", Ep("10.0.1.4"), 1),
            new SorryServerOut("10.0.0.3:80", Ep("10.0.9.9"), false, [new PoolMember(Ep("10.0.1.4"), 1, false), new PoolMember(Ep("10.0.1.5"), 1, false)]),
        ]));
        var regained = await OperationsUntilAsync(before);

        Assert.Equal(
            ["-d -t 10.0.0.3:80 -r 10.0.1.4:80", "-a -t 10.0.0.3:80 -r 10.0.9.9:80 -m -w 1", "-d -t 10.0.0.3:80 -r 10.0.1.5:80"],
            Lines(lost));
        Assert.Equal(
            ["-a -t 10.0.0.3:80 -r 10.0.1.4:80 -m -w 1", "-a -t 10.0.0.3:80 -r 10.0.1.5:80 -m -w 1", "-d -t 10.0.0.3:80 -r 10.0.9.9:80"],
            Lines(regained).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Drift_EntriesChangedBehindTheBack_RepairedWithinIntervalAndLogged()
    {
        var interval = TimeSpan.FromMilliseconds(500);
        var config = TestConfigs.Load(ThreeServices);
        await StartAsync(config, new IpvsReconcilerOptions { DriftRepairInterval = interval });
        var wanted = KernelLines();
        _kernel.TakeOperations();
        var key1 = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80);
        var key2 = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.2"), 80);
        var key3 = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.3"), 80);

        var clock = Stopwatch.StartNew();
        Assert.Null(_kernel.BehindTheBack(new IpvsOperation.DeleteDestination(key1, IPAddress.Parse("10.0.1.1"), 80)));
        Assert.Null(_kernel.BehindTheBack(new IpvsOperation.UpdateDestination(new IpvsDestination(key2, IPAddress.Parse("10.0.1.3"), 80, IpvsForwarding.Masquerade, 7))));
        Assert.Null(_kernel.BehindTheBack(new IpvsOperation.DeleteService(key3)));
        await AwaitAssertAsync(() => Assert.Equal(wanted, KernelLines()), interval + TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10));
        var repairTime = clock.Elapsed;

        Assert.True(repairTime <= interval + TimeSpan.FromSeconds(1), $"repaired after {repairTime}");
        Assert.Equal(2 + 3, _kernel.TakeOperations().Count);
        // The log lines follow the kernel's answers; on a loaded machine a moment after the table is equal again.
        await AwaitAssertAsync(
            () =>
            {
                var repaired = _log.Entries.Where(e => e.EventId.Name == "IpvsDriftRepaired").ToArray();
                Assert.Contains(repaired, e => Equals(e.Properties["VirtualService"], "-t 10.0.0.1:80") && Equals(e.Properties["RealServer"], "10.0.1.1:80")
                    && Equals(e.Properties["Operation"], "-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 2"));
                Assert.Contains(repaired, e => Equals(e.Properties["Operation"], "-e -t 10.0.0.2:80 -r 10.0.1.3:80 -m -w 1"));
                Assert.Contains(repaired, e => Equals(e.Properties["Operation"], "-A -t 10.0.0.3:80 -s wlc"));
            },
            TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Drift_TickDuringALongStartup_NextWholeTableReadAFullIntervalLater()
    {
        // The start-up read takes longer than the drift interval (thousands of services in a slow VM): the tick that
        // comes meanwhile is answered by the start-up itself, so health decisions right after it find the reconciler
        // free instead of behind another whole-table read.
        var interval = TimeSpan.FromSeconds(1);
        _kernel.ReadDelay = TimeSpan.FromSeconds(1.2);
        await StartAsync(TestConfigs.Load(ThreeServices), new IpvsReconcilerOptions { DriftRepairInterval = interval });
        Assert.Equal(1, _kernel.Reads);
        await AwaitAssertAsync(() => Assert.True(_kernel.Reads >= 2), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public async Task Drift_ReadUnderWay_HealthDecisionsReachTheKernelAtOnceAndTheReadDoesNotUndoThem()
    {
        // A whole-table read of seconds (10,000 services in the VM) must not hold back a health decision, and the
        // read, which saw the table from before the decision, must not be taken for the kernel's state afterwards:
        // it would delete the real server the decision added (or re-add the one it removed, or be refused).
        var config = TestConfigs.Load(ThreeServices);
        var actor = await StartAsync(config, new IpvsReconcilerOptions { DriftRepairInterval = TimeSpan.FromMilliseconds(300) });
        actor.Tell(new HealthDecisions([new RealServerDown("10.0.0.1:80", Ep("10.0.1.2"), Inhibit: false)]));
        var wantedAfterDown = KernelLines().Where(l => !l.Contains("-r 10.0.1.2:80", StringComparison.Ordinal)).ToArray();
        await OperationsUntilAsync(wantedAfterDown);
        var readDelay = TimeSpan.FromSeconds(2);
        _kernel.ReadDelay = readDelay;
        var reads = _kernel.Reads;
        await AwaitAssertAsync(() => Assert.True(_kernel.Reads > reads), TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(5));

        var clock = Stopwatch.StartNew();
        actor.Tell(new HealthDecisions([new RealServerUp("10.0.0.1:80", Ep("10.0.1.2"), 1)]));
        actor.Tell(new HealthDecisions([new RealServerDown("10.0.0.2:80", Ep("10.0.1.3"), Inhibit: true)]));
        var expected = wantedAfterDown.Append("-a -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 1")
            .Select(l => l.Replace("-r 10.0.1.3:80 -m -w 1", "-r 10.0.1.3:80 -m -w 0", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        await AwaitAssertAsync(() => Assert.Equal(expected, KernelLines()), readDelay, TimeSpan.FromMilliseconds(5));
        Assert.True(clock.Elapsed < readDelay / 2, $"decisions applied {clock.Elapsed} into a read of {readDelay}");

        // Two more reads complete (the stale one and a fresh one): the table stays as the decisions left it and
        // nothing beyond their two operations was written.
        _kernel.ReadDelay = TimeSpan.Zero;
        var readsNow = _kernel.Reads;
        await AwaitAssertAsync(() => Assert.True(_kernel.Reads >= readsNow + 2), TimeSpan.FromSeconds(6), TimeSpan.FromMilliseconds(20));
        Assert.Equal(expected, KernelLines());
        Assert.Equal(["-a -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 1", "-e -t 10.0.0.2:80 -r 10.0.1.3:80 -m -w 0"], Lines(_kernel.TakeOperations()));
        Assert.DoesNotContain(_log.Entries, e => e.EventId.Name is "IpvsRefused" or "IpvsDriftRepaired");
    }

    [Fact]
    public async Task Reload_AddedRemovedChangedServices_OnlyMinimalOperations()
    {
        var before = TestConfigs.Load("""
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_kind NAT
                real_server 10.0.1.1 80 {
                }
            }
            virtual_server 10.0.0.2 80 {
                protocol TCP
                lb_kind NAT
                real_server 10.0.1.2 80 {
                }
            }
            virtual_server 10.0.0.3 80 {
                protocol TCP
                lb_algo rr
                lb_kind NAT
                real_server 10.0.1.3 80 {
                }
                real_server 10.0.1.4 80 {
                }
            }
            """);
        var after = TestConfigs.Load("""
            # the unchanged block moved down a line: still unchanged
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_kind NAT
                real_server 10.0.1.1 80 {
                }
            }
            virtual_server 10.0.0.3 80 {
                protocol TCP
                lb_algo wrr
                lb_kind NAT
                real_server 10.0.1.3 80 {
                    weight 5
                }
                real_server 10.0.1.4 80 {
                }
            }
            virtual_server 10.0.0.4 80 {
                protocol TCP
                lb_kind NAT
                real_server 10.0.1.5 80 {
                }
                real_server 10.0.1.6 80 {
                }
            }
            """);
        _kernel.BehindTheBack(new IpvsOperation.AddService(Foreign));
        var actor = await StartAsync(before, NoDrift);
        // The unchanged service's real server is down: the reload must not bring it back.
        actor.Tell(new HealthDecisions([new RealServerDown("10.0.0.1:80", Ep("10.0.1.1"), Inhibit: false)]));
        await AwaitAssertAsync(() => Assert.DoesNotContain(KernelLines(), l => l.Contains("-r 10.0.1.1:80", StringComparison.Ordinal)), TimeSpan.FromSeconds(5));
        _kernel.TakeOperations();

        actor.Tell(new ReloadConfig(after));
        var expected = Lines(WantedTable.Build(after, StartupHealth.Instance))
            .Where(l => !l.Contains("-r 10.0.1.1:80", StringComparison.Ordinal))
            .Append("-A -t 10.9.9.9:80 -s rr").Order(StringComparer.Ordinal).ToArray();
        var operations = Lines(await OperationsUntilAsync(expected));

        Assert.Equal(6, operations.Length);
        Assert.Contains("-D -t 10.0.0.2:80", operations);
        Assert.Contains("-E -t 10.0.0.3:80 -s wrr", operations);
        Assert.Contains("-e -t 10.0.0.3:80 -r 10.0.1.3:80 -m -w 5", operations);
        Assert.Contains("-A -t 10.0.0.4:80 -s wlc", operations);
        Assert.Contains("-a -t 10.0.0.4:80 -r 10.0.1.5:80 -m -w 1", operations);
        Assert.Contains("-a -t 10.0.0.4:80 -r 10.0.1.6:80 -m -w 1", operations);
    }

    /// <summary>The three services programmed, then 10.0.1.2 of 10.0.0.1:80 taken down; returns the full table.</summary>
    private async Task<(IActorRef Actor, string[] Wanted)> StartWithOneRealServerDownAsync(TimeSpan driftInterval)
    {
        var actor = await StartAsync(TestConfigs.Load(ThreeServices), new IpvsReconcilerOptions { DriftRepairInterval = driftInterval });
        var wanted = KernelLines();
        actor.Tell(new HealthDecisions([new RealServerDown("10.0.0.1:80", Ep("10.0.1.2"), Inhibit: false)]));
        await AwaitAssertAsync(() => Assert.DoesNotContain(KernelLines(), l => l.Contains("10.0.1.2", StringComparison.Ordinal)), TimeSpan.FromSeconds(5));
        return (actor, wanted);
    }

    [Fact]
    public async Task KernelRefusal_LoggedWithObjectAndRetriedAtDriftRepair()
    {
        var interval = TimeSpan.FromMilliseconds(500);
        var (actor, wanted) = await StartWithOneRealServerDownAsync(interval);
        var refusals = 0;
        _kernel.Refuse = op => op is IpvsOperation.AddDestination && Interlocked.Increment(ref refusals) == 1
            ? new IpvsException(Errno.ENOMEM, "adding destination -t 10.0.0.1:80 -r 10.0.1.2:80")
            : null;

        actor.Tell(new HealthDecisions([new RealServerUp("10.0.0.1:80", Ep("10.0.1.2"), 1)]));
        await AwaitAssertAsync(() => Assert.Equal(wanted, KernelLines()), interval + TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(10));

        var refused = Assert.Single(_log.Entries, e => e.EventId.Name == "IpvsRefused");
        Assert.Equal("-a -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 1", refused.Properties["Operation"]);
        Assert.Contains("adding destination -t 10.0.0.1:80 -r 10.0.1.2:80", (string)refused.Properties["Error"]!, StringComparison.Ordinal);
        Assert.Contains(_log.Entries, e => e.EventId.Name == "IpvsDriftRepaired" && Equals(e.Properties["RealServer"], "10.0.1.2:80"));
        Assert.Equal(2, refusals);
    }

    [Fact]
    public async Task KernelRefusal_Lasting_WarnsOnceThenDebugUntilAccepted()
    {
        var interval = TimeSpan.FromMilliseconds(100);
        var (actor, wanted) = await StartWithOneRealServerDownAsync(interval);
        var refuse = true;
        _kernel.Refuse = op => Volatile.Read(ref refuse) && op is IpvsOperation.AddDestination
            ? new IpvsException(Errno.EINVAL, "adding destination -t 10.0.0.1:80 -r 10.0.1.2:80")
            : null;

        actor.Tell(new HealthDecisions([new RealServerUp("10.0.0.1:80", Ep("10.0.1.2"), 1)]));
        await AwaitAssertAsync(
            () => Assert.True(_log.Entries.Count(e => e.EventId.Name == "IpvsRefused") >= 4),
            TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(10));
        Volatile.Write(ref refuse, false);
        await AwaitAssertAsync(() => Assert.Equal(wanted, KernelLines()), TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(10));

        var refusals = _log.Entries.Where(e => e.EventId.Name == "IpvsRefused").ToList();
        var warning = Assert.Single(refusals, e => e.Level == LogLevel.Warning);
        Assert.Equal(1, warning.Properties["Refusals"]);
        Assert.All(refusals.Skip(1), e => Assert.Equal(LogLevel.Debug, e.Level));
        var accepted = Assert.Single(_log.Entries, e => e.EventId.Name == "IpvsDriftRepaired" && Equals(e.Properties["RealServer"], "10.0.1.2:80"));
        Assert.Equal(refusals.Count, accepted.Properties["Refusals"]);
    }

    [Fact]
    public async Task Release_RemoveOption_DeletesManagedServicesOnly()
    {
        var config = TestConfigs.Load(ThreeServices);
        _kernel.BehindTheBack(new IpvsOperation.AddService(Foreign));
        var actor = await StartAsync(config, NoDrift);

        var released = await actor.Ask<TableReleased>(ReleaseTable.Instance, TimeSpan.FromSeconds(5));

        Assert.Equal(3, released.Operations.Length);
        Assert.Equal(0, released.Refused);
        Assert.Equal(["-A -t 10.9.9.9:80 -s rr"], KernelLines());

        // The whole table at start and stop is one line each at information; every operation only at debug (a table of
        // thousands of services wrote thousands of lines, and writing them held health decisions back).
        var info = _log.Entries.Where(e => e.Level >= LogLevel.Information).Select(e => e.Message).ToList();
        Assert.Equal(
            ["IPVS table adopted: 1 services found, 8 operations applied", "IPVS table released: 3 virtual services deleted, 0 refused"],
            info);
        Assert.Equal(8 + 3, _log.Entries.Count(e => e.Level == LogLevel.Debug && e.EventId.Name is "IpvsStarted" or "IpvsReleased"));
    }

    [Fact]
    public async Task Release_KeepOption_LeavesTheTable()
    {
        var config = TestConfigs.Load(ThreeServices);
        var actor = await StartAsync(config, NoDrift with { RemoveServicesOnStop = false });
        var before = KernelLines();
        _kernel.TakeOperations();

        var released = await actor.Ask<TableReleased>(ReleaseTable.Instance, TimeSpan.FromSeconds(5));

        Assert.Empty(released.Operations);
        Assert.Empty(_kernel.TakeOperations());
        Assert.Equal(before, KernelLines());
    }

    [Fact]
    public async Task KernelUnreadable_AtStart_LoggedAndAppliedOnceReadable()
    {
        var interval = TimeSpan.FromMilliseconds(300);
        var config = TestConfigs.Load(ThreeServices);
        _kernel.FailReads = true;
        await StartAsync(config, new IpvsReconcilerOptions { DriftRepairInterval = interval });
        Assert.Empty(KernelLines());
        Assert.Contains(_log.Entries, e => e.EventId.Name == "IpvsKernelUnreachable" && e.Message.Contains("Startup", StringComparison.Ordinal));

        _kernel.FailReads = false;

        await AwaitAssertAsync(() => Assert.Equal(Lines(WantedTable.Build(config, StartupHealth.Instance)), KernelLines()),
            interval + TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10));
    }

    [Fact]
    public async Task HaSuspend_ServiceOnlyWhileItsAddressIsLocal_OthersUntouched()
    {
        var config = TestConfigs.Load(ThreeServices.Replace(
            "virtual_server 10.0.0.2 80 {", "virtual_server 10.0.0.2 80 {\n    ha_suspend", StringComparison.Ordinal));
        var actor = await StartAsync(config, NoDrift);
        Assert.DoesNotContain(KernelLines(), l => l.Contains("10.0.0.2:80", StringComparison.Ordinal));
        Assert.Contains("-A -t 10.0.0.1:80 -s rr", KernelLines());
        _kernel.TakeOperations();

        actor.Tell(new LocalAddresses(new HashSet<IPAddress> { IPAddress.Parse("10.0.0.2"), IPAddress.Parse("192.0.2.1") }));
        var resumed = await OperationsUntilAsync(Lines(WantedTable.Build(config, StartupHealth.Instance)));
        Assert.Equal(["-A -t 10.0.0.2:80 -s wlc", "-a -t 10.0.0.2:80 -r 10.0.1.3:80 -m -w 1"], Lines(resumed));

        // A health change while held reaches the kernel; the VIP leaves: only the suspended service goes.
        actor.Tell(new HealthDecisions([new RealServerDown("10.0.0.2:80", Ep("10.0.1.3"), Inhibit: true)]));
        await AwaitAssertAsync(() => Assert.Contains("-a -t 10.0.0.2:80 -r 10.0.1.3:80 -m -w 0", KernelLines()), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));
        _kernel.TakeOperations();
        actor.Tell(new LocalAddresses(new HashSet<IPAddress> { IPAddress.Parse("192.0.2.1") }));
        await AwaitAssertAsync(() => Assert.DoesNotContain(KernelLines(), l => l.Contains("10.0.0.2:80", StringComparison.Ordinal)), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));
        Assert.Equal(["-D -t 10.0.0.2:80"], Lines(_kernel.TakeOperations()));
        Assert.Contains(_log.Entries, e => e.Message.Contains("ha_suspend: 10.0.0.2:80 suspended", StringComparison.Ordinal));
    }
}
