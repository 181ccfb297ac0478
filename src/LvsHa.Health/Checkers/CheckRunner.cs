using Polly;
using Polly.Retry;
using Polly.Timeout;
using LvsHa.Health.Model;

namespace LvsHa.Health.Checkers;

/// <summary>Runs one keepalived check round through Polly: each attempt under a Timeout strategy (connect_timeout,
/// misc_timeout for MISC_CHECK), failed attempts retried by a Retry strategy (retry times, delay_before_retry apart).
/// Both strategies take their clock from the given <see cref="TimeProvider"/>, so tests drive them with a fake one.</summary>
public sealed class CheckRunner
{
    private readonly IHealthCheck check;
    private readonly TimeProvider timeProvider;
    private readonly SemaphoreSlim? concurrency;
    private readonly ResiliencePipeline attemptPipeline;
    private readonly ResiliencePipeline<CheckResult> retryPipeline;
    private readonly TimeSpan attemptTimeout;
    private readonly bool retries;

    /// <summary>Creates the runner.</summary>
    /// <param name="check">The checker.</param>
    /// <param name="timing">The resolved timing.</param>
    /// <param name="timeProvider">Clock for timeouts, retry delays and latency.</param>
    /// <param name="concurrency">Optional gate bounding how many attempts run at once (waiting does not count
    /// against the attempt timeout).</param>
    public CheckRunner(IHealthCheck check, CheckerTiming timing, TimeProvider timeProvider, SemaphoreSlim? concurrency = null)
    {
        ArgumentNullException.ThrowIfNull(timing);
        this.check = check;
        this.timeProvider = timeProvider;
        this.concurrency = concurrency;
        attemptTimeout = timing.AttemptTimeout;
        attemptPipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = timing.AttemptTimeout })
            .Build();
        var builder = new ResiliencePipelineBuilder<CheckResult> { TimeProvider = timeProvider };
        retries = timing.Retry > 0;
        if (retries)
        {
            builder.AddRetry(new RetryStrategyOptions<CheckResult>
            {
                MaxRetryAttempts = timing.Retry,
                Delay = timing.DelayBeforeRetry,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result is { Up: false }),
            });
        }

        retryPipeline = builder.Build();
    }

    /// <summary>The checker this runner drives.</summary>
    public IHealthCheck Check => check;

    /// <summary>One round: with <paramref name="withRetries"/> (keepalived retries only while the checker is up)
    /// failed attempts are retried; the last attempt's result is returned. Every attempt is reported to
    /// <paramref name="onAttempt"/>.</summary>
    public async Task<CheckResult> RunRoundAsync(bool withRetries, Action<CheckResult>? onAttempt, CancellationToken cancellationToken)
    {
        // The first attempt runs outside the retry strategy: a round that passes (nearly all of them) costs no
        // retry pipeline. A failure enters the strategy with that attempt as its first outcome, so Polly waits
        // delay_before_retry and makes the retry attempts exactly as if it had made the first one itself.
        var first = await AttemptAsync(onAttempt, cancellationToken).ConfigureAwait(false);
        if (!withRetries || first.Up || !retries) return first;
        return await retryPipeline.ExecuteAsync(
            static (state, ct) => state.Round.TakeFirst(out var made)
                ? ValueTask.FromResult(made)
                : new ValueTask<CheckResult>(state.Runner.AttemptAsync(state.OnAttempt, ct)),
            (Runner: this, OnAttempt: onAttempt, Round: new FailedRound(first)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One attempt under the timeout; every failure, including a timeout, becomes a failed result.</summary>
    public async Task<CheckResult> AttemptAsync(Action<CheckResult>? onAttempt, CancellationToken cancellationToken)
    {
        if (concurrency is not null) await concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
        var started = timeProvider.GetTimestamp();
        CheckResult result;
        try
        {
            result = await attemptPipeline.ExecuteAsync(
                static (c, ct) => new ValueTask<CheckResult>(c.CheckAsync(ct)), check, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            result = CheckResult.Fail($"{check.Kind} timed out after {attemptTimeout.TotalSeconds:0.###} s") with { TimedOut = true };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            result = CheckResult.Fail($"{check.Kind} failed: {e.Message}");
        }
        finally
        {
            concurrency?.Release();
        }

        result = result with { Latency = timeProvider.GetElapsedTime(started) };
        onAttempt?.Invoke(result);
        return result;
    }

    /// <summary>The failed first attempt of a round, handed to the retry strategy once.</summary>
    private sealed class FailedRound(CheckResult first)
    {
        private bool taken;

        public bool TakeFirst(out CheckResult result)
        {
            result = first;
            if (taken) return false;
            taken = true;
            return true;
        }
    }
}
