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
    private readonly RunningInstances _instances;
    private readonly Security.ScriptPolicy _scripts;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Task> _tails = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>
    /// Creates the runner for the running instances, its scripts run as <paramref name="scripts"/> says; each call
    /// runs the scripts the instance's running block names then (a reload may have changed them).
    /// </summary>
    public ScriptNotifyRunner(RunningInstances instances, Security.ScriptPolicy scripts, TimeSpan timeout, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(instances);
        _instances = instances;
        _scripts = scripts;
        _timeout = timeout;
        _logger = logger;
    }

    /// <summary>The commands keepalived runs for <paramref name="instance"/> entering <paramref name="state"/>, in order.</summary>
    public static IReadOnlyList<ScriptCommand> CommandsFor(VrrpInstance instance, string state, int priority, Security.ScriptPolicy scripts)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return Commands(
            scripts, "INSTANCE", instance.Name, state, priority,
            (instance.NotifyMaster, instance.NotifyBackup, instance.NotifyFault, instance.NotifyStop), instance.Notify);
    }

    /// <summary>
    /// The commands keepalived runs for vrrp_sync_group <paramref name="group"/> entering <paramref name="state"/>:
    /// its notify_master/backup/fault/stop, then `notify` with "GROUP" NAME STATE 0 (keepalived passes priority 0 for a group).
    /// </summary>
    public static IReadOnlyList<ScriptCommand> CommandsFor(Config.VrrpSyncGroup group, string state, Security.ScriptPolicy scripts)
    {
        ArgumentNullException.ThrowIfNull(group);
        return Commands(scripts, "GROUP", group.Name, state, 0, (group.NotifyMaster, group.NotifyBackup, group.NotifyFault, group.NotifyStop), group.Notify);
    }

    private static List<ScriptCommand> Commands(
        Security.ScriptPolicy scripts, string kind, string name, string state, int priority,
        (NotifyScript? Master, NotifyScript? Backup, NotifyScript? Fault, NotifyScript? Stop) byState, NotifyScript? notify)
    {
        var commands = new List<ScriptCommand>();
        var specific = state switch
        {
            "MASTER" => byState.Master,
            "BACKUP" => byState.Backup,
            "FAULT" => byState.Fault,
            "STOP" => byState.Stop,
            _ => null,
        };
        // Judged when the configuration was loaded (ScriptPolicy.Check): these do not throw.
        if (scripts.Command(specific) is { } first)
            commands.Add(first);
        if (scripts.Command(notify) is { } command)
        {
            commands.Add(command with
            {
                Arguments = [.. command.Arguments, kind, name, state, priority.ToString(CultureInfo.InvariantCulture)],
            });
        }

        return commands;
    }

    /// <summary>Runs the scripts of vrrp_sync_group <paramref name="group"/> entering <paramref name="state"/>, after its earlier calls.</summary>
    public Task RunGroupAsync(Config.VrrpSyncGroup group, string state, CancellationToken cancellationToken) =>
        Chain("vrrp_sync_group " + group.Name, () => CommandsFor(group, state, _scripts), cancellationToken);

    /// <inheritdoc />
    public Task RunAsync(string instance, string state, int priority, CancellationToken cancellationToken) =>
        Chain("vrrp_instance " + instance, () => CommandsFor(_instances[instance], state, priority, _scripts), cancellationToken);

    // Calls for one key (an instance, or a sync group) run one after another in call order. The scripts were judged
    // at load; a user deleted since makes them unusable now, which is logged like a missing script, never thrown
    // into the instance actor that asked.
    private Task Chain(string owner, Func<IReadOnlyList<ScriptCommand>> build, CancellationToken cancellationToken)
    {
        IReadOnlyList<ScriptCommand> commands;
        try
        {
            commands = build();
        }
        catch (ConfigException e)
        {
            LogScriptUnusable(owner, "notify", e.Message);
            return Task.CompletedTask;
        }

        if (commands.Count == 0)
            return Task.CompletedTask;
        lock (_lock)
        {
            var previous = _tails.GetValueOrDefault(owner, Task.CompletedTask);
            var next = RunAfterAsync(previous, owner, commands, cancellationToken);
            _tails[owner] = next;
            return next;
        }
    }

    private async Task RunAfterAsync(Task previous, string owner, IReadOnlyList<ScriptCommand> commands, CancellationToken cancellationToken)
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
                    LogScriptFailed(owner, command.Display, status);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                LogScriptTimedOut(owner, command.Display, _timeout);
            }
            catch (InvalidOperationException e)
            {
                // Missing or not executable: say so and go on with the next script, as keepalived does.
                LogScriptUnusable(owner, command.Display, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "{Owner}: notify script `{Script}` exited with status {Status}")]
    private partial void LogScriptFailed(string owner, string script, int status);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "{Owner}: notify script `{Script}` killed after {Timeout}")]
    private partial void LogScriptTimedOut(string owner, string script, TimeSpan timeout);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Error, Message = "{Owner}: notify script `{Script}` cannot run: {Problem}")]
    private partial void LogScriptUnusable(string owner, string script, string problem);
}
