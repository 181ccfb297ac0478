using LvsHa.Health.Checkers;
using LvsHa.Health.Model;

namespace LvsHa.Health.Scheduling;

/// <summary>Tuning of <see cref="HealthCheckScheduler"/>.</summary>
public sealed record HealthSchedulerOptions
{
    /// <summary>At most this many check attempts run at once (queued attempts wait without a thread).</summary>
    public int MaxConcurrentChecks { get; init; } = 2048;

    /// <summary>Attempts kept per real server for status.</summary>
    public int HistoryLength { get; init; } = 32;

    /// <summary>Builds the checkers; tests replace it with fakes. Defaults to <see cref="HealthCheckFactory.Create"/>.</summary>
    public Func<CheckerSpec, RealServerHealthSettings, VirtualServiceHealthSettings, CheckerTiming, IHealthCheck> CheckFactory { get; init; }
        = HealthCheckFactory.Create;

    /// <summary>Checker start times are rounded up to a multiple of this on the scheduler's clock, so that the checks
    /// of many real servers start together in one timer wake-up (each wake-up costs a thread-pool hop). A start is at
    /// most this late; zero starts each check exactly when due.</summary>
    public TimeSpan StartGranularity { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Probes shared with other schedulers (the director gives the same to the scheduler of each virtual
    /// service, so that identical checks of different services are probed once); their own options (factory,
    /// concurrency, granularity, random, clock) then apply instead of these. Null: the scheduler has its own.</summary>
    public SharedProbes? Probes { get; init; }

    /// <summary>Source of the warmup delays; seed it in tests.</summary>
    public Random Random { get; init; } = Random.Shared;
}
