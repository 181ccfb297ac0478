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
        var states = new Dictionary<string, long> { ["eth0"] = 1, ["chk_haproxy"] = 0, ["chk_bonus"] = 0 };
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

    [Theory]
    [InlineData(0, false, 0L, 0, false)]
    [InlineData(0, false, 3L, 0, true)]
    [InlineData(0, true, 0L, 0, true)]
    [InlineData(0, true, -1L, 0, false)]
    [InlineData(1, false, 5L, 5, false)]
    [InlineData(10, false, -3L, -30, false)]
    [InlineData(10, true, 3L, -30, false)]
    [InlineData(2, false, 200L, 253, false)]
    [InlineData(1, false, -253L, -253, false)]
    [InlineData(1, false, -254L, 0, true)]
    [InlineData(-254, false, 2L, 0, true)]
    public void Evaluate_TrackFile_MultipliesTheNumberAsKeepalived(int weight, bool reverse, long number, int delta, bool fault)
    {
        TrackedObject[] file = [new("track_file t", weight, reverse, Valued: true)];
        Assert.Equal(new TrackerChanged(delta, fault), TrackerSet.Evaluate(file, new Dictionary<string, long> { ["track_file t"] = number }));
    }

    private static Dictionary<string, long> Up(params string[] names) => names.ToDictionary(n => n, _ => 1L);
}
