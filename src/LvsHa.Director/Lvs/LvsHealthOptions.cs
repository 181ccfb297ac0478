using LvsHa.Health.Scheduling;

namespace LvsHa.Director.Lvs;

/// <summary>Tuning of <see cref="LvsHealthActor"/>.</summary>
public sealed record LvsHealthOptions
{
    /// <summary>Options of the health check scheduler (concurrency, history length, checker factory).</summary>
    public HealthSchedulerOptions Scheduler { get; init; } = new();

    /// <summary>A notify/quorum script still running after this long is killed (its process group), so later
    /// scripts of the same virtual service are not held up forever.</summary>
    public TimeSpan ScriptTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Mails real servers going up or down (smtp_alert); null: no mail.</summary>
    public Alerts.MailAlerter? Mail { get; init; }

    /// <summary>Time source of the checks; tests may drive it.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
