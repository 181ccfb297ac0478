namespace LvsHa.Health.Model;

/// <summary>The timing keys a checker, real_server or virtual_server block may set (null = not set there); a real
/// server's and a virtual service's are defaults for their checkers.</summary>
public sealed record TimingKeys
{
    /// <summary>connect_timeout (keepalived's default 5 s).</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>retry: extra attempts after a failure of an up checker before it is declared down.</summary>
    public int? Retry { get; init; }

    /// <summary>delay_before_retry.</summary>
    public TimeSpan? DelayBeforeRetry { get; init; }

    /// <summary>warmup: the first check starts after a random delay in [0, warmup].</summary>
    public TimeSpan? Warmup { get; init; }

    /// <summary>delay_loop.</summary>
    public TimeSpan? DelayLoop { get; init; }

    /// <summary>alpha: checkers start failed until their first success.</summary>
    public bool? Alpha { get; init; }

    /// <summary>No defaults set.</summary>
    public static readonly TimingKeys None = new();
}
