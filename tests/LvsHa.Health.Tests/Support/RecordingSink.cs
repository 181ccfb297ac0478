using LvsHa.Health.Scheduling;
using LvsHa.Health.State;

namespace LvsHa.Health.Tests.Support;

/// <summary>Records every decision with the time it was published, but quorum changes (the scheduling tests look at
/// what reaches the kernel; VirtualServiceHealthTests cover quorum).</summary>
internal sealed class RecordingSink(TimeProvider? clock = null) : IHealthDecisionSink
{
    private readonly Lock gate = new();
    private readonly List<(DateTimeOffset At, HealthDecision Decision)> decisions = [];

    public void Publish(IReadOnlyList<HealthDecision> published)
    {
        lock (gate)
        {
            foreach (var d in published.Where(d => d is not QuorumChanged)) decisions.Add(((clock ?? TimeProvider.System).GetUtcNow(), d));
        }
    }

    public IReadOnlyList<HealthDecision> Decisions
    {
        get
        {
            lock (gate) return decisions.Select(d => d.Decision).ToArray();
        }
    }

    public IReadOnlyList<(DateTimeOffset At, HealthDecision Decision)> Timed
    {
        get
        {
            lock (gate) return decisions.ToArray();
        }
    }

    /// <summary>Waits (real time) until a predicate over the decisions holds.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<HealthDecision>, bool> predicate, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!predicate(Decisions))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}; decisions: {string.Join(", ", Decisions)}");
            await Task.Delay(20);
        }
    }
}
