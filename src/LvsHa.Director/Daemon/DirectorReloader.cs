using Akka.Actor;
using LvsHa.Config;
using LvsHa.Director.Hosting;
using LvsHa.Director.Instances;
using LvsHa.Director.Lvs;
using LvsHa.Director.Vrrp;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Daemon;

/// <summary>What a reload did: whether the new configuration was applied, and what the operator should read.</summary>
/// <param name="Applied">False when the file was invalid: the running configuration is untouched.</param>
/// <param name="Messages">Every error or warning (FILE:LINE:COL) and a summary of the changes.</param>
public sealed record ReloadResult(bool Applied, IReadOnlyList<string> Messages);

/// <summary>
/// Reload (SIGHUP, `lvsha reload`): reads and validates the configuration file again; an invalid file changes
/// nothing and every error is logged and returned. A valid one is applied as the minimal difference: the health
/// actor keeps the checks and state of unchanged virtual_server blocks and the reconciler applies only the
/// difference to the kernel. vrrp_instance blocks that did not change keep running with their state; an instance
/// changed only in what a running instance may change (<see cref="RunningInstanceChanges"/>: VIPs, priority,
/// advert_int, preemption, GARP timing) keeps its state too and, when master, puts its VIPs in place, announces them
/// and advertises the new values (a VIP moved to another holding instance never leaves the interface). Other changes
/// to vrrp instances, sync groups, scripts or the cluster block are reported as taking effect at the next restart,
/// never as applied.
/// Reloads run one at a time.
/// </summary>
public sealed partial class DirectorReloader : IDisposable
{
    private readonly string _path;
    private readonly string? _configId;
    private readonly DirectorRuntime _runtime;
    private readonly ILogger _logger;
    private readonly RunningInstances? _instances;
    private readonly SemaphoreSlim _one = new(1, 1);
    private LvsHaConfig _current;

    /// <summary>
    /// Creates the reloader of the director started with <paramref name="initial"/> from <paramref name="path"/>;
    /// <paramref name="configId"/> is the `@ID` the start used (null: the host's short name); <paramref name="instances"/>
    /// are the running instance blocks a reload in place replaces (null: those changes need a restart too).
    /// </summary>
    public DirectorReloader(
        string path, LvsHaConfig initial, DirectorRuntime runtime, ILogger<DirectorReloader> logger, string? configId = null, RunningInstances? instances = null)
    {
        _path = path;
        _configId = configId;
        _instances = instances;
        _current = initial;
        _runtime = runtime;
        _logger = logger;
    }

    /// <summary>The configuration running now.</summary>
    public LvsHaConfig Current => _current;

