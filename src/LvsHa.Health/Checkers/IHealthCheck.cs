namespace LvsHa.Health.Checkers;

/// <summary>One health checker: a single attempt, asynchronous, cancelled by the caller's timeout.</summary>
public interface IHealthCheck
{
    /// <summary>keepalived's block name (TCP_CHECK, HTTP_GET, ...).</summary>
    string Kind { get; }

    /// <summary>Runs one attempt. Expected failures are returned as a failed <see cref="CheckResult"/>; cancellation
    /// (the attempt timeout) surfaces as <see cref="OperationCanceledException"/>.</summary>
    Task<CheckResult> CheckAsync(CancellationToken cancellationToken);
}
