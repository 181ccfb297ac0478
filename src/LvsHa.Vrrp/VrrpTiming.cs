namespace LvsHa.Vrrp;

/// <summary>RFC 5798 timer arithmetic (VRRPv3: intervals in centiseconds, skew scaled by the master's interval).</summary>
public static class VrrpTiming
{
    /// <summary>One centisecond, the unit of the VRRPv3 advert interval.</summary>
    public static readonly TimeSpan Centisecond = TimeSpan.FromMilliseconds(10);

    /// <summary>The largest advert interval the 12-bit field can carry (40.95 s).</summary>
    public const ushort MaxAdvertIntervalCentiseconds = 0x0FFF;

    /// <summary>Skew_Time = ((256 - priority) * Master_Adver_Interval) / 256, exact to the 100 ns tick.</summary>
    public static TimeSpan SkewTime(byte priority, TimeSpan masterAdvertInterval) =>
        TimeSpan.FromTicks((256 - priority) * masterAdvertInterval.Ticks / 256);

    /// <summary>Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time.</summary>
    public static TimeSpan MasterDownInterval(byte priority, TimeSpan masterAdvertInterval) =>
        (3 * masterAdvertInterval) + SkewTime(priority, masterAdvertInterval);

    /// <summary>True when the interval is a whole number of centiseconds in 1..4095.</summary>
    public static bool IsValidAdvertInterval(TimeSpan interval) =>
        interval.Ticks % Centisecond.Ticks == 0
        && interval >= Centisecond
        && interval.Ticks / Centisecond.Ticks <= MaxAdvertIntervalCentiseconds;

    /// <summary>The interval in centiseconds, as carried in adverts.</summary>
    public static ushort ToCentiseconds(TimeSpan interval)
    {
        if (!IsValidAdvertInterval(interval))
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "advert interval must be 0.01-40.95 s in centiseconds");
        return (ushort)(interval.Ticks / Centisecond.Ticks);
    }

    /// <summary>The interval an advert carries, back as a TimeSpan.</summary>
    public static TimeSpan FromCentiseconds(ushort centiseconds) => TimeSpan.FromTicks(centiseconds * Centisecond.Ticks);
}
