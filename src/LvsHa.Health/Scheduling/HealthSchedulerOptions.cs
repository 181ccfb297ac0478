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

    /// <summary>Source of the warmup delays; seed it in tests.</summary>
    public Random Random { get; init; } = Random.Shared;
}
