using System.Net;

namespace LvsHa.Vrrp.Tests.Simulation;

public class FailoverSimulationTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(1);

    private static VrrpInstanceSettings Director(string name, byte priority, int lastOctet, TimeSpan? advert = null) => new()
    {
        Name = name,
        VirtualRouterId = 51,
        Priority = priority,
        LocalAddress = IPAddress.Parse($"10.0.0.{lastOctet}"),
        AdvertInterval = advert ?? Second,
    };

    private static VrrpNetwork Network(params VrrpInstanceSettings[] settings)
    {
        var network = new VrrpNetwork(Latency);
        foreach (var director in settings)
            network.Add(director);
        foreach (var director in settings)
            network.Input(director.Name, new Start());
        return network;
    }

    // a (150) and b (100) after 10 s: a is master.
    private static VrrpNetwork SteadyPair(VrrpInstanceSettings? a = null)
    {
        var network = Network(a ?? Director("a", 150, 1), Director("b", 100, 2));
        network.RunFor(TimeSpan.FromSeconds(10));
        Assert.Equal(["a"], network.VipHolders());
        return network;
    }

    [Fact]
    public void Startup_TwoDirectors_HigherPriorityBecomesTheOnlyMaster()
    {
        var network = SteadyPair();
        Assert.Equal(["a"], network.VipHolders());
        Assert.Equal(VrrpState.Backup, network.State("b"));
        Assert.Equal(VrrpTiming.MasterDownInterval(150, Second), network.BecameMaster("a"));
        Assert.Equal(TimeSpan.Zero, network.LongestDualMaster);
    }

    [Fact]
    public void MasterDies_BackupBecomesMasterExactlyMasterDownIntervalAfterTheLastAdvert()
    {
        var network = SteadyPair();
        network.Kill("a");
        network.RunFor(TimeSpan.FromSeconds(10));

        Assert.Equal(["b"], network.VipHolders());
        var heardLast = network.LastAdvertSent("a") + Latency;
        Assert.Equal(heardLast + VrrpTiming.MasterDownInterval(100, Second), network.BecameMaster("b"));
        Assert.True(network.BecameMaster("b") - TimeSpan.FromSeconds(10) <= VrrpTiming.MasterDownInterval(100, Second));
    }

    [Fact]
    public void OldMasterReturnsWithHigherPriority_PreemptsWithinOneAdvertInterval()
    {
        var network = SteadyPair();
        network.Kill("a");
        network.RunFor(TimeSpan.FromSeconds(10));
        network.Restart("a");
        network.RunFor(TimeSpan.FromSeconds(10));

        Assert.Equal(["a"], network.VipHolders());
        Assert.Equal(VrrpState.Backup, network.State("b"));
        Assert.Equal(TimeSpan.FromSeconds(20) + VrrpTiming.MasterDownInterval(150, Second), network.BecameMaster("a"));
        Assert.True(network.LongestDualMaster <= Latency, $"two masters for {network.LongestDualMaster}");
    }

    [Fact]
    public void OldMasterReturnsWithNopreempt_BackupKeepsTheVips()
    {
        var network = SteadyPair(Director("a", 150, 1) with { Preempt = false });
        network.Kill("a");
        network.RunFor(TimeSpan.FromSeconds(10));
        network.Restart("a");
        network.RunFor(TimeSpan.FromSeconds(30));

        Assert.Equal(["b"], network.VipHolders());
        Assert.Equal(VrrpState.Backup, network.State("a"));
        Assert.Equal(TimeSpan.Zero, network.LongestDualMaster);
    }

    [Fact]
    public void OldMasterReturnsWithPreemptDelay_TakesOverOnlyAfterTheDelay()
    {
        var network = SteadyPair(Director("a", 150, 1) with { PreemptDelay = TimeSpan.FromSeconds(15) });
        network.Kill("a");
        network.RunFor(TimeSpan.FromSeconds(10));
        network.Restart("a");
        network.RunFor(TimeSpan.FromSeconds(14));
        Assert.Equal(["b"], network.VipHolders());
        network.RunFor(TimeSpan.FromSeconds(10));
        Assert.Equal(["a"], network.VipHolders());
        Assert.True(network.LongestDualMaster <= Latency);
    }

    [Fact]
    public void GracefulStop_BackupTakesOverAfterSkewTimeOnly()
    {
        var network = SteadyPair();
        network.Input("a", new Shutdown());
        network.RunFor(TimeSpan.FromSeconds(5));

        Assert.Equal(["b"], network.VipHolders());
        Assert.Equal(TimeSpan.FromSeconds(10) + Latency + VrrpTiming.SkewTime(100, Second), network.BecameMaster("b"));
        Assert.Equal(TimeSpan.Zero, network.LongestDualMaster);
    }

    [Fact]
    public void ThreeDirectors_MasterDies_HighestRemainingPriorityWinsWithoutOverlap()
    {
        var network = Network(Director("a", 150, 1), Director("b", 120, 2), Director("c", 100, 3));
        network.RunFor(TimeSpan.FromSeconds(10));
        network.Kill("a");
        network.RunFor(TimeSpan.FromSeconds(10));

        Assert.Equal(["b"], network.VipHolders());
        Assert.Equal(VrrpState.Backup, network.State("c"));
        Assert.DoesNotContain(network.Transitions, t => t.Director == "c" && t.To == VrrpState.Master);
        Assert.Equal(TimeSpan.Zero, network.LongestDualMaster);
    }

    [Fact]
    public void EqualPriorities_StartTogether_HigherAddressWinsWithinOneAdvertInterval()
    {
        var network = Network(Director("a", 100, 1), Director("b", 100, 2));
        network.RunFor(TimeSpan.FromSeconds(10));
        Assert.Equal(["b"], network.VipHolders());
        Assert.True(network.LongestDualMaster <= Latency, $"two masters for {network.LongestDualMaster}");
    }

    [Fact]
    public void TrackerLowersMasterPriority_BackupTakesOverWithinMasterDownInterval()
    {
        var network = SteadyPair();
        network.Input("a", new TrackerChanged(-60, Fault: false));
        network.RunFor(TimeSpan.FromSeconds(10));

        Assert.Equal(["b"], network.VipHolders());
        Assert.True(network.BecameMaster("b") - TimeSpan.FromSeconds(10) <= VrrpTiming.MasterDownInterval(100, Second));
        Assert.True(network.LongestDualMaster <= Latency);
    }

    [Fact]
    public void TrackerFault_MasterHandsOverAfterSkewTime()
    {
        var network = SteadyPair();
        network.Input("a", new TrackerChanged(0, Fault: true));
        network.RunFor(TimeSpan.FromSeconds(5));
        Assert.Equal(["b"], network.VipHolders());
        Assert.Equal(VrrpState.Fault, network.State("a"));
        Assert.Equal(TimeSpan.FromSeconds(10) + Latency + VrrpTiming.SkewTime(100, Second), network.BecameMaster("b"));
    }

    [Fact]
    public void ForceFailover_BackupTakesOverAndTheOldMasterDoesNotPreemptBack()
    {
        var network = SteadyPair();
        network.Input("a", new ForceFailover());
        network.RunFor(TimeSpan.FromSeconds(30));
        Assert.Equal(["b"], network.VipHolders());
        Assert.Equal(VrrpState.Backup, network.State("a"));
    }

    [Fact]
    public void FastAdverts_10ms_MasterDies_TakeoverWithinMasterDownInterval()
    {
        var fast = TimeSpan.FromMilliseconds(10);
        var network = Network(Director("a", 150, 1, fast), Director("b", 100, 2, fast));
        network.RunFor(TimeSpan.FromSeconds(1));
        network.Kill("a");
        network.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(["b"], network.VipHolders());
        var takeover = network.BecameMaster("b") - TimeSpan.FromSeconds(1);
        Assert.True(takeover <= VrrpTiming.MasterDownInterval(100, fast), $"takeover after {takeover}");
        Assert.True(takeover > TimeSpan.FromMilliseconds(20), $"takeover after {takeover}");
    }

    [Fact]
    public void PartitionWithGuard_MinorityMasterDropsAndNeverTwoMasters()
    {
        var network = Network(
            Director("a", 150, 1) with { SplitBrainGuard = true },
            Director("b", 120, 2) with { SplitBrainGuard = true },
            Director("c", 100, 3) with { SplitBrainGuard = true });
        foreach (var name in new[] { "a", "b", "c" })
            network.Input(name, new QuorumChanged(true));
        network.RunFor(TimeSpan.FromSeconds(10));
        Assert.Equal(["a"], network.VipHolders());

        network.Partition(["a"], ["b", "c"]);
        network.Input("a", new QuorumChanged(false));
        network.RunFor(TimeSpan.FromSeconds(20));
        Assert.Equal(["b"], network.VipHolders());
        Assert.Equal(VrrpState.Backup, network.State("a"));

        network.Heal();
        network.Input("a", new QuorumChanged(true));
        network.RunFor(TimeSpan.FromSeconds(20));
        Assert.Equal(["a"], network.VipHolders());
        Assert.True(network.LongestDualMaster <= Latency, $"two masters for {network.LongestDualMaster}");
    }

    [Fact]
    public void PartitionWithoutGuard_BothSidesHaveAMasterUntilTheHeal()
    {
        var network = Network(Director("a", 150, 1), Director("b", 120, 2), Director("c", 100, 3));
        network.RunFor(TimeSpan.FromSeconds(10));
        network.Partition(["a"], ["b", "c"]);
        network.RunFor(TimeSpan.FromSeconds(20));
        Assert.Equal(["a", "b"], network.VipHolders().Order());

        network.Heal();
        network.RunFor(TimeSpan.FromSeconds(5));
        Assert.Equal(["a"], network.VipHolders());
        Assert.True(network.LongestDualMaster > TimeSpan.FromSeconds(15)); // the split brain the guard exists to prevent
    }

    [Fact]
    public void PartitionHeals_SecondMasterStepsDownWithinOneAdvertInterval()
    {
        var network = Network(Director("a", 150, 1), Director("b", 120, 2));
        network.RunFor(TimeSpan.FromSeconds(10));
        network.Partition(["a"], ["b"]);
        network.RunFor(TimeSpan.FromSeconds(10));
        var healedAt = network.Now;
        network.Heal();
        network.RunFor(TimeSpan.FromSeconds(5));
        var stepDown = network.Transitions.Single(t => t.Director == "b" && t.To == VrrpState.Backup && t.At >= healedAt).At;
        Assert.True(stepDown - healedAt <= Second + Latency, $"second master lasted {stepDown - healedAt} after the heal");
    }
}
