using LvsHa.Health.State;

namespace LvsHa.Health.Scheduling;

/// <summary>Receives the decisions of the health logic (the daemon turns them into reconciler operations and
/// script runs). Called in order per virtual service; must not block.</summary>
public interface IHealthDecisionSink
{
    /// <summary>Takes the decisions one event produced.</summary>
    void Publish(IReadOnlyList<HealthDecision> decisions);

    /// <summary>Takes one notice (what keepalived mails about: a checker's verdict, the quorum at start, the stop),
    /// after the decisions of the same event; ignored unless the sink wants them.</summary>
    void Notice(HealthNotice notice)
    {
    }
}
