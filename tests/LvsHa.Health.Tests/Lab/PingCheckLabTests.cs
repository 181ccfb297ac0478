using System.Net;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;

namespace LvsHa.Health.Tests.Lab;

/// <summary>PING_CHECK against a real kernel's echo replies: a checker namespace and a real-server namespace on one
/// veth pair (IPv4 and IPv6), the real server made silent with nftables.</summary>
public sealed class PingCheckLabTests : IDisposable
{
    private static int _next;
    private readonly LabNamespaces lab = new();
    private readonly string checker;
    private readonly string realServer;
    private readonly int subnet = 100 + Interlocked.Increment(ref _next);

    public PingCheckLabTests()
    {
        var id = $"{Environment.ProcessId}-{subnet}";
        checker = $"lvsha-health-ping-{id}-c";
        realServer = $"lvsha-health-ping-{id}-s";
        lab.Add(checker);
        lab.Add(realServer);
        // No duplicate address detection on the new links: a tentative link-local address holds back neighbour
        // discovery, and the first IPv6 echo, for a second or two (a real server has long been up).
        foreach (var ns in new[] { checker, realServer })
            LabNamespaces.Run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        LabNamespaces.Ip($"link add hpc{subnet} netns {checker} type veth peer name hps{subnet} netns {realServer}");
        LabNamespaces.Ip($"-n {checker} addr add 10.77.{subnet}.1/24 dev hpc{subnet}");
        LabNamespaces.Ip($"-n {checker} addr add fd77:{subnet}::1/64 dev hpc{subnet} nodad");
        LabNamespaces.Ip($"-n {checker} link set hpc{subnet} up");
        LabNamespaces.Ip($"-n {realServer} addr add 10.77.{subnet}.2/24 dev hps{subnet}");
        LabNamespaces.Ip($"-n {realServer} addr add fd77:{subnet}::2/64 dev hps{subnet} nodad");
        LabNamespaces.Ip($"-n {realServer} link set hps{subnet} up");
    }

    public void Dispose() => lab.Dispose();

    private async Task<CheckResult> Ping(string address)
    {
        var spec = new PingCheckSpec { Timing = new() { ConnectTimeout = TimeSpan.FromSeconds(3), Retry = 0 } };
        var rs = new RealServerHealthSettings(new IPEndPoint(IPAddress.Parse(address), 0)) { Checkers = [spec] };
        var timing = CheckerTiming.Resolve(spec, TimingKeys.None, TimingKeys.None);
        var target = HealthCheckFactory.Target(spec, rs) with { NetworkNamespacePath = $"/run/netns/{checker}" };
        var check = HealthCheckFactory.Create(spec, rs, new VirtualServiceHealthSettings("vs"), timing);
        Assert.IsType<PingCheck>(check);
        return await new CheckRunner(new PingCheck(target), timing, TimeProvider.System).AttemptAsync(null, CancellationToken.None);
    }

    [Theory]
    [InlineData("10.77.{0}.2")]
    [InlineData("fd77:{0}::2")]
    public async Task Ping_RealServerAnswers_UpAndSilenced_Down(string address)
    {
        address = string.Format(System.Globalization.CultureInfo.InvariantCulture, address, subnet);
        var up = await Ping(address);
        Assert.True(up.Up, up.Reason);
        Assert.StartsWith($"echo reply from {address} in ", up.Reason, StringComparison.Ordinal);

        // The real server drops every echo request: no reply, the attempt times out after connect_timeout.
        LabNamespaces.Run("ip", "netns", "exec", realServer, "nft",
            "add table inet silent; add chain inet silent in { type filter hook input priority 0; }; " +
            "add rule inet silent in icmp type echo-request drop; add rule inet silent in icmpv6 type echo-request drop");
        var down = await Ping(address);
        Assert.False(down.Up);
    }

    [Fact]
    public void Checksum_KnownEchoRequest_MatchesRfc1071()
    {
        // Type 8, code 0, id 0x1234, sequence 1, no payload: sum 0x0800 + 0x1234 + 0x0001 = 0x1a35, complement 0xe5ca.
        Assert.Equal(0xe5ca, PingCheck.Checksum([8, 0, 0, 0, 0x12, 0x34, 0, 1]));
    }
}
