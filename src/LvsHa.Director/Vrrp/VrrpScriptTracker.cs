using LvsHa.Config;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;
using LvsHa.Vrrp;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Vrrp;

/// <summary>
/// Runs one vrrp_script every `interval` (the first run at once), kills it with its process group after `timeout`
/// (a timeout is a failure), counts rise/fall (<see cref="ScriptResultCounter"/>) and reports each verdict change.
/// One async loop per script, no thread of its own; a run still going when the next is due delays it (keepalived
/// skips that run). A missing or non-executable script is a failure, logged with the script and its instances.
/// </summary>
public sealed partial class VrrpScriptTracker
{
    private readonly VrrpScript _script;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<ScriptCommand, CancellationToken, Task<int>> _run;
    private readonly ScriptCommand _command;
    private string? _lastProblem;

    /// <summary>Creates the tracker of <paramref name="script"/>, used by <paramref name="instances"/>.</summary>
    /// <param name="script">The vrrp_script block.</param>
    /// <param name="instances">The instances tracking it (for logs).</param>
    /// <param name="time">Clock of the interval and timeout.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="run">Runs the script and returns its exit status (default: <see cref="ScriptRunner.RunAsync"/>).</param>
    /// <param name="scripts">Who the script runs as (default: a configuration without global_defs).</param>
    public VrrpScriptTracker(
        VrrpScript script, IReadOnlyList<string> instances, TimeProvider time, ILogger logger,
        Func<ScriptCommand, CancellationToken, Task<int>>? run = null, Security.ScriptPolicy? scripts = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(instances);
        _script = script;
        Instances = instances;
        _time = time;
        _logger = logger;
        _run = run ?? ((command, cancellationToken) => ScriptRunner.RunAsync(command, cancellationToken));
        _command = (scripts ?? Security.ScriptPolicy.For(GlobalDefs.Empty)).Command(script.Script, script.User, script.Location);
        Counter = new ScriptResultCounter(script.Rise, script.Fall, script.InitFail);
    }

    /// <summary>The instances tracking it, named in its logs (a reload may change them while it runs).</summary>
    public IReadOnlyList<string> Instances { get; set; }

    private string InstanceNames => string.Join(", ", Instances);

    /// <summary>The rise/fall count and verdict.</summary>
    public ScriptResultCounter Counter { get; }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; <paramref name="verdict"/> gets every change
    /// (with init_fail the initial failure at once).</summary>
    public async Task RunAsync(Action<bool> verdict, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (Counter.IsUp is { } initial)
            verdict(initial);
        var next = _time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            var success = await RunOnceAsync(cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
                return;
            if (Counter.Record(success) is { } changed)
            {
                LogVerdict(_script.Name, changed ? "succeeded" : "failed", InstanceNames);
                verdict(changed);
            }

            var now = _time.GetUtcNow();
            next += _script.Interval;
            while (next <= now)
                next += _script.Interval;
            try
            {
                await Task.Delay(next - now, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Runs the script once; true when it exited with status 0 within the timeout.</summary>
    public async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        var problem = ScriptRunner.Problem(_command, out _);
        if (problem is not null)
        {
            Unusable(problem);
            return false;
        }

        using var timeout = new CancellationTokenSource(_script.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var status = await _run(_command, linked.Token).ConfigureAwait(false);
            _lastProblem = null;
            return status == 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogTimedOut(_script.Name, _command.Display, _script.Timeout, InstanceNames);
            return false;
        }
        catch (InvalidOperationException e)
        {
            Unusable(e.Message);
            return false;
        }
    }

    // Once per distinct problem, not every interval: the verdict log already tells when it fails.
    private void Unusable(string problem)
    {
        if (problem == _lastProblem)
            return;
        _lastProblem = problem;
        LogUnusable(_script.Name, problem, InstanceNames);
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "vrrp_script {Script} {Verdict} (tracked by vrrp_instance {Instances})")]
    private partial void LogVerdict(string script, string verdict, string instances);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Warning, Message = "vrrp_script {Script}: `{Command}` killed after timeout {Timeout}, counted as a failure (tracked by vrrp_instance {Instances})")]
    private partial void LogTimedOut(string script, string command, TimeSpan timeout, string instances);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Error, Message = "vrrp_script {Script} cannot run: {Problem}; counted as a failure (tracked by vrrp_instance {Instances})")]
    private partial void LogUnusable(string script, string problem, string instances);
}
