using System.Globalization;
using LvsHa.Config;
using LvsHa.Director.Instances;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Vrrp;

/// <summary>
/// Runs keepalived's notify scripts: notify_master/backup/fault/stop as written, then `notify` with "INSTANCE" NAME
/// STATE PRIORITY appended. Calls for one instance run one after another in call order (a later state's scripts
/// never overtake an earlier one's); each script is killed with its process group after the timeout.
/// </summary>
public sealed partial class ScriptNotifyRunner : INotifyRunner
{
    private readonly Dictionary<string, VrrpInstance> _instances;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Task> _tails = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Creates the runner for the instances of one configuration.</summary>
    public ScriptNotifyRunner(IEnumerable<VrrpInstance> instances, TimeSpan timeout, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(instances);
        _instances = instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        _timeout = timeout;
        _logger = logger;
    }

    /// <summary>The commands keepalived runs for <paramref name="instance"/> entering <paramref name="state"/>, in order.</summary>
    public static IReadOnlyList<ScriptCommand> CommandsFor(VrrpInstance instance, string state, int priority)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var commands = new List<ScriptCommand>();
        var specific = state switch
        {
            "MASTER" => instance.NotifyMaster,
            "BACKUP" => instance.NotifyBackup,
            "FAULT" => instance.NotifyFault,
            "STOP" => instance.NotifyStop,
            _ => null,
        };
        if (specific is not null)
            commands.Add(ScriptCommand.Parse(specific.Command));
        if (instance.Notify is { } notify)
        {
            var command = ScriptCommand.Parse(notify.Command);
            commands.Add(command with
            {
                Arguments = [.. command.Arguments, "INSTANCE", instance.Name, state, priority.ToString(CultureInfo.InvariantCulture)],
            });
        }

        return commands;
    }

    /// <inheritdoc />
    public Task RunAsync(string instance, string state, int priority, CancellationToken cancellationToken)
    {
        var commands = CommandsFor(_instances[instance], state, priority);
        if (commands.Count == 0)
            return Task.CompletedTask;
        lock (_lock)
        {
            var previous = _tails.GetValueOrDefault(instance, Task.CompletedTask);
            var next = RunAfterAsync(previous, instance, commands, cancellationToken);
            _tails[instance] = next;
            return next;
        }
    }

    private async Task RunAfterAsync(Task previous, string instance, IReadOnlyList<ScriptCommand> commands, CancellationToken cancellationToken)
    {
        // The previous call's failure was reported to its own caller; here it only orders.
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var command in commands)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            try
            {
                var status = await ScriptRunner.RunAsync(command, timeout.Token).ConfigureAwait(false);
                if (status != 0)
                    LogScriptFailed(instance, command.Display, status);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                LogScriptTimedOut(instance, command.Display, _timeout);
            }
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "vrrp_instance {Instance}: notify script `{Script}` exited with status {Status}")]
    private partial void LogScriptFailed(string instance, string script, int status);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "vrrp_instance {Instance}: notify script `{Script}` killed after {Timeout}")]
    private partial void LogScriptTimedOut(string instance, string script, TimeSpan timeout);
}
