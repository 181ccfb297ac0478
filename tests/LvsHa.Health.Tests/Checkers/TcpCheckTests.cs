using System.Net;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;
using LvsHa.Health.Tests.Support;

namespace LvsHa.Health.Tests.Checkers;

public class TcpCheckTests
{
    [Fact]
    public async Task CheckAsync_Listening_Up()
    {
        await using var server = TcpTestServer.AcceptAndClose();

        var result = await new TcpCheck(new CheckTarget(server.Endpoint)).CheckAsync(CancellationToken.None);

        Assert.True(result.Up, result.Reason);
    }

    [Fact]
    public async Task CheckAsync_Refused_DownWithReason()
    {
        using var closed = new ClosedPort();

        var result = await new TcpCheck(new CheckTarget(closed.Endpoint)).CheckAsync(CancellationToken.None);

        Assert.False(result.Up);
        Assert.Contains("refused", result.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Factory_ConnectIpPortAndBindTo_Applied()
    {
        var sources = new List<EndPoint?>();
        await using var server = new TcpTestServer((s, _) => { lock (sources) sources.Add(s.RemoteEndPoint); return Task.CompletedTask; }, "127.0.0.2");
        using var refused = new ClosedPort();
        var spec = new TcpCheckSpec { ConnectIp = server.Endpoint.Address, ConnectPort = server.Endpoint.Port, BindTo = IPAddress.Parse("127.0.0.3") };
        var rs = new RealServerHealthSettings(refused.Endpoint) { Checkers = [spec] };
        var vs = new VirtualServiceHealthSettings("vs") { RealServers = [rs] };
        var check = HealthCheckFactory.Create(spec, rs, vs, CheckerTiming.Resolve(spec, rs.Timing, vs.Timing));

        var result = await check.CheckAsync(CancellationToken.None);

        Assert.True(result.Up, result.Reason);

        // The check ends at connect; the server's accept may come later on a loaded machine.
        for (var waited = 0; waited < 5000 && sources.Count == 0; waited += 20) await Task.Delay(20);
        lock (sources) Assert.Equal(IPAddress.Parse("127.0.0.3"), Assert.IsType<IPEndPoint>(Assert.Single(sources)).Address);
    }

    [Fact]
    public async Task CheckAsync_BindPort_SourcePortUsed()
    {
        var sources = new List<EndPoint?>();
        await using var server = new TcpTestServer((s, _) => { lock (sources) sources.Add(s.RemoteEndPoint); return Task.CompletedTask; });
        int freePort;
        using (var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            freePort = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var result = await new TcpCheck(new CheckTarget(server.Endpoint, IPAddress.Loopback, freePort)).CheckAsync(CancellationToken.None);

        Assert.True(result.Up, result.Reason);

        // The check ends at connect; the server's accept may come later on a loaded machine.
        for (var waited = 0; waited < 5000 && sources.Count == 0; waited += 20) await Task.Delay(20);
        lock (sources) Assert.Equal(freePort, Assert.IsType<IPEndPoint>(Assert.Single(sources)).Port);
    }

    [Fact]
    public async Task CheckRunner_RealTcpUnroutedHang_TimesOutAtConnectTimeout()
    {
        // A listener with a full backlog that never accepts leaves further SYNs unanswered: a real connect timeout.
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var target = new CheckTarget((IPEndPoint)listener.LocalEndPoint!);
        var fillers = new List<System.Net.Sockets.Socket>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                fillers.Add(s);
                _ = s.ConnectAsync(target.Remote);
            }

            await Task.Delay(200);
            var timing = CheckerTiming.Resolve(new TcpCheckSpec { Timing = new() { ConnectTimeout = TimeSpan.FromMilliseconds(700), Retry = 0 } }, TimingKeys.None, TimingKeys.None);
            var runner = new CheckRunner(new TcpCheck(target), timing, TimeProvider.System);

            var result = await runner.AttemptAsync(null, CancellationToken.None);

            Assert.False(result.Up);
            Assert.Contains("timed out", result.Reason);
            Assert.InRange(result.Latency.TotalMilliseconds, 650, 3000);
        }
        finally
        {
            foreach (var s in fillers) s.Dispose();
        }
    }

    [Fact]
    public async Task CheckAsync_Ipv6_UpWhenListeningRefusedWhenNot()
    {
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetworkV6, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        listener.Listen(8);
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;

        var up = await new TcpCheck(new CheckTarget(endpoint)).CheckAsync(CancellationToken.None);
        listener.Close();
        var refused = await new TcpCheck(new CheckTarget(endpoint)).CheckAsync(CancellationToken.None);

        Assert.True(up.Up, up.Reason);
        Assert.False(refused.Up);
        Assert.Contains("refused", refused.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CheckAsync_ManyAtOnceAndAfterCancellation_EachCompletesOnItsOwn()
    {
        await using var server = TcpTestServer.AcceptAndClose();
        using var closed = new ClosedPort();
        using (var cancelled = new CancellationTokenSource())
        {
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new TcpCheck(new CheckTarget(server.Endpoint)).CheckAsync(cancelled.Token));
        }

        var checks = Enumerable.Range(0, 200)
            .Select(i => new TcpCheck(new CheckTarget(i % 2 == 0 ? server.Endpoint : closed.Endpoint)).CheckAsync(CancellationToken.None))
            .ToArray();
        var results = await Task.WhenAll(checks);

        Assert.All(results.Where((_, i) => i % 2 == 0), r => Assert.True(r.Up, r.Reason));
        Assert.All(results.Where((_, i) => i % 2 == 1), r => Assert.Contains("refused", r.Reason, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Factory_BindIfUnknownInterface_DownNamingIt()
    {
        await using var server = TcpTestServer.AcceptAndClose();
        var spec = new TcpCheckSpec { BindInterface = "lvsha-none0" };
        var rs = new RealServerHealthSettings(server.Endpoint) { Checkers = [spec] };
        var vs = new VirtualServiceHealthSettings("vs") { RealServers = [rs] };

        var result = await HealthCheckFactory.Create(spec, rs, vs, CheckerTiming.Resolve(spec, rs.Timing, vs.Timing)).CheckAsync(CancellationToken.None);

        Assert.False(result.Up);
        Assert.Contains("bind_if lvsha-none0: no such interface", result.Reason, StringComparison.Ordinal);
    }
}
