using System.Net;
using System.Net.Sockets;
using LvsHa.RealServers.Model;
using LvsHa.RealServers.Running;
using LvsHa.RealServers.Ssh;
using LvsHa.RealServers.Tests.Planning;
using Renci.SshNet.Common;

namespace LvsHa.RealServers.Tests.Running;

public sealed class PrepareRunnerTests
{
    private static readonly PrepareOptions Fast = new(Parallelism: 4, PerHostTimeout: TimeSpan.FromSeconds(10), Retries: 2, ConnectTimeout: TimeSpan.FromSeconds(5));

    private static PrepTarget Host(string name) => TestStates.Dr() with { Host = name };

    /// <summary>A host that never answers: only a timeout ends the attempt.</summary>
    private static async Task<IRemoteHost> Hang(PrepTarget target, CancellationToken ct)
    {
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("unreachable");
    }

    [Fact]
    public async Task RunAsync_ConnectionRefused_RetriedThenReportedWhileOtherHostSucceeds()
    {
        int attemptsBad = 0;
        PrepareRunner.Connector connect = (t, _) =>
        {
            if (t.Host == "bad")
            {
                Interlocked.Increment(ref attemptsBad);
                throw new SocketException((int)SocketError.ConnectionRefused);
            }

            return Task.FromResult<IRemoteHost>(new FakeRealServer());
        };

        PrepareReport report = await PrepareRunner.RunAsync([Host("good"), Host("bad")], persist: false, Fast, connect, CancellationToken.None);

        HostReport bad = report.Hosts.Single(h => h.Host == "bad");
        Assert.True(bad.Failed);
        Assert.Equal(3, bad.ConnectAttempts);
        Assert.Equal(3, attemptsBad);
        Assert.Contains("unreachable after 3 attempt(s)", bad.Error, StringComparison.Ordinal);
        Assert.False(report.Hosts.Single(h => h.Host == "good").Failed);
        Assert.True(report.AnyFailed);
        Assert.Equal(1, report.ExitCode);
    }

    [Fact]
    public async Task RunAsync_HostKeyRefused_NotRetried()
    {
        PrepareRunner.Connector connect = (_, _) => throw new HostKeyRefusedException("HOST KEY MISMATCH for rs1");
        PrepareReport report = await PrepareRunner.RunAsync([Host("rs1")], persist: false, Fast, connect, CancellationToken.None);

        HostReport host = Assert.Single(report.Hosts);
        Assert.Equal(1, host.ConnectAttempts);
        Assert.Equal("HOST KEY MISMATCH for rs1", host.Error);
    }

