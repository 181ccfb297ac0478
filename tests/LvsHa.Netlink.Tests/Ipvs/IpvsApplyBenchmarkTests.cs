using System.Diagnostics;
using LvsHa.Netlink.Ipvs;
using Xunit.Abstractions;
using static LvsHa.Netlink.Tests.Ipvs.IpvsKernelFixture;

namespace LvsHa.Netlink.Tests.Ipvs;

// The apply benchmark against `ipvsadm -R` of the same rules, in one process on the real kernel. Each run gets a
// fresh network namespace (IPVS state is per namespace): the kernel keeps deleted destinations in a "trash" list for
// about a minute and scans it linearly on every add, so a run after a flush of a big table would measure the trash.
// Figures go to the test output and, when LVSHA_BENCH_OUT names a file, to that file. Also tagged Benchmark, so a
// quick kernel run can leave them out (--filter "Category=Kernel&Category!=Benchmark"). Timing is reported, not
// asserted; the tables built both ways must be identical.
[Trait("Category", "Kernel")]
[Trait("Category", "Benchmark")]
[Collection(IpvsKernelCollection.Name)]
public sealed class IpvsApplyBenchmarkTests
{
    private readonly IpvsClient _warmUp;
    private readonly ITestOutputHelper _output;

    public IpvsApplyBenchmarkTests(IpvsKernelFixture fixture, ITestOutputHelper output)
    {
        _warmUp = fixture.Client;
        _output = output;
    }

    private void Report(string line)
    {
        _output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("LVSHA_BENCH_OUT") is { Length: > 0 } path)
            File.AppendAllText(path, line + "\n");
    }

    /// <summary>Runs the code paths once so the figures are the apply, not the JIT.</summary>
    private async Task WarmUpAsync()
    {
        await _warmUp.FlushAsync();
        await Apply(_warmUp, IpvsTableGenerator.Operations(10, 2));
        foreach (var service in await _warmUp.GetServicesAsync())
            await _warmUp.GetDestinationsAsync(service.Service.Key);
        await _warmUp.FlushAsync();
    }

    private static async Task<TimeSpan> Apply(IpvsClient client, IReadOnlyList<IpvsOperation> operations)
    {
        var watch = Stopwatch.StartNew();
        var results = await client.ExecuteAsync(operations);
        watch.Stop();
        Assert.All(results, r => Assert.Null(r.Error));
        return watch.Elapsed;
    }

    private static async Task<(int Services, int Destinations, TimeSpan Elapsed)> DumpAll(IpvsClient client)
    {
        var watch = Stopwatch.StartNew();
        var services = await client.GetServicesAsync();
        var destinations = 0;
        foreach (var service in services)
            destinations += (await client.GetDestinationsAsync(service.Service.Key)).Count;
        return (services.Count, destinations, watch.Elapsed);
    }

    [Fact]
    public async Task Apply1000x10_AgainstIpvsadmRestore_SameTableAndTimesReported()
    {
        await WarmUpAsync();
        using var oursNs = new KernelNamespace("ours");
        using var ipvsadmNs = new KernelNamespace("ipvsadm");
        using var client = IpvsClient.Open(oursNs.Path);

        var ours = await Apply(client, IpvsTableGenerator.Operations(1000, 10));
        var again = Stopwatch.StartNew();
        var none = await client.ExecuteAsync([]);
        again.Stop();
        var dump = await DumpAll(client);
        var oursTable = oursNs.SavedRules();

        var rules = IpvsTableGenerator.IpvsadmRules(1000, 10);
        var restore = Stopwatch.StartNew();
        ipvsadmNs.Ipvsadm("-R", rules);
        restore.Stop();
        var ipvsadmTable = ipvsadmNs.SavedRules();

        Assert.Equal((1000, 10_000), (dump.Services, dump.Destinations));
        Assert.Empty(none);
        Assert.Equal(11_000, oursTable.Count);
        Assert.Equal(ipvsadmTable, oursTable);
        Report($"apply 1000 services x 10 destinations (11000 requests): LvsHa ExecuteAsync {ours.TotalMilliseconds:F0} ms, " +
            $"ipvsadm -R {restore.Elapsed.TotalMilliseconds:F0} ms (ratio {ours / restore.Elapsed:F3}); " +
            $"reading the table back (1 service dump + 1000 destination dumps) {dump.Elapsed.TotalMilliseconds:F0} ms; " +
            $"second apply with nothing to do {again.Elapsed.TotalMilliseconds:F3} ms");
    }

    [Fact]
    public async Task Apply10000x10_DumpReadsEveryService()
    {
        await WarmUpAsync();
        using var ns = new KernelNamespace("big");
        using var client = IpvsClient.Open(ns.Path);

        var ours = await Apply(client, IpvsTableGenerator.Operations(10_000, 10));
        var serviceDump = Stopwatch.StartNew();
        var services = await client.GetServicesAsync();
        serviceDump.Stop();
        var dump = await DumpAll(client);

        Assert.Equal(10_000, services.Count);
        Assert.Equal((10_000, 100_000), (dump.Services, dump.Destinations));
        Report($"apply 10000 services x 10 destinations (110000 requests): LvsHa ExecuteAsync {ours.TotalMilliseconds:F0} ms; " +
            $"service dump {serviceDump.Elapsed.TotalMilliseconds:F0} ms; whole table read back {dump.Elapsed.TotalMilliseconds:F0} ms");
    }

    /// <summary>A fresh network namespace with a veth link routing 10/8 (as tests/lab/lab-net.sh sets up the lab).</summary>
    private sealed class KernelNamespace : IDisposable
    {
        public KernelNamespace(string role)
        {
            Name = $"lvsha-nl-{role}-{Environment.ProcessId}";
            LabNamespace.Ip($"netns add {Name}");
            LabNamespace.Ip($"-n {Name} link add lab0 type veth peer name lab1");
            LabNamespace.Ip($"-n {Name} link set lab1 up");
            LabNamespace.Ip($"-n {Name} link set lab0 up");
            LabNamespace.Ip($"-n {Name} addr add 10.255.255.254/8 dev lab0");
        }

        public string Name { get; }

        public string Path => "/run/netns/" + Name;

        public string Ipvsadm(string arguments, string? input = null) => IpvsKernelFixture.Ipvsadm(arguments, input, Name);

        public List<string> SavedRules() => IpvsKernelFixture.SavedRules(Name);

        public void Dispose() => LabNamespace.Ip($"netns del {Name}");
    }
}
