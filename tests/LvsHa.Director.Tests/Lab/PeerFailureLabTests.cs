using System.Diagnostics;
using LvsHa.Director.Control;
using LvsHa.Director.Hosting;
using Xunit.Abstractions;

namespace LvsHa.Director.Tests.Lab;

/// <summary>
/// Peers that fail: a stranger (a TLS server with its own certificate) on a seed address, a director with another
/// secret, a killed peer during a stop. None of them may stop or slow down a healthy director.
/// </summary>
[Trait("Category", "Lab")]
[Collection("DirectorLab")]
public sealed class PeerFailureLabTests
{
    private static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(40);

    private readonly ITestOutputHelper _output;

    public PeerFailureLabTests(ITestOutputHelper output) => _output = output;

    // Directors 1 and 2 of 3 expected: up together, a majority without the third seed (held by a foreign listener).
    private static async Task StartDirectorsOneAndTwoAsync(LabCluster lab)
    {
        lab.Start(1);
        lab.Start(2);
        await lab.WaitForQuorumAsync([1, 2], new QuorumReport(true, 2, 3, "majority"), FormationTimeout,
            status => status.Members.Count(m => m.Status == "Up") == 2);
    }

    private static async Task AssertOneAndTwoRunWithMajorityAsync(LabCluster lab)
    {
        foreach (var node in new[] { 1, 2 })
        {
            Assert.False(lab.Process(node).HasExited, $"director {node} exited\n{lab.Log(node)}");
            Assert.True((await lab.Client(node).GetStatusAsync()).Quorum.HasMajority);
        }
    }

