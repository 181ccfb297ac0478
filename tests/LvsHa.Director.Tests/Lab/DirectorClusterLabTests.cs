using LvsHa.Director.Control;
using LvsHa.Director.Hosting;
using Xunit.Abstractions;

namespace LvsHa.Director.Tests.Lab;

/// <summary>
/// `lvsha run` directors in network namespaces on a bridge, running one vrrp_instance: cluster formation with one
/// VRRP master, a killed master, a partition (nftables).
/// </summary>
[Trait("Category", "Lab")]
[Collection("DirectorLab")]
public sealed class DirectorClusterLabTests
{
    private static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(40);

    // The bound each director's options state (FailureDetectorOptions.UnreachableBound, 2.2 s), plus 1 s: that
    // bound assumes heartbeats as regular as min-std-deviation, and the figure measured here also holds the status
    // polls of both survivors, one after the other, through their control sockets. Three directors with the test host
    // on a loaded two-core CI machine lag beyond it (seen: 2.62-2.69 s, and 3.00 s once in a full CI run of
    // 2026-12-06). The failure bound proper is measured by the benchmarks, not here.
    private static readonly TimeSpan MinorityBound = FailureDetectorOptions.Guarding.UnreachableBound + TimeSpan.FromSeconds(1);

    private readonly ITestOutputHelper _output;

    public DirectorClusterLabTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Cluster_ThreeDirectorsInNamespaces_FormAndFollowOneVrrpMaster()
    {
        using var lab = await LabCluster.FormedAsync(3, null, _output, FormationTimeout);

        // The highest priority (d3, 103) is master; the others follow it, hearing its adverts every 100 ms.
        for (var node = 1; node <= 3; node++)
        {
            var client = lab.Client(node);
            var role = node == 3 ? "MASTER" : "BACKUP";
            await LabCluster.WaitForAsync(
                async () =>
                {
                    var vi = (await client.GetStatusAsync()).Instances.Single();
                    return vi.State == role && vi.Master == lab.Address(3) && (node == 3 || vi.AdvertsAccepted >= 4);
                },
                TimeSpan.FromSeconds(5),
                $"director {node} is {role} with d3 master\n{lab.Log(node)}");
            var status = await client.GetStatusAsync();
            var instance = status.Instances.Single();
            Assert.Equal(0, instance.AdvertsRejected);
            Assert.Equal(new QuorumReport(true, 3, 3, "majority"), status.Quorum);
            // Who else was master for a moment while the directors started is remembered too; d3 must be among them.
            if (node != 3)
                Assert.Contains(instance.LastAdvertBySender.Keys, sender => sender.Contains(lab.Address(3), StringComparison.Ordinal));
            Assert.Equal(3, status.Members.Count);
        }
    }

