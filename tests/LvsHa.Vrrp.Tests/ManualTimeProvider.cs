namespace LvsHa.Vrrp.Tests;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        now += by;
    }

    public void Set(DateTimeOffset to)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(to, now);
        now = to;
    }
}
