namespace LvsHa.Health.Model;

/// <summary>Timing keys that a virtual service or real server block sets as defaults for its checkers.</summary>
public sealed record CheckerDefaults
{
    /// <summary>connect_timeout.</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>retry.</summary>
    public int? Retry { get; init; }

    /// <summary>delay_before_retry.</summary>
    public TimeSpan? DelayBeforeRetry { get; init; }

    /// <summary>warmup.</summary>
    public TimeSpan? Warmup { get; init; }

    /// <summary>delay_loop.</summary>
    public TimeSpan? DelayLoop { get; init; }

    /// <summary>alpha.</summary>
    public bool? Alpha { get; init; }

    /// <summary>No defaults set.</summary>
    public static readonly CheckerDefaults None = new();
}