    /// <summary>Reads, validates and applies the configuration file.</summary>
    public async Task<ReloadResult> ReloadAsync(CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var result = Reload();
            // For lvsha_config_reloads_total and the failed-reload alert (deploy/monitoring).
            if (_runtime.IsStarted)
                _runtime.System.EventStream.Publish(new Metrics.ConfigReloadObserved(result.Applied));
            return result;
        }
        finally
        {
            _one.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _one.Dispose();

    private ReloadResult Reload()
    {
        LogReloading(_path);
        ConfigLoadResult loaded;
        try
        {
            loaded = ConfigLoader.Load(_path, _configId);
        }
        catch (ConfigException e)
        {
            LogInvalid(_path, 1, e.Message);
            return new ReloadResult(false, [$"{_path}:1:1: error: {e.Message}", "reload refused: the running configuration is unchanged"]);
        }

        var messages = loaded.Diagnostics.Select(d => d.ToString()).ToList();
        if (loaded.Config is not { } next)
        {
            foreach (var error in loaded.Errors)
                LogInvalid(error.Location.File, error.Location.Line, error.Message);
            messages.Add($"reload refused ({loaded.Errors.Count()} errors): the running configuration is unchanged");
            return new ReloadResult(false, messages);
        }

        // Judged as at start: a script that may not run or a missing interface refuses the reload.
        var machine = DirectorPreflight.Check(next);
        messages.AddRange(machine.Select(d => d.ToString()));
        if (machine.Where(d => d.Severity == DiagnosticSeverity.Error).ToList() is { Count: > 0 } machineErrors)
        {
            foreach (var error in machineErrors)
                LogInvalid(error.Location.File, error.Location.Line, error.Message);
            messages.Add($"reload refused ({machineErrors.Count} errors): the running configuration is unchanged");
            return new ReloadResult(false, messages);
        }

        ConfigChanges changes;
        try
        {
            changes = ConfigChanges.Between(_current, next);
        }
        catch (ConfigException e)
        {
            // Resolved only when mapped (a MISC_CHECK user that does not exist): as invalid as a syntax error.
            LogInvalid(_path, 0, e.Message);
            messages.Add($"{e.Message}");
            messages.Add("reload refused: the running configuration is unchanged");
            return new ReloadResult(false, messages);
        }
        if (_runtime.Lvs is { } lvs)
        {
            // The health actor restarts only the checks of changed blocks and forwards the new configuration to
            // the reconciler, which applies the minimal difference to the kernel.
            lvs.Health.Tell(new ReloadConfig(next));
        }
        else if (next.VirtualServers.Count > 0)
        {
            changes.RestartNeeded.Add("virtual_server blocks on a director that started without any (the IPVS side starts with the daemon)");
        }

        var running = _current.VrrpInstances;
        if (changes.Reloaded.Count > 0 && _instances is not null && _runtime.IsStarted)
        {
            // The blocks first (the VIP manager and the GARP sender read them), then each instance applies its own.
            var reloaded = next.VrrpInstances.Where(i => changes.Reloaded.ContainsKey(i.Name)).ToDictionary(i => i.Name, StringComparer.Ordinal);
            running = [.. running.Select(i => reloaded.GetValueOrDefault(i.Name) ?? i)];
            _instances.Replace(running);
            foreach (var instance in reloaded.Values)
            {
                var options = _runtime.Options.Instances.Single(i => i.Name == instance.Name);
                _runtime.Instances[instance.Name].Tell(new ReloadInstance(DirectorOptionsMapper.Reloaded(options, instance, next.Global)));
                LogInstanceReloaded(instance.Name, changes.Reloaded[instance.Name]);
            }
        }
        else
        {
            changes.RestartNeeded.AddRange(changes.Reloaded.Select(r => $"vrrp_instance {r.Key} ({r.Value})"));
        }

        foreach (var pending in changes.RestartNeeded)
        {
            LogRestartNeeded(pending);
            messages.Add($"warning: {pending}: takes effect at the next restart");
        }

        _current = next with
        {
            // What was not applied stays as it runs, so the next reload reports it again instead of forgetting it.
            VrrpInstances = running,
            VrrpSyncGroups = _current.VrrpSyncGroups,
            VrrpScripts = _current.VrrpScripts,
            TrackFiles = _current.TrackFiles,
            Cluster = _current.Cluster,
        };
        LogReloaded(_path, changes.Summary);
        messages.Add($"reloaded {_path}: {changes.Summary}");
        return new ReloadResult(true, messages);
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Reloading configuration {ConfigFile}")]
    private partial void LogReloading(string configFile);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Error, Message = "Reload refused, the running configuration is unchanged: {ConfigFile}:{Line}: {Error}")]
    private partial void LogInvalid(string configFile, int line, string error);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "Reload: {Change} takes effect at the next restart")]
    private partial void LogRestartNeeded(string change);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Information, Message = "Reload: vrrp_instance {Instance} applied {Changes}, state kept")]
    private partial void LogInstanceReloaded(string instance, string changes);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Information, Message = "Reloaded {ConfigFile}: {Summary}")]
    private partial void LogReloaded(string configFile, string summary);
}

