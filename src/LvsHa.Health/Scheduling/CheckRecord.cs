namespace LvsHa.Health.Scheduling;

/// <summary>One check attempt in a real server's health history.</summary>
public sealed record CheckRecord(DateTimeOffset At, string Checker, bool Up, string Reason, TimeSpan Latency);
