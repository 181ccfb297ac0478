using LvsHa.Health.Checkers;
using LvsHa.Health.Model;
using LvsHa.Health.Tests.Support;

namespace LvsHa.Health.Tests.Checkers;

public class CheckRunnerTests
{
    private static CheckerTiming Timing(int retry, double delayBeforeRetry, double timeout = 5) =>
        CheckerTiming.Resolve(
            new TcpCheckSpec { Timing = new() { Retry = retry, DelayBeforeRetry = TimeSpan.FromSeconds(delayBeforeRetry), ConnectTimeout = TimeSpan.FromSeconds(timeout) } },
            TimingKeys.None,
            TimingKeys.None);

    private static async Task<T> Drive<T>(ManualTimeProvider clock, Task<T> task, TimeSpan step, int maxSteps = 1000)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            await Task.Delay(1);
            clock.Advance(step);
        }

        return await task;
    }

    [Fact]
    public async Task RunRoundAsync_AllAttemptsFail_RetryPlusOneAttemptsSpacedByDelayBeforeRetry()
    {
        var clock = new ManualTimeProvider();
        var check = new ScriptedCheck(clock, _ => CheckResult.Fail("no"));
        var runner = new CheckRunner(check, Timing(retry: 3, delayBeforeRetry: 2), clock);
        var seen = new List<CheckResult>();

        var result = await Drive(clock, runner.RunRoundAsync(withRetries: true, seen.Add, CancellationToken.None), TimeSpan.FromMilliseconds(100));

        Assert.False(result.Up);
        Assert.Equal([0, 2, 4, 6], check.Attempts.Select(a => a.TotalSeconds));
        Assert.Equal(4, seen.Count);
    }

    [Fact]
    public async Task RunRoundAsync_SuccessOnSecondAttempt_StopsRetrying()
    {
        var clock = new ManualTimeProvider();
        var check = new ScriptedCheck(clock, n => n == 2 ? CheckResult.Pass() : CheckResult.Fail("no"));
        var runner = new CheckRunner(check, Timing(retry: 3, delayBeforeRetry: 1), clock);

        var result = await Drive(clock, runner.RunRoundAsync(withRetries: true, null, CancellationToken.None), TimeSpan.FromMilliseconds(100));

        Assert.True(result.Up);
        Assert.Equal([0, 1], check.Attempts.Select(a => a.TotalSeconds));
    }

    [Fact]
    public async Task RunRoundAsync_WithoutRetries_SingleAttempt()
    {
        var clock = new ManualTimeProvider();
        var check = new ScriptedCheck(clock, _ => CheckResult.Fail("no"));
        var runner = new CheckRunner(check, Timing(retry: 3, delayBeforeRetry: 1), clock);

        var result = await runner.RunRoundAsync(withRetries: false, null, CancellationToken.None);

        Assert.False(result.Up);
        Assert.Single(check.Attempts);
    }

    [Fact]
    public async Task AttemptAsync_CheckHangs_TimesOutAtConnectTimeoutOnFakeClock()
    {
        var clock = new ManualTimeProvider();
        var runner = new CheckRunner(new HangingCheck(), Timing(retry: 0, delayBeforeRetry: 1, timeout: 4), clock);

        var task = runner.AttemptAsync(null, CancellationToken.None);
        await Task.Delay(20);
        clock.Advance(TimeSpan.FromSeconds(3.9));
        await Task.Delay(20);
        Assert.False(task.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        var result = await task.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(result.Up);
        Assert.True(result.TimedOut);
        Assert.Contains("timed out after 4 s", result.Reason);
        Assert.Equal(TimeSpan.FromSeconds(4), result.Latency);
    }

    [Fact]
    public async Task AttemptAsync_CheckThrows_FailedResultWithMessage()
    {
        var runner = new CheckRunner(new ThrowingCheck(), Timing(retry: 0, delayBeforeRetry: 1), TimeProvider.System);

        var result = await runner.AttemptAsync(null, CancellationToken.None);

        Assert.False(result.Up);
        Assert.Contains("boom", result.Reason);
    }

    private sealed class HangingCheck : IHealthCheck
    {
        public string Kind => "HANG";

        public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return CheckResult.Pass();
        }
    }

    private sealed class ThrowingCheck : IHealthCheck
    {
        public string Kind => "THROW";

        public Task<CheckResult> CheckAsync(CancellationToken cancellationToken) => throw new InvalidDataException("boom");
    }
}