/// <summary>What differs between two configurations, in the blocks a reload looks at. Pure.</summary>
public sealed class ConfigChanges
{
    private ConfigChanges(string summary, List<string> restartNeeded, IReadOnlyDictionary<string, string> reloaded)
    {
        Summary = summary;
        RestartNeeded = restartNeeded;
        Reloaded = reloaded;
    }

    /// <summary>Virtual services added, removed, changed and unchanged, in words.</summary>
    public string Summary { get; }

    /// <summary>Changes a reload does not apply (described for the operator).</summary>
    public List<string> RestartNeeded { get; }

    /// <summary>
    /// The vrrp instances changed only in what a running instance may change (VIPs, priority, advert_int, preemption,
    /// GARP timing), with those changes in words (e.g. "VIPs 10.0.0.1/32 10.0.0.2/32, priority 150 -> 120").
    /// </summary>
    public IReadOnlyDictionary<string, string> Reloaded { get; }

    /// <summary>Compares <paramref name="before"/> with <paramref name="after"/>.</summary>
    public static ConfigChanges Between(LvsHaConfig before, LvsHaConfig after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var oldServices = HealthSettingsMapper.Map(before);
        var newServices = HealthSettingsMapper.Map(after);
        var unchanged = VirtualServerFingerprint.Unchanged(oldServices, newServices);
        var oldNames = oldServices.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var newNames = newServices.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var added = newNames.Count(n => !oldNames.Contains(n));
        var removed = oldNames.Count(n => !newNames.Contains(n));
        var changed = newNames.Count(n => oldNames.Contains(n) && !unchanged.Contains(n));

        var restart = new List<string>();
        var reloaded = new Dictionary<string, string>(StringComparer.Ordinal);
        // Instances hold sockets joined to the multicast groups they started with.
        var groupsKept = Equals(before.Global.VrrpMulticastGroup4, after.Global.VrrpMulticastGroup4)
            && Equals(before.Global.VrrpMulticastGroup6, after.Global.VrrpMulticastGroup6);
        var oldInstances = before.VrrpInstances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var instance in after.VrrpInstances)
        {
            if (!oldInstances.TryGetValue(instance.Name, out var old))
                restart.Add($"new vrrp_instance {instance.Name}");
            else if (VirtualServerFingerprint.OfBlock(old) == VirtualServerFingerprint.OfBlock(instance))
                continue;
            else if (groupsKept && RunningInstanceChanges.Describe(old, instance) is { } described)
                reloaded[instance.Name] = described;
            else
                restart.Add($"changed vrrp_instance {instance.Name}");
        }
        restart.AddRange(oldInstances.Keys.Where(n => !after.VrrpInstances.Any(i => i.Name == n)).Select(n => $"removed vrrp_instance {n}"));
        if (Blocks(before.VrrpSyncGroups) != Blocks(after.VrrpSyncGroups))
            restart.Add("changed vrrp_sync_group blocks");
        if (Blocks(before.VrrpScripts) != Blocks(after.VrrpScripts))
            restart.Add("changed vrrp_script blocks");
        if (Blocks(before.TrackFiles) != Blocks(after.TrackFiles))
            restart.Add("changed track_file blocks");
        if (VirtualServerFingerprint.OfBlock(before.Cluster) != VirtualServerFingerprint.OfBlock(after.Cluster))
            restart.Add("changed cluster block");

        var summary = $"{newNames.Count} virtual services ({added} added, {removed} removed, {changed} changed, {unchanged.Count} unchanged)"
            + (reloaded.Count > 0 ? $"; vrrp_instance {string.Join(", ", reloaded.Keys.Order(StringComparer.Ordinal))} reloaded in place" : "");
        return new ConfigChanges(summary, restart, reloaded);
    }

    private static string Blocks<T>(IEnumerable<T> blocks) where T : notnull =>
        string.Join('\n', blocks.Select(b => VirtualServerFingerprint.OfBlock(b)));
}
