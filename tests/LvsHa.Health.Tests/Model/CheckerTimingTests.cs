using LvsHa.Health.Model;

namespace LvsHa.Health.Tests.Model;

public class CheckerTimingTests
{
    private static CheckerTiming Resolve(CheckerSpec spec) => CheckerTiming.Resolve(spec, TimingKeys.None, TimingKeys.None);

    [Fact]
    public void Resolve_TcpCheckWithoutKeys_KeepalivedDefaults()
    {
        var t = Resolve(new TcpCheckSpec());

        Assert.Equal(TimeSpan.FromSeconds(60), t.DelayLoop);
        Assert.Equal(TimeSpan.FromSeconds(5), t.ConnectTimeout);
        Assert.Equal(1, t.Retry);
        Assert.Equal(TimeSpan.FromSeconds(1), t.DelayBeforeRetry);
        Assert.Equal(TimeSpan.FromSeconds(60), t.Warmup);
        Assert.False(t.Alpha);
    }

    [Fact]
    public void Resolve_PerKindDefaults_AsKeepalivedConfManual()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), Resolve(new HttpCheckSpec()).DelayBeforeRetry);
        Assert.Equal(3, Resolve(new DnsCheckSpec { Timing = new() { DelayLoop = TimeSpan.FromSeconds(7) } }).Retry);
        Assert.Equal(TimeSpan.FromSeconds(7), Resolve(new DnsCheckSpec { Timing = new() { DelayLoop = TimeSpan.FromSeconds(7) } }).DelayBeforeRetry);
        Assert.Equal(0, Resolve(new MiscCheckSpec("/bin/true")).Retry);
        Assert.Equal(TimeSpan.FromSeconds(60), Resolve(new MiscCheckSpec("/bin/true")).AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), Resolve(new MiscCheckSpec("/bin/true") { Timeout = TimeSpan.FromSeconds(2) }).AttemptTimeout);
    }

    [Fact]
    public void Resolve_Levels_CheckerOverRealServerOverVirtualService()
    {
        var vs = new TimingKeys { DelayLoop = TimeSpan.FromSeconds(10), Retry = 4, Alpha = true, ConnectTimeout = TimeSpan.FromSeconds(9) };
        var rs = new TimingKeys { Retry = 2, Warmup = TimeSpan.Zero };

        var t = CheckerTiming.Resolve(new TcpCheckSpec { Timing = new() { ConnectTimeout = TimeSpan.FromSeconds(1) } }, rs, vs);

        Assert.Equal(TimeSpan.FromSeconds(10), t.DelayLoop);
        Assert.Equal(2, t.Retry);
        Assert.Equal(TimeSpan.Zero, t.Warmup);
        Assert.True(t.Alpha);
        Assert.Equal(TimeSpan.FromSeconds(1), t.ConnectTimeout);
    }
}
