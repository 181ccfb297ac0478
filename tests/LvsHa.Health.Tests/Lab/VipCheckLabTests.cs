using System.Net;
using System.Net.Sockets;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;

namespace LvsHa.Health.Tests.Lab;

/// <summary>VIP_CHECK against a real server in its own network namespace (needs root and iproute2; fails, never
/// skips, without them). Namespaces lvsha-health-PID-N-{p,r} are removed afterwards.</summary>
public sealed class VipCheckLabTests : IDisposable
{
    private const uint Mark = 7;
    private readonly string probe;
    private readonly string realServer;
    private readonly int subnet = Random.Shared.Next(1, 250);
    private readonly LabNamespaces lab = new();

    public VipCheckLabTests()
    {
        var id = $"{Environment.ProcessId}-{subnet}";
        probe = $"lvsha-health-{id}-p";
        realServer = $"lvsha-health-{id}-r";
    }

    private IPAddress Vip => IPAddress.Parse($"10.200.{subnet}.1");

    private IPAddress RealServerAddress => IPAddress.Parse($"10.77.{subnet}.2");

    private static void Ip(string arguments) => LabNamespaces.Ip(arguments);

    private void BuildLab()
    {
        lab.Add(probe);
        lab.Add(realServer);
        var p = $"vhp{subnet}";
        var r = $"vhr{subnet}";
        Ip($"link add {p} netns {probe} type veth peer name {r} netns {realServer}");
        Ip($"-n {probe} addr add 10.77.{subnet}.1/24 dev {p}");
        Ip($"-n {probe} link set {p} up");
        Ip($"-n {probe} link set lo up");
        Ip($"-n {realServer} addr add {RealServerAddress}/24 dev {r}");
        Ip($"-n {realServer} link set {r} up");
        Ip($"-n {realServer} link set lo up");
        Ip($"-n {realServer} addr add {Vip}/32 dev lo");

        // The probe namespace routes marked packets for the VIP to this real server, as DR forwarding does.
        Ip($"-n {probe} rule add fwmark {Mark} table 107");
        Ip($"-n {probe} route add {Vip}/32 via {RealServerAddress} dev {p} onlink table 107");
    }

    private Socket ListenInRealServer() => LabNamespaces.Listen(realServer, new IPEndPoint(IPAddress.Any, 0));

    private async Task<CheckResult> Check(int port, uint mark)
    {
        var spec = new VipCheckSpec(new IPEndPoint(Vip, port), $"/run/netns/{probe}", mark) { Timing = new() { ConnectTimeout = TimeSpan.FromSeconds(1), Retry = 0 } };
        var timing = CheckerTiming.Resolve(spec, TimingKeys.None, TimingKeys.None);
        return await new CheckRunner(new VipCheck(spec), timing, TimeProvider.System).AttemptAsync(null, CancellationToken.None);
    }

    [Fact]
    public async Task VipCheck_RealServerLosesVip_DownWhilePlainConnectStillPasses()
    {
        BuildLab();
        using var listener = ListenInRealServer();
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        var withVip = await Check(port, Mark);
        Assert.True(withVip.Up, withVip.Reason);

        Ip($"-n {realServer} addr del {Vip}/32 dev lo");
        var withoutVip = await Check(port, Mark);

        Assert.False(withoutVip.Up);
        Assert.Contains("timed out", withoutVip.Reason);
        using var plain = NetworkNamespace.CreateSocket($"/run/netns/{probe}", AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await plain.ConnectAsync(new IPEndPoint(RealServerAddress, port)).WaitAsync(TimeSpan.FromSeconds(2));
        Assert.True(plain.Connected, "the real server's own address still answers: a plain TCP_CHECK would pass");
    }

    [Fact]
    public async Task VipCheck_WithoutMark_NotRoutedToRealServerDown()
    {
        BuildLab();
        using var listener = ListenInRealServer();

        var result = await Check(((IPEndPoint)listener.LocalEndPoint!).Port, mark: 0);

        Assert.False(result.Up);
        Assert.Contains("unreachable", result.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task VipCheck_MissingProbeNamespace_DownWithReason()
    {
        var result = await Check(80, Mark);

        Assert.False(result.Up);
        Assert.Contains("probe namespace", result.Reason);
    }

    public void Dispose() => lab.Dispose();
}
