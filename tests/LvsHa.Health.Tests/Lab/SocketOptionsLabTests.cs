using System.Net;
using System.Net.Sockets;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;

namespace LvsHa.Health.Tests.Lab;

/// <summary>bind_if and a checker's fwmark against a real server in its own network namespace (needs root, iproute2
/// and nft; fails, never skips, without them). The checker runs in namespace lvsha-health-so-PID-N-c, which reaches
/// the real server's namespace (-s) through one veth and has a second veth on another subnet, with no route to the real server's address.
/// Both namespaces are removed afterwards.</summary>
public sealed class SocketOptionsLabTests : IDisposable
{
    private readonly int subnet = Random.Shared.Next(1, 250);
    private readonly string checker;
    private readonly string realServer;
    private readonly LabNamespaces lab = new();

    public SocketOptionsLabTests()
    {
        var id = $"{Environment.ProcessId}-{subnet}";
        checker = $"lvsha-health-so-{id}-c";
        realServer = $"lvsha-health-so-{id}-s";
    }

    private string Veth => $"hso{subnet}";

    private string OtherLink => $"hsd{subnet}";

    private IPAddress RealServerAddress => IPAddress.Parse($"10.78.{subnet}.2");

    private void BuildLab()
    {
        lab.Add(checker);
        lab.Add(realServer);
        LabNamespaces.Ip($"link add {Veth} netns {checker} type veth peer name hsr{subnet} netns {realServer}");
        LabNamespaces.Ip($"-n {checker} addr add 10.78.{subnet}.1/24 dev {Veth}");
        LabNamespaces.Ip($"-n {checker} link set {Veth} up");
        // A second link to the real server's namespace, on another subnet: up, but with no route to the real server.
        LabNamespaces.Ip($"link add {OtherLink} netns {checker} type veth peer name hse{subnet} netns {realServer}");
        LabNamespaces.Ip($"-n {checker} addr add 10.79.{subnet}.1/24 dev {OtherLink}");
        LabNamespaces.Ip($"-n {checker} link set {OtherLink} up");
        LabNamespaces.Ip($"-n {realServer} addr add 10.79.{subnet}.2/24 dev hse{subnet}");
        LabNamespaces.Ip($"-n {realServer} link set hse{subnet} up");

        // A socket bound to a device without a route there treats the destination as on-link and asks ARP on that
        // device; the real server must not answer for an address it holds on its other link.
        LabNamespaces.Run("ip", "netns", "exec", realServer, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1");
        LabNamespaces.Ip($"-n {realServer} addr add {RealServerAddress}/24 dev hsr{subnet}");
        LabNamespaces.Ip($"-n {realServer} link set hsr{subnet} up");
    }

    private Socket Listen() => LabNamespaces.Listen(realServer, new IPEndPoint(RealServerAddress, 0));

    /// <summary>One TCP_CHECK attempt to the factory's target for the spec, its socket created in the checker
    /// namespace (the check itself runs on ordinary threads: a thread that enters a namespace must not start others).</summary>
    private async Task<CheckResult> Check(Socket listener, TcpCheckSpec spec)
    {
        spec = spec with { Timing = new() { ConnectTimeout = TimeSpan.FromSeconds(1), Retry = 0 } };
        var rs = new RealServerHealthSettings((IPEndPoint)listener.LocalEndPoint!) { Checkers = [spec] };
        var timing = CheckerTiming.Resolve(spec, TimingKeys.None, TimingKeys.None);
        var target = HealthCheckFactory.Target(spec, rs) with { NetworkNamespacePath = $"/run/netns/{checker}" };
        return await new CheckRunner(new TcpCheck(target), timing, TimeProvider.System).AttemptAsync(null, CancellationToken.None);
    }

    [Fact]
    public async Task BindIf_OnlyTheInterfaceThatReachesTheRealServerPasses()
    {
        BuildLab();
        using var listener = Listen();

        var unbound = await Check(listener, new TcpCheckSpec());
        var throughVeth = await Check(listener, new TcpCheckSpec { BindInterface = Veth });
        var throughOtherLink = await Check(listener, new TcpCheckSpec { BindInterface = OtherLink });
        var missing = await Check(listener, new TcpCheckSpec { BindInterface = "hsnone" });

        Assert.True(unbound.Up, unbound.Reason);
        Assert.True(throughVeth.Up, throughVeth.Reason);
        Assert.False(throughOtherLink.Up);
        Assert.False(missing.Up);
        Assert.Contains("bind_if hsnone: no such interface", missing.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fwmark_MarkedPacketsDroppedByNftables_OnlyTheMarkedCheckFails()
    {
        BuildLab();
        using var listener = Listen();
        LabNamespaces.Run("ip", "netns", "exec", checker, "nft",
            "add table inet lvsha; add chain inet lvsha out { type filter hook output priority 0; }; add rule inet lvsha out meta mark 42 drop");

        var unmarked = await Check(listener, new TcpCheckSpec());
        var otherMark = await Check(listener, new TcpCheckSpec { Fwmark = 41 });
        var dropped = await Check(listener, new TcpCheckSpec { Fwmark = 42 });

        Assert.True(unmarked.Up, unmarked.Reason);
        Assert.True(otherMark.Up, otherMark.Reason);
        Assert.False(dropped.Up);
    }

    public void Dispose() => lab.Dispose();
}
