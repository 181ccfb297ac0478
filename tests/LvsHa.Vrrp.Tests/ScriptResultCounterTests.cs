namespace LvsHa.Vrrp.Tests;

public class ScriptResultCounterTests
{
    [Fact]
    public void Init_FirstSuccess_IsGoodAtOnceWhateverRise()
    {
        var counter = new ScriptResultCounter(rise: 3, fall: 2, initFail: false);
        Assert.Null(counter.IsUp);
        Assert.Equal(true, counter.Record(success: true));
    }

    [Fact]
    public void Init_FirstFailure_IsBadAtOnceWhateverFall()
    {
        var counter = new ScriptResultCounter(rise: 1, fall: 3, initFail: false);
        Assert.Equal(false, counter.Record(success: false));
    }

    [Fact]
    public void Good_TurnsBadOnTheFallthFailureInARow()
    {
        var counter = new ScriptResultCounter(rise: 2, fall: 3, initFail: false);
        counter.Record(true);
        Assert.Null(counter.Record(false));
        Assert.Null(counter.Record(false));
        Assert.Null(counter.Record(true)); // a success in between starts the count again
        Assert.Null(counter.Record(false));
        Assert.Null(counter.Record(false));
        Assert.Equal(false, counter.Record(false));
        Assert.False(counter.IsUp);
    }

    [Fact]
    public void Bad_TurnsGoodOnTheRisethSuccessInARow()
    {
        var counter = new ScriptResultCounter(rise: 3, fall: 1, initFail: false);
        counter.Record(false);
        Assert.Null(counter.Record(true));
        Assert.Null(counter.Record(true));
        Assert.Null(counter.Record(false)); // a failure in between starts the count again
        Assert.Null(counter.Record(true));
        Assert.Null(counter.Record(true));
        Assert.Equal(true, counter.Record(true));
    }

    [Fact]
    public void InitFail_StartsBadAndNeedsRiseSuccesses()
    {
        var counter = new ScriptResultCounter(rise: 2, fall: 1, initFail: true);
        Assert.False(counter.IsUp);
        Assert.Null(counter.Record(false)); // already bad: no change to report
        Assert.Null(counter.Record(true));
        Assert.Equal(true, counter.Record(true));
    }

    [Fact]
    public void Constructor_RiseOrFallBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScriptResultCounter(0, 1, initFail: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScriptResultCounter(1, 0, initFail: false));
    }
}