    [Fact]
    public async Task Cluster_DirectorKilled_SurvivorsSeeTwoOfThreeKeepMajorityAndTakeItBackAfterRestart()
    {
        using var lab = await LabCluster.FormedAsync(3, null, _output, FormationTimeout);

        lab.Kill(3);
        var elapsed = await lab.WaitForQuorumAsync(
            [1, 2],
            new QuorumReport(true, 2, 3, "majority"),
            TimeSpan.FromSeconds(10),
            status => status.Members.Any(m => m.Address.Contains(lab.Address(3), StringComparison.Ordinal) && !m.Reachable));
        _output.WriteLine($"survivors saw the killed director unreachable after {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(elapsed <= MinorityBound, $"unreachable after {elapsed}, bound {MinorityBound}");

        // The killed director was the master: d2 (next priority, with 2 of 3) took over and d1 follows its adverts.
        await LabCluster.WaitForAsync(
            async () => (await lab.Client(2).GetStatusAsync()).Instances.Single().State == "MASTER",
            TimeSpan.FromSeconds(5),
            $"director 2 takes over\n{lab.Log(2)}");
        var before = (await lab.Client(1).GetStatusAsync()).Instances.Single().AdvertsAccepted;
        await Task.Delay(500);
        var after = (await lab.Client(1).GetStatusAsync()).Instances.Single();
        Assert.True(after.AdvertsAccepted >= before + 3, $"adverts accepted {before} -> {after.AdvertsAccepted}");
        Assert.Equal(("BACKUP", lab.Address(2)), (after.State, after.Master));

        // The split-brain resolver removes the dead director after stable-after; the survivors keep 2 of 3.
        await LabCluster.WaitForAsync(
            async () =>
            {
                var status = await lab.Client(1).GetStatusAsync();
                return status.Members.Count == 2 && status.Quorum == new QuorumReport(true, 2, 3, "majority");
            },
            TimeSpan.FromSeconds(15),
            "the dead director is downed and removed, majority kept");

        // Restarted on the same address, it joins as a new incarnation and everyone sees 3 of 3 again.
        lab.Start(3);
        await lab.WaitForClusterAsync(FormationTimeout);
    }

    [Fact]
    public async Task ColdStart_TwoDirectorsStartedTogetherAtDefaults_FormTheClusterWithoutAWarning()
    {
        // Every cold start goes this way (a peer not listening yet, no seed a member): nothing for an operator to act on.
        using var lab = await LabCluster.FormedAsync(2, null, _output, FormationTimeout);
        await Task.Delay(2000);
        foreach (var node in new[] { 1, 2 })
        {
            var warnings = lab.Log(node).Split('\n').Where(l => l.Contains(" WRN ", StringComparison.Ordinal) || l.Contains(" ERR ", StringComparison.Ordinal)).ToList();
            Assert.True(warnings.Count == 0, $"director {node}:\n{string.Join('\n', warnings)}");
        }
    }

    [Fact]
    public async Task JsonFromAPeerWithTheSecret_RefusedNothingBuiltLoggedOncePerPeerAndTypeDirectorStaysInTheCluster()
    {
        // Two directors and, in the third slot, a peer with the cluster secret whose JSON serializer is Akka's stock one.
        using var lab = await LabCluster.FormedAsync(3, 2, _output, FormationTimeout);
        var mark = Path.Combine(lab.Directory, "gadget-built");
        lab.StartJsonPeer(3, 1, mark);
        Assert.True(lab.WaitForExit(3, TimeSpan.FromSeconds(60)), $"the JSON peer ends\n{lab.Log(3)}");
        Assert.True(lab.Process(3).ExitCode == 0 && lab.Log(3).Contains(JsonPeer.Answered, StringComparison.Ordinal), $"the director answers a probe sent after the JSON\n{lab.Log(3)}");
        Assert.False(File.Exists(mark), "the director built the Gadget a peer's JSON named");

        // The Gadget twice (top level), a list holding one (nested in an actor selection): one line per type.
        var peer = $"akka.ssl.tcp://{AkkaConfigBuilder.SystemName}@{lab.Address(3)}:{LabCluster.Port}";
        List<string> Refusals() => [.. lab.Log(1).Split('\n').Where(l => l.Contains("Refused a cluster message", StringComparison.Ordinal))];
        await LabCluster.WaitForAsync(() => Task.FromResult(Refusals().Count >= 2), TimeSpan.FromSeconds(5), $"director 1 logs the refusals\n{lab.Log(1)}");
        await Task.Delay(500);
        var refusals = Refusals();
        Assert.True(refusals.Count == 2, string.Join('\n', refusals));
        Assert.All(refusals, l => Assert.True(l.Contains(" WRN ", StringComparison.Ordinal) && l.Contains(peer, StringComparison.Ordinal), l));
        Assert.Single(refusals, l => l.Contains($" {typeof(Gadget).FullName}, ", StringComparison.Ordinal));
        Assert.Single(refusals, l => l.Contains("System.Collections.Generic.List`1", StringComparison.Ordinal));

        Assert.False(lab.Process(1).HasExited, $"director 1 exited\n{lab.Log(1)}");
        await lab.WaitForClusterAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Partition_IsolatedDirector_LosesMajorityKeepsRunningIsRemovedAndRejoinsAfterTheHeal()
    {
        using var lab = await LabCluster.FormedAsync(3, null, _output, FormationTimeout);

        lab.Isolate(3);
        var cut = DateTime.Now;
        var isolated = lab.Client(3);
        var polled = await LabCluster.WaitForAsync(
            async () => !(await isolated.GetStatusAsync()).Quorum.HasMajority,
            TimeSpan.FromSeconds(10),
            "the isolated director reports no majority");
        // The bound is the director's: when it logged the loss (its own clock, the machine's), counted from the cut
        // (nft applies its rules as it ends); a status poll on a loaded CI machine adds its own round trip on top.
        TimeSpan? LoggedLoss() => lab.Log(3).Split('\n')
            .Where(l => l.Contains("Director majority lost", StringComparison.Ordinal) && l.Length > 23)
            .Select(l => DateTime.ParseExact(l[..23], "yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) - cut)
            .Where(t => t >= TimeSpan.Zero)
            .Select(t => (TimeSpan?)t)
            .FirstOrDefault();
        // The line reaches the captured output a moment after status shows the loss.
        await LabCluster.WaitForAsync(() => Task.FromResult(LoggedLoss() is not null), TimeSpan.FromSeconds(5), "the isolated director logs the loss");
        var lost = LoggedLoss()!.Value;
        _output.WriteLine($"isolated director lost its majority after {lost.TotalMilliseconds:F0} ms by its log, {polled.TotalMilliseconds:F0} ms by status polls (bound {MinorityBound.TotalMilliseconds:F0} ms)");
        Assert.True(lost <= MinorityBound, $"majority lost after {lost} (status polls: {polled}), bound {MinorityBound}\n{lab.Log(3)}");

        // The connected pair keeps (or, after a heartbeat hiccup on a starved host, regains within the bound) 2 of 3,
        // and removes the cut-off director after stable-after (MajorityDowning: only a majority downs).
        await lab.WaitForQuorumAsync([1, 2], new QuorumReport(true, 2, 3, "majority"), MinorityBound);
        await LabCluster.WaitForAsync(
            async () => (await lab.Client(1).GetStatusAsync()).Members.Count == 2,
            TimeSpan.FromSeconds(15),
            "the pair removes the cut-off director");

        // The minority never downs itself: it runs on without a majority (a backup everywhere) for as long as the cut lasts.
        Assert.False(lab.WaitForExit(3, TimeSpan.FromSeconds(5)), $"the isolated director stopped\n{lab.Log(3)}");
        Assert.False((await isolated.GetStatusAsync()).Quorum.HasMajority);
        Assert.Contains("lost: 1 of 3", lab.Log(3), StringComparison.Ordinal);
        Assert.DoesNotContain("Downing director", lab.Log(3), StringComparison.Ordinal);

        // Healed, it finds its incarnation refused by the pair and stops with exit code 3; restarted (systemd would),
        // it joins as a new incarnation.
        LabCluster.Heal(lab.Namespace(3));
        Assert.True(lab.WaitForExit(3, TimeSpan.FromSeconds(60)), $"the removed director still runs after the heal\n{lab.Log(3)}");
        Assert.Equal(DirectorHost.ActorSystemLostExitCode, lab.Process(3).ExitCode);
        Assert.Contains("refuses this director's incarnation", lab.Log(3), StringComparison.Ordinal);
        lab.Start(3);
        await lab.WaitForClusterAsync(FormationTimeout);
    }
}
