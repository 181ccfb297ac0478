using LvsHa.Health.Checkers;

namespace LvsHa.Health.Tests.Support;

/// <summary>A fake checker whose verdicts a test sets; records the fake time of every attempt.</summary>
internal sealed class ScriptedCheck(TimeProvider clock, Func<int, CheckResult> verdict) : IHealthCheck
{
    private readonly Lock gate = new();
    private readonly List<TimeSpan> attempts = [];
    private readonly DateTimeOffset origin = clock.GetUtcNow();

    public string Kind => "SCRIPTED";

    /// <summary>Fake time (since creation) of every attempt.</summary>
    public IReadOnlyList<TimeSpan> Attempts
    {
        get
        {
            lock (gate) return attempts.ToArray();
        }
    }

    public Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        int n;
        lock (gate)
        {
            attempts.Add(clock.GetUtcNow() - origin);
            n = attempts.Count;
        }

        return Task.FromResult(verdict(n));
    }
}
