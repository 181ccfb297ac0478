using System.Collections.Immutable;
using System.Net;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Ipvs.Tests;

public class IpvsApplierTests
{
    private static readonly IpvsServiceKey Web = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80);
    private static readonly IpvsServiceKey Dns = IpvsServiceKey.ForAddress(IpvsProtocol.Udp, IPAddress.Parse("10.0.0.1"), 53);

    private static IpvsTableEntry Entry(IpvsServiceKey key, string scheduler, params string[] destinations) =>
        new(new IpvsService(key, scheduler), destinations
            .Select(d => new IpvsDestination(key, IPAddress.Parse(d), key.Port, IpvsForwarding.DirectRoute, 1)).ToImmutableArray());

    [Fact]
    public async Task ApplyAsync_SecondApplyOfSameTable_SendsNoWriteRequest()
    {
        var kernel = new InMemoryIpvs();
        var applier = new IpvsApplier(kernel);
        var wanted = new IpvsTable(ImmutableArray.Create(Entry(Web, "wlc", "10.0.1.1", "10.0.1.2")));

        var first = await applier.ApplyAsync(wanted, ReconcileScope.ManagedOnly);
        var writesAfterFirst = kernel.WriteRequests;
        var second = await applier.ApplyAsync(wanted, ReconcileScope.ManagedOnly);

        Assert.Equal(3, first.Succeeded);
        Assert.True(first.Converged);
        Assert.Empty(second.Results);
        Assert.Equal(writesAfterFirst, kernel.WriteRequests);
    }

    [Fact]
    public async Task ApplyAsync_KernelRefusesOneService_OthersAppliedAndRemainderReported()
    {
        var kernel = new InMemoryIpvs();
        var applier = new IpvsApplier(kernel);
        var wanted = new IpvsTable(ImmutableArray.Create(Entry(Web, "nosuch", "10.0.1.1"), Entry(Dns, "rr", "10.0.1.1")));

        var report = await applier.ApplyAsync(wanted, ReconcileScope.ManagedOnly);

        var refused = Assert.Single(report.Results, r => r.Operation is IpvsOperation.AddService && !r.Succeeded);
        Assert.Contains("-t 10.0.0.1:80", refused.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("nosuch", refused.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, report.Failed); // the service and its one destination
        Assert.False(report.Converged);
        Assert.Equal(new[] { "-A -t 10.0.0.1:80 -s nosuch", "-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1" },
            report.Remaining.Select(IpvsCommandText.Format));
        Assert.Single(kernel.Snapshot().Entries, e => e.Service.Key == Dns && e.Destinations.Length == 1);
    }
}