    [Fact]
    public async Task RunAsync_AuthenticationRefused_NotRetried()
    {
        PrepareRunner.Connector connect = (_, _) => throw new SshAuthenticationException("Permission denied (publickey).");
        PrepareReport report = await PrepareRunner.RunAsync([Host("rs1")], persist: false, Fast, connect, CancellationToken.None);

        HostReport host = Assert.Single(report.Hosts);
        Assert.Equal(1, host.ConnectAttempts);
        Assert.Contains("key authentication refused", host.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HangingHost_StoppedByPerHostTimeout()
    {
        PrepareRunner.Connector connect = Hang;
        var options = Fast with { PerHostTimeout = TimeSpan.FromMilliseconds(300) };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        PrepareReport report = await PrepareRunner.RunAsync([Host("rs1")], persist: false, options, connect, CancellationToken.None);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Contains("timed out after 0.3 s", Assert.Single(report.Hosts).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SlowConnect_ConnectTimeoutAppliesPerAttempt()
    {
        PrepareRunner.Connector connect = Hang;
        var options = Fast with { ConnectTimeout = TimeSpan.FromMilliseconds(100), Retries = 1 };

        PrepareReport report = await PrepareRunner.RunAsync([Host("rs1")], persist: false, options, connect, CancellationToken.None);

        HostReport host = Assert.Single(report.Hosts);
        Assert.Equal(2, host.ConnectAttempts);
        Assert.Contains("connect timeout", host.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Parallelism_NeverMoreHostsAtOnceThanTheBound()
    {
        int running = 0, peak = 0;
        PrepareRunner.Connector connect = async (_, ct) =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(50, ct);
            Interlocked.Decrement(ref running);
            return new FakeRealServer();
        };
        var targets = Enumerable.Range(1, 8).Select(i => Host($"rs{i}")).ToList();

        PrepareReport report = await PrepareRunner.RunAsync(targets, persist: false, Fast with { Parallelism = 2 }, connect, CancellationToken.None);

        Assert.Equal(8, report.Hosts.Count);
        Assert.Equal(2, peak);
        Assert.False(report.AnyFailed, ReportFormatter.Format(report));
    }

    [Fact]
    public async Task RunAsync_Only_SelectsByHostOrAddress()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        PrepareRunner.Connector connect = (t, _) =>
        {
            seen.Add(t.Host);
            return Task.FromResult<IRemoteHost>(new FakeRealServer());
        };
        var targets = new[] { Host("rs1"), Host("rs2") with { RealServerAddress = IPAddress.Parse("10.1.0.9") }, Host("rs3") };

        PrepareReport report = await PrepareRunner.RunAsync(targets, persist: false, Fast with { Only = new HashSet<string> { "rs1", "10.1.0.9", "rs9" } }, connect, CancellationToken.None);

        Assert.Equal(["rs1", "rs2"], report.Hosts.Select(h => h.Host).Order());
        Assert.Equal(["rs1", "rs2"], seen.Order());
        Assert.Equal(["rs9"], report.UnmatchedOnly);
        Assert.Contains("--only names that match no real server: rs9", ReportFormatter.Format(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_SameHostInTwoVirtualServices_VipsUnited()
    {
        (PrepTarget? merged, string? error) = PrepareRunner.Merge([TestStates.Dr(TestStates.Vip), TestStates.Dr(TestStates.Vip6, TestStates.Vip)]);
        Assert.Null(error);
        Assert.Equal([TestStates.Vip, TestStates.Vip6], merged!.Vips);
    }

    [Fact]
    public void Merge_SameHostWithDifferentMethods_Error()
    {
        (PrepTarget? merged, string? error) = PrepareRunner.Merge([TestStates.Dr(), TestStates.Tun(TunnelKind.Ipip)]);
        Assert.Null(merged);
        Assert.Contains("different forwarding methods", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingKnownHostsFile_EveryHostRefusedClearly()
    {
        var ssh = new SshSettings("root", 22, "/nonexistent/key", "/nonexistent/lvsha/known_hosts");
        PrepareReport report = await PrepareRunner.RunAsync([Host("10.255.255.1")], ssh, Fast, CancellationToken.None);

        HostReport host = Assert.Single(report.Hosts);
        Assert.Contains("cannot read known_hosts file /nonexistent/lvsha/known_hosts", host.Error, StringComparison.Ordinal);
        Assert.Equal(1, host.ConnectAttempts);
    }

    [Fact]
    public void Format_Report_TableProblemsAndSummary()
    {
        var report = new PrepareReport(
            [
                new HostReport("rs1", false, null, [new ItemReport("vip 10.0.0.1/32 on lo", "absent", "present", ItemStatus.Changed, null, ["ip addr add 10.0.0.1/32 dev lo"])], TimeSpan.FromSeconds(1.2), 1),
                new HostReport("rs2", true, "HOST KEY MISMATCH for rs2", [], TimeSpan.FromSeconds(0.1), 1),
            ],
            DryRun: false,
            Undo: false,
            TimeSpan.FromSeconds(1.3));

        string text = ReportFormatter.Format(report);

        Assert.StartsWith("HOST  ITEM", text, StringComparison.Ordinal);
        Assert.Contains("rs1   vip 10.0.0.1/32 on lo  absent    present  changed", text, StringComparison.Ordinal);
        Assert.Contains("    HOST KEY MISMATCH for rs2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("$ ip addr add", text, StringComparison.Ordinal);
        Assert.Contains("rs1: ok; 1 changed (1.2 s)", text, StringComparison.Ordinal);
        Assert.Contains("rs2: FAILED: HOST KEY MISMATCH for rs2 (0.1 s)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("failed=0", text, StringComparison.Ordinal);
        Assert.EndsWith("prepare: 2 host(s), 1 ok, 1 failed in 1.3 s\n", text, StringComparison.Ordinal);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
