namespace LvsHa.Vrrp.Tests;

public class VrrpTimingTests
{
    [Fact]
    public void MasterDownInterval_Priority100OneSecond_Is3sPlus156Over256s()
    {
        var expected = TimeSpan.FromSeconds(3) + TimeSpan.FromTicks(156 * TimeSpan.TicksPerSecond / 256);
        Assert.Equal(expected, VrrpTiming.MasterDownInterval(100, TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromTicks(36_093_750), VrrpTiming.MasterDownInterval(100, TimeSpan.FromSeconds(1)));
    }

    [Theory]
    [InlineData(255, 1, 39_062)] // (1 * 1 s) / 256, truncated to the tick
    [InlineData(1, 255, 9_960_937)] // (255 * 1 s) / 256, truncated to the tick
    [InlineData(150, 106, 4_140_625)]
    public void SkewTime_OneSecondInterval_IsScaledByPriority(byte priority, int factor, long ticks)
    {
        Assert.Equal(256 - priority, factor);
        Assert.Equal(TimeSpan.FromTicks(ticks), VrrpTiming.SkewTime(priority, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void SkewTime_TenMillisecondInterval_ScalesWithTheInterval()
    {
        // VRRPv3: skew scales with Master_Adver_Interval, so fast adverts give fast failover.
        Assert.Equal(TimeSpan.FromTicks(156 * 100_000 / 256), VrrpTiming.SkewTime(100, TimeSpan.FromMilliseconds(10)));
        Assert.Equal(TimeSpan.FromTicks(300_000 + 60_937), VrrpTiming.MasterDownInterval(100, TimeSpan.FromMilliseconds(10)));
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(40_950, true)]
    [InlineData(40_960, false)]
    [InlineData(0, false)]
    [InlineData(15, false)]
    public void IsValidAdvertInterval_Milliseconds_AcceptsWholeCentisecondsUpTo4095(int milliseconds, bool valid) =>
        Assert.Equal(valid, VrrpTiming.IsValidAdvertInterval(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void ToCentiseconds_RoundTrip_Preserves()
    {
        Assert.Equal(10, VrrpTiming.ToCentiseconds(TimeSpan.FromMilliseconds(100)));
        Assert.Equal(TimeSpan.FromMilliseconds(100), VrrpTiming.FromCentiseconds(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => VrrpTiming.ToCentiseconds(TimeSpan.FromMilliseconds(5)));
    }

    [Fact]
    public void VrrpAddressOrder_Ipv4AndIpv6_ComparesNumerically()
    {
        var order = VrrpAddressOrder.Instance;
        Assert.True(order.Compare(System.Net.IPAddress.Parse("10.0.0.10"), System.Net.IPAddress.Parse("10.0.0.9")) > 0);
        Assert.True(order.Compare(System.Net.IPAddress.Parse("9.255.255.255"), System.Net.IPAddress.Parse("10.0.0.0")) < 0);
        Assert.True(order.Compare(System.Net.IPAddress.Parse("fe80::10"), System.Net.IPAddress.Parse("fe80::9")) > 0);
        Assert.True(order.Compare(System.Net.IPAddress.Parse("2001:db8::1"), System.Net.IPAddress.Parse("fe80::1")) < 0);
        Assert.Equal(0, order.Compare(System.Net.IPAddress.Parse("10.0.0.1"), System.Net.IPAddress.Parse("10.0.0.1")));
        Assert.True(order.Compare(System.Net.IPAddress.Parse("255.255.255.255"), System.Net.IPAddress.Parse("::1")) < 0);
    }
}
