using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using LvsHa.Ipvs;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Ipvs.Tests;

public class IpvsReconcilerTests
{
    private static readonly IpvsServiceKey Web = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80);

    private static IpvsDestination Dest(string address, int weight = 1, IpvsServiceKey? service = null, ushort port = 80) =>
        new(service ?? Web, IPAddress.Parse(address), port, IpvsForwarding.DirectRoute, weight);

    private static IpvsTable Table(params IpvsTableEntry[] entries) => new(entries.ToImmutableArray());

    private static IpvsTableEntry Entry(IpvsService service, params IpvsDestination[] destinations) =>
        new(service, destinations.ToImmutableArray());

    private static string[] Lines(IEnumerable<IpvsOperation> ops) => ops.Select(IpvsCommandText.Format).ToArray();

    [Fact]
    public void Plan_EmptyKernel_AddsServiceThenItsDestinations()
    {
        var wanted = Table(Entry(new IpvsService(Web, "wlc"), Dest("10.0.1.1"), Dest("10.0.1.2", 3)));

        var ops = IpvsReconciler.Plan(wanted, IpvsTable.Empty);

        Assert.Equal(new[]
        {
            "-A -t 10.0.0.1:80 -s wlc",
            "-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1",
            "-a -t 10.0.0.1:80 -r 10.0.1.2:80 -g -w 3",
        }, Lines(ops));
    }

    [Fact]
    public void Plan_SameTable_NoOperations()
    {
        var table = Table(Entry(new IpvsService(Web, "wlc"), Dest("10.0.1.1"), Dest("10.0.1.2", 3)));
        var dumped = Table(Entry(new IpvsService(Web, "wlc", IpvsServiceFlags.Hashed, NetmaskPrefixLength: 32), Dest("10.0.1.2", 3), Dest("10.0.1.1")));

        Assert.Empty(IpvsReconciler.Plan(table, dumped));
    }

    [Fact]
    public void Plan_WeightChanged_EditsDestinationInsteadOfDeleteAndAdd()
    {
        var wanted = Table(Entry(new IpvsService(Web, "wlc"), Dest("10.0.1.1", 5)));
        var actual = Table(Entry(new IpvsService(Web, "wlc"), Dest("10.0.1.1", 1)));

        Assert.Equal(new[] { "-e -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 5" }, Lines(IpvsReconciler.Plan(wanted, actual)));
    }

    [Fact]
    public void Plan_SchedulerOrPersistenceChanged_EditsService()
    {
        var wanted = Table(Entry(new IpvsService(Web, "sh", IpvsServiceFlags.Persistent | IpvsServiceFlags.SchedulerFlag2, 360, 24)));
        var actual = Table(Entry(new IpvsService(Web, "wlc")));

        Assert.Equal(new[] { "-E -t 10.0.0.1:80 -s sh -b sh-port -p 360 -M 255.255.255.0" }, Lines(IpvsReconciler.Plan(wanted, actual)));
    }

    [Fact]
    public void Plan_TimeoutOfNonPersistentService_IsIgnored()
    {
        var wanted = Table(Entry(new IpvsService(Web, "rr")));
        var actual = Table(Entry(new IpvsService(Web, "rr", TimeoutSeconds: 300)));

        Assert.Empty(IpvsReconciler.Plan(wanted, actual));
    }

    [Fact]
    public void Plan_DestinationReplaced_AddsBeforeDeleting()
    {
        var wanted = Table(Entry(new IpvsService(Web, "rr"), Dest("10.0.1.9")));
        var actual = Table(Entry(new IpvsService(Web, "rr"), Dest("10.0.1.1")));

        Assert.Equal(new[]
        {
            "-a -t 10.0.0.1:80 -r 10.0.1.9:80 -g -w 1",
            "-d -t 10.0.0.1:80 -r 10.0.1.1:80",
        }, Lines(IpvsReconciler.Plan(wanted, actual)));
    }

    [Fact]
    public void Plan_UnmanagedKernelService_LeftAloneUnlessPruneOrFormerlyManaged()
    {
        var other = IpvsServiceKey.ForAddress(IpvsProtocol.Udp, IPAddress.Parse("10.9.9.9"), 53);
        var actual = Table(Entry(new IpvsService(other, "rr")));

        Assert.Empty(IpvsReconciler.Plan(IpvsTable.Empty, actual));
        Assert.Equal(new[] { "-D -u 10.9.9.9:53" }, Lines(IpvsReconciler.Plan(IpvsTable.Empty, actual, ReconcileScope.Prune)));
        Assert.Equal(new[] { "-D -u 10.9.9.9:53" },
            Lines(IpvsReconciler.Plan(IpvsTable.Empty, actual, formerlyManaged: new HashSet<IpvsServiceKey> { other })));
    }

    [Fact]
    public void Plan_FwmarkServiceDumpedWithoutProtocol_MatchesWantedService()
    {
        var wantedKey = new IpvsServiceKey(AddressFamily.InterNetwork, IpvsProtocol.Udp, null, 0, 7);
        var dumpedKey = IpvsServiceKey.ForFwmark(AddressFamily.InterNetwork, 7);
        var wanted = Table(Entry(new IpvsService(wantedKey, "rr"), Dest("10.0.1.1", service: wantedKey, port: 0)));
        var actual = Table(Entry(new IpvsService(dumpedKey, "rr"), Dest("10.0.1.1", service: dumpedKey, port: 0)));

        Assert.Empty(IpvsReconciler.Plan(wanted, actual));
    }

    [Fact]
    public void Plan_TunnelSettingsChanged_EditsDestination()
    {
        var gue = new IpvsDestination(Web, IPAddress.Parse("10.0.1.1"), 80, IpvsForwarding.Tunnel, 1,
            Tunnel: new IpvsTunnel(IpvsTunnelType.Gue, 6080, IpvsTunnelFlags.NoChecksum));
        var ipip = gue with { Tunnel = new IpvsTunnel(IpvsTunnelType.IpIp) };

        var ops = IpvsReconciler.Plan(Table(Entry(new IpvsService(Web, "rr"), gue)), Table(Entry(new IpvsService(Web, "rr"), ipip)));

        Assert.Equal(new[] { "-e -t 10.0.0.1:80 -r 10.0.1.1:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum" }, Lines(ops));
    }

    [Fact]
    public void Plan_WantedTableNamesServiceTwice_Throws()
    {
        var wanted = Table(Entry(new IpvsService(Web, "rr")), Entry(new IpvsService(Web, "wlc")));

        Assert.Throws<ArgumentException>(() => IpvsReconciler.Plan(wanted, IpvsTable.Empty));
    }

    [Fact]
    public async Task Plan_AppliedToActual_ConvergesInOneStep()
    {
        // Property: the kernel accepts every operation of the plan, and afterwards the plan is empty.
        var random = new Random(1234);
        for (var round = 0; round < 300; round++)
        {
            var wanted = RandomTable(random);
            var kernel = new InMemoryIpvs();
            await kernel.ExecuteAsync(IpvsReconciler.Plan(RandomTable(random), IpvsTable.Empty));

            var results = await kernel.ExecuteAsync(IpvsReconciler.Plan(wanted, kernel.Snapshot(), ReconcileScope.Prune));

            Assert.All(results, r => Assert.True(r.Succeeded, r.Error?.Message));
            Assert.Empty(IpvsReconciler.Plan(wanted, kernel.Snapshot(), ReconcileScope.Prune));
        }
    }

    private static IpvsTable RandomTable(Random random)
    {
        var entries = new List<IpvsTableEntry>();
        var ports = Enumerable.Range(1, 6).OrderBy(_ => random.Next()).Take(random.Next(0, 5));
        foreach (var port in ports)
        {
            var key = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), (ushort)port);
            var service = new IpvsService(key, random.Next(2) == 0 ? "rr" : "wlc");
            var dests = Enumerable.Range(1, 6).OrderBy(_ => random.Next()).Take(random.Next(0, 5))
                .Select(i => Dest($"10.0.1.{i}", random.Next(0, 3), key, (ushort)port));
            entries.Add(Entry(service, dests.ToArray()));
        }
        return Table(entries.ToArray());
    }
}
