namespace LvsHa.Health.Checkers;

/// <summary>The outcome of one check attempt.</summary>
/// <param name="Up">Whether the real server passed.</param>
/// <param name="Reason">Why, in words an operator can act on ("connection refused", "status 500 not in 200-299").</param>
/// <param name="Latency">Time the attempt took (filled in by <see cref="CheckRunner"/>).</param>
/// <param name="DynamicWeight">MISC_CHECK with misc_dynamic: the weight the script asked for (exit status - 2).</param>
/// <param name="TimedOut">The attempt failed by running out of time (keepalived's MISC_CHECK words it "timed out").</param>
public sealed record CheckResult(bool Up, string Reason, TimeSpan Latency = default, int? DynamicWeight = null, bool TimedOut = false)
{
    /// <summary>A passed check.</summary>
    public static CheckResult Pass(string reason = "ok") => new(true, reason);

    /// <summary>A failed check.</summary>
    public static CheckResult Fail(string reason) => new(false, reason);
}
