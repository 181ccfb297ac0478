namespace LvsHa.Vrrp.Tests;

public class TrackerSetTests
{
    private static readonly TrackedObject[] Trackers =
    [
        new("eth0", 0),
        new("chk_haproxy", -30),
        new("chk_bonus", 20),
    ];

    [Fact]
    public void Evaluate_AllUp_AddsPositiveWeightsOnly() =>
        Assert.Equal(new TrackerChanged(20, Fault: false), TrackerSet.Evaluate(Trackers, Up("eth0", "chk_haproxy", "chk_bonus")));

    [Fact]
    public void Evaluate_NegativeWeightTrackerDown_SubtractsItsWeight() =>
        Assert.Equal(new TrackerChanged(-10, Fault: false), TrackerSet.Evaluate(Trackers, Up("eth0", "chk_bonus")));

    [Fact]
    public void Evaluate_WeightZeroTrackerDown_IsFault() =>
        Assert.Equal(new TrackerChanged(20, Fault: true), TrackerSet.Evaluate(Trackers, Up("chk_haproxy", "chk_bonus")));

    [Fact]
    public void Evaluate_UnknownState_CountsAsDown() =>
        Assert.Equal(new TrackerChanged(-30, Fault: true), TrackerSet.Evaluate(Trackers, Up()));

    [Fact]
    public void Evaluate_ExplicitlyDown_CountsAsDown()
    {
        var states = new Dictionary<string, bool> { ["eth0"] = true, ["chk_haproxy"] = false, ["chk_bonus"] = false };
        Assert.Equal(new TrackerChanged(-30, Fault: false), TrackerSet.Evaluate(Trackers, states));
    }

    [Fact]
    public void Evaluate_Reverse_WeightsCountTheOtherWayRound()
    {
        TrackedObject[] reversed = [new("plus", 20, Reverse: true), new("minus", -30, Reverse: true)];

        // keepalived's weight multiplier -1: a positive weight is subtracted while up, a negative one added while down.
        Assert.Equal(new TrackerChanged(-20, Fault: false), TrackerSet.Evaluate(reversed, Up("plus", "minus")));
        Assert.Equal(new TrackerChanged(30, Fault: false), TrackerSet.Evaluate(reversed, Up()));
    }

    [Fact]
    public void Evaluate_ReverseWeightZero_FaultsWhileUp()
    {
        TrackedObject[] reversed = [new("chk_standby", 0, Reverse: true)];
        Assert.True(TrackerSet.Evaluate(reversed, Up("chk_standby")).Fault);
        Assert.False(TrackerSet.Evaluate(reversed, Up()).Fault);
    }

    private static Dictionary<string, bool> Up(params string[] names) => names.ToDictionary(n => n, _ => true);
}