    [Fact]
    public async Task Stranger_ListeningOnASeedAddress_DirectorsFormTheirClusterAndKeepRunning()
    {
        using var lab = new LabCluster(3, 3, _output);
        lab.StartStranger(3);
        await StartDirectorsOneAndTwoAsync(lab);
        await Task.Delay(TimeSpan.FromSeconds(10));
        await AssertOneAndTwoRunWithMajorityAsync(lab);

        var stranger = lab.Address(3);
        var refusals = Enumerable.Range(1, 2).Select(lab.Log)
            .SelectMany(log => log.Split('\n'))
            .Where(line => line.Contains(stranger, StringComparison.Ordinal) && line.Contains("TLS", StringComparison.Ordinal))
            .ToList();
        _output.WriteLine($"lines about the stranger:\n{string.Join('\n', refusals)}");
        Assert.NotEmpty(refusals);

        // Retried about every second for 25 s: each source logs it once (AkkaLogPolicy.Window), without stack traces.
        foreach (var node in new[] { 1, 2 })
        {
            var lines = lab.Log(node).Split('\n').Where(l => l.Contains(stranger, StringComparison.Ordinal)).ToList();
            Assert.True(lines.Count <= 8, $"director {node} logged {lines.Count} lines about the stranger:\n{string.Join('\n', lines)}");
            Assert.DoesNotContain(lab.Log(node).Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Stranger_DirectorsThatMetItAndAreCutOffFromEachOther_NeitherStopsNorKeepsAMajority()
    {
        using var lab = new LabCluster(3, 3, _output);
        lab.StartStranger(3);
        await StartDirectorsOneAndTwoAsync(lab);
        Assert.All(new[] { 1, 2 }, node => Assert.Contains("Akka.Remote asked to stop this director", lab.Log(node), StringComparison.Ordinal));

        // Each is now alone (1 of 3): neither has a majority, so neither downs anybody (MajorityDowning), and the
        // shutdown the stranger caused stays held: both run on, without a majority, until the cut heals.
        lab.Isolate(2);
        await lab.WaitForQuorumAsync([1, 2], new QuorumReport(false, 1, 3, "majority"), TimeSpan.FromSeconds(10));
        Assert.False(lab.WaitForExit(1, TimeSpan.FromSeconds(10)), $"director 1 stopped\n{lab.Log(1)}");
        Assert.False(lab.Process(2).HasExited, $"director 2 stopped\n{lab.Log(2)}");
        Assert.All(new[] { 1, 2 }, node => Assert.DoesNotContain("Downing director", lab.Log(node), StringComparison.Ordinal));

        // Healed, they are reachable to each other again: 2 of 3.
        LabCluster.Heal(lab.Namespace(2));
        await lab.WaitForQuorumAsync([1, 2], new QuorumReport(true, 2, 3, "majority"), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task SilentListener_OnASeedAddress_HandshakesThatNeverEndStopNothing()
    {
        using var lab = new LabCluster(3, 3, _output);
        lab.StartSilentListener(3);
        await StartDirectorsOneAndTwoAsync(lab);

        // Past Akka's handshake timeout (15 s), when the hanging connections are given up.
        await Task.Delay(TimeSpan.FromSeconds(20));
        await AssertOneAndTwoRunWithMajorityAsync(lab);
    }

    [Fact]
    public async Task Join_DirectorWithWrongSecret_IsRefusedLogsItAndKeepsRunning()
    {
        using var lab = await LabCluster.FormedAsync(4, 3, _output, FormationTimeout);

        // A witness: a vrrp_instance would take part in VRRP on the wire, which the cluster secret does not guard.
        lab.Start(4, lab.Config(4, secret: "wrong-secret", witness: true));
        Assert.False(lab.WaitForExit(4, TimeSpan.FromSeconds(20)), $"director with the wrong secret exited\n{lab.Log(4)}");
        Assert.Contains("different secret_file contents", lab.Log(4), StringComparison.Ordinal);

        for (var node = 1; node <= 3; node++)
        {
            Assert.False(lab.Process(node).HasExited, $"director {node} exited\n{lab.Log(node)}");
            var status = await lab.Client(node).GetStatusAsync();
            Assert.Equal(3, status.Members.Count);
            Assert.DoesNotContain(status.Members, m => m.Address.Contains(lab.Address(4), StringComparison.Ordinal));
            Assert.Equal(new QuorumReport(true, 3, 3, "majority"), status.Quorum);
        }

        Assert.Contains(
            Enumerable.Range(1, 3).Select(lab.Log),
            log => log.Contains("different secret_file contents", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_PeerKilled_SigtermEndsTheDirectorWithinTwoSeconds()
    {
        using var lab = await LabCluster.FormedAsync(3, null, _output, FormationTimeout);

        lab.Kill(3);
        await lab.WaitForQuorumAsync([1, 2], new QuorumReport(true, 2, 3, "majority"), TimeSpan.FromSeconds(10),
            status => status.Members.Any(m => m.Address.Contains(lab.Address(3), StringComparison.Ordinal) && !m.Reachable));

        var clock = Stopwatch.StartNew();
        lab.Terminate(2);
        Assert.True(lab.WaitForExit(2, TimeSpan.FromSeconds(20)), $"director 2 still running\n{lab.Log(2)}");
        var elapsed = clock.Elapsed;
        _output.WriteLine($"SIGTERM to exit with a dead peer: {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(0, lab.Process(2).ExitCode);
        Assert.True(elapsed <= TimeSpan.FromSeconds(2), $"stop took {elapsed}");
        Assert.False(lab.Process(1).HasExited, $"director 1 exited\n{lab.Log(1)}");
    }

    [Fact]
    public async Task Stop_TwoDirectorsPeerJustKilled_SigtermEndsTheSurvivorWithinTwoSeconds()
    {
        using var lab = await LabCluster.FormedAsync(2, null, _output, FormationTimeout);

        // SIGTERM while the peer is dead but not yet known to be (before the failure detector and any resolver).
        lab.Kill(2);
        await Task.Delay(300);
        var clock = Stopwatch.StartNew();
        lab.Terminate(1);
        Assert.True(lab.WaitForExit(1, TimeSpan.FromSeconds(20)), $"director 1 still running\n{lab.Log(1)}");
        var elapsed = clock.Elapsed;
        _output.WriteLine($"SIGTERM to exit, two directors, peer killed 0.3 s before: {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(0, lab.Process(1).ExitCode);
        Assert.True(elapsed <= TimeSpan.FromSeconds(2), $"stop took {elapsed}");
    }
}
