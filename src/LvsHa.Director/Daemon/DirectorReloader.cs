using Akka.Actor;
using LvsHa.Config;
using LvsHa.Director.Hosting;
using LvsHa.Director.Instances;
using LvsHa.Director.Lvs;
using LvsHa.Director.Vrrp;
using LvsHa.Netlink.Route;
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
/// advert_int, preemption, GARP timing, notify scripts) keeps its state too and, when master, puts its VIPs in place, announces them
/// and advertises the new values (a VIP moved to another holding instance never leaves the interface). Tracker changes
/// (<see cref="RunningTrackerChanges"/>: track_* entries, the vrrp_script and track_file blocks they name, sync-group
/// tracking) are applied to the running instance as keepalived does: it gets its new tracker set, keeps its state and
/// the states of trackers it kept, and its effective priority follows the trackers' states (VrrpTracking keeps an
/// unchanged vrrp_script running with its verdict and restarts a changed one). A new instance
/// (<see cref="ConfigChanges.Added"/>), trackers included, starts as the daemon starts its instances and a removed one
/// (<see cref="ConfigChanges.Removed"/>) stops as at the daemon's stop. vrrp_sync_group changes
/// (<see cref="ConfigChanges.SyncGroups"/>: members joining or leaving, groups added or removed, their notify scripts
/// and smtp_alert) are applied as keepalived 2.2.7 applies them on SIGHUP (<see cref="SyncGroupCoordinator.Regroup"/>):
/// a group whose members did not change is not touched. global_defs settings are applied or reported as described by
/// <see cref="GlobalDefsChanges"/> (the mail settings and router_id reach the mail alerter, lvs_timeouts the kernel;
/// the defaults resolved into blocks are compared with the blocks). Other changes to vrrp instances, global_defs or
/// the cluster block are reported as taking effect at the next restart, never as applied. Reloads run one at a time.
/// </summary>
public sealed partial class DirectorReloader : IDisposable
{
    private readonly string _path;
    private readonly string? _configId;
    private readonly DirectorRuntime _runtime;
    private readonly ILogger _logger;
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(2);
    private readonly RunningInstances? _instances;
    private readonly VrrpTracking? _tracking;
    private readonly IAddressManager? _route;
    private readonly SyncGroupCoordinator? _syncGroups;
    private readonly Alerts.MailAlerter _mail;
    private readonly SemaphoreSlim _one = new(1, 1);
    private LvsHaConfig _current;

    /// <summary>
    /// Creates the reloader of the director started with <paramref name="initial"/> from <paramref name="path"/>;
    /// <paramref name="configId"/> is the `@ID` the start used (null: the host's short name); <paramref name="instances"/>
    /// are the running instance blocks a reload in place replaces (null: those changes need a restart too);
    /// <paramref name="tracking"/> follows the reloaded trackers (interfaces, scripts, files; null: every vrrp_instance
    /// change needs a restart) and <paramref name="route"/> finds an added instance's advert source (null: added
    /// instances need a restart); <paramref name="syncGroups"/> is the vrrp_sync_group coordinator the instances report
    /// to (null: every vrrp_instance and vrrp_sync_group change needs a restart); <paramref name="mail"/> sends the alert
    /// mails and takes reloaded mail settings.
    /// </summary>
    public DirectorReloader(
        string path, LvsHaConfig initial, DirectorRuntime runtime, Alerts.MailAlerter mail, ILogger<DirectorReloader> logger, string? configId = null,
        RunningInstances? instances = null, VrrpTracking? tracking = null, IAddressManager? route = null, SyncGroupCoordinator? syncGroups = null)
    {
        ArgumentNullException.ThrowIfNull(mail);
        _mail = mail;
        _syncGroups = syncGroups;
        _tracking = tracking;
        _route = route;
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
            var result = await ReadAndApplyAsync(cancellationToken).ConfigureAwait(false);
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

    private async Task<ReloadResult> ReadAndApplyAsync(CancellationToken cancellationToken)
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

        // A file read while it is being written (truncated, not yet filled: a shell's `>`, an editor or a template
        // tool writing in place) reads as one that defines nothing, and applied it would stop every instance and
        // virtual service. keepalived applies it; stopping everything is what stopping the director is for.
        if (DefinesNothing(next) && !DefinesNothing(_current))
        {
            LogInvalid(_path, 1, "defines no vrrp_instance, virtual_server or cluster block");
            messages.Add($"{_path}:1:1: error: defines no vrrp_instance, virtual_server or cluster block (a file read while it is being written reads empty; write it beside and rename it over)");
            messages.Add("reload refused: the running configuration is unchanged");
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
        // The new file with the global_defs as it runs (a setting needing a restart keeps its running value).
        next = next with { Global = changes.Global };

        // Judged as at start, under the script policy that will run the scripts (script_user and
        // enable_script_security keep their running values until a restart): a script that may not run or a missing
        // interface refuses the reload.
        var machine = DirectorPreflight.Check(next);
        messages.AddRange(machine.Select(d => d.ToString()));
        if (machine.Where(d => d.Severity == DiagnosticSeverity.Error).ToList() is { Count: > 0 } machineErrors)
        {
            foreach (var error in machineErrors)
                LogInvalid(error.Location.File, error.Location.Line, error.Message);
            messages.Add($"reload refused ({machineErrors.Count} errors): the running configuration is unchanged");
            return new ReloadResult(false, messages);
        }

        var globalApplied = changes.GlobalApplied.ToList();
        if (_runtime.Lvs is { } lvs)
        {
            // The announcer first: it then knows why a route the new table no longer forwards is withdrawn. A
            // removed block announces nothing from now on (its BIRD runs on, without routes, until the restart).
            if (lvs.Announcer is { } announcer && changes.Bgp is { } bgp)
                announcer.Tell(new Bgp.ReloadBgp(bgp, Bgp.BgpAnnouncements.Announceable(next)));
            // The health actor restarts only the checks of changed blocks and forwards the new configuration to
            // the reconciler, which applies the minimal difference to the kernel (lvs_timeouts included).
            lvs.Health.Tell(new ReloadConfig(next));
        }
        else
        {
            if (next.VirtualServers.Count > 0)
                changes.RestartNeeded.Add("virtual_server blocks on a director that started without any (the IPVS side starts with the daemon)");
            // Only the IPVS reconciler sets them, and it runs only on a director started with virtual_server blocks.
            if (globalApplied.Remove(GlobalDefsChanges.LvsTimeouts))
                changes.RestartNeeded.Add($"global_defs {GlobalDefsChanges.LvsTimeouts} (set by the IPVS side, which starts with the daemon when it has virtual_server blocks)");
        }

        _mail.Reload(next.Global);

        var (running, groups, scripts, files) = await ApplyInstancesAsync(next, changes, cancellationToken).ConfigureAwait(false);

        foreach (var pending in changes.RestartNeeded)
        {
            LogRestartNeeded(pending);
            messages.Add($"warning: {pending}: takes effect at the next restart");
        }

        foreach (var keyword in globalApplied)
            LogGlobalApplied(keyword);
        _current = next with
        {
            // What was not applied stays as it runs, so the next reload reports it again instead of forgetting it.
            // The scripts and files are those the running instances' trackers follow (ApplyInstancesAsync).
            VrrpInstances = running,
            VrrpSyncGroups = groups,
            VrrpScripts = scripts,
            TrackFiles = files,
            Cluster = _current.Cluster,
            Bgp = changes.Bgp,
        };
        var summary = changes.Summary + (globalApplied.Count > 0 ? $"; global_defs {string.Join(", ", globalApplied)} applied" : "");
        LogReloaded(_path, summary);
        messages.Add($"reloaded {_path}: {summary}");
        return new ReloadResult(true, messages);
    }

    private static bool DefinesNothing(LvsHaConfig config) =>
        config.VrrpInstances.Count == 0 && config.VirtualServers.Count == 0 && config.Cluster is null;

    // Applies the vrrp instance changes a running director can take (in place, trackers, added, removed) and the
    // vrrp_sync_group changes, and returns the blocks running afterwards with the vrrp_script and track_file blocks
    // their trackers follow; what it cannot apply is added to the changes' RestartNeeded and keeps running as it is.
    private async Task<(IReadOnlyList<VrrpInstance> Instances, IReadOnlyList<VrrpSyncGroup> Groups, IReadOnlyList<VrrpScript> Scripts, IReadOnlyList<TrackFile> Files)> ApplyInstancesAsync(
        LvsHaConfig next, ConfigChanges changes, CancellationToken cancellationToken)
    {
        // Without the tracking an instance would get trackers nobody feeds, without the coordinator a member no group:
        // nothing is applied then.
        if (_instances is null || _tracking is null || _syncGroups is null || !_runtime.IsStarted)
        {
            changes.RestartNeeded.AddRange(changes.Reloaded.Select(r => $"vrrp_instance {r.Key} ({Words(changes, r.Key)})"));
            changes.RestartNeeded.AddRange(changes.Added.Select(n => $"new vrrp_instance {n}"));
            changes.RestartNeeded.AddRange(changes.Removed.Select(n => $"removed vrrp_instance {n}"));
            changes.RestartNeeded.AddRange(changes.SyncGroups);
            return (_current.VrrpInstances, _current.VrrpSyncGroups, _current.VrrpScripts, _current.TrackFiles);
        }

        var blocks = next.VrrpInstances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var added = await AddedOptionsAsync(next, changes, cancellationToken).ConfigureAwait(false);

        // The blocks first (the VIP manager, the GARP sender, the notify runner and the trackers of an instance being
        // created read them); a removed one stays until it has stopped, which releases its VIPs and runs its notify_stop.
        var running = _current.VrrpInstances.Select(i => changes.Reloaded.ContainsKey(i.Name) ? blocks[i.Name] : i).Concat(added.Select(a => blocks[a.Name])).ToList();
        var (scripts, files) = TrackerBlocks(next, running);
        _instances.Replace(running);
        _instances.ReplaceTrackers(scripts, files);
        foreach (var (name, described) in changes.Reloaded)
        {
            if (described.Length > 0)
            {
                _runtime.ReloadInstance(DirectorOptionsMapper.Reloaded(_runtime.InstanceOptions[name], blocks[name], next.Global));
                LogInstanceReloaded(name, described);
            }

            if (changes.Trackers.TryGetValue(name, out var trackers))
            {
                // Before the tracking sends the new trackers' states (one sender, so they arrive after it).
                _runtime.Instances[name].Tell(new TrackersReloaded(_instances.TrackersOf(name)), ActorRefs.NoSender);
                LogTrackersChanged(name, trackers);
            }
        }

        // Before any instance stops or starts: a removed member has left its group when its stop is reported (it moves
        // no other member), an added one is a member (INIT until its first report, which the group then follows).
        _syncGroups.Regroup(GroupsOf(next, running.Where(i => !changes.Removed.Contains(i.Name))));

        // Removed before any is added: an added instance may take over a removed one's virtual_router_id.
        foreach (var name in changes.Removed)
        {
            var state = await StateAsync(name, cancellationToken).ConfigureAwait(false);
            try
            {
                await _runtime.StopInstanceAsync(name).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or AskTimeoutException)
            {
                LogInstanceStopSlow(name, e.Message);
            }

            LogInstanceRemoved(name, state);
        }

        running.RemoveAll(i => changes.Removed.Contains(i.Name));
        var started = new List<VrrpInstanceOptions>();
        foreach (var options in added)
        {
            try
            {
                _runtime.StartInstance(options);
                started.Add(options);
            }
            catch (Exception e) when (e is InvalidActorNameException or LvsHa.Netlink.NetlinkException)
            {
                changes.RestartNeeded.Add($"new vrrp_instance {options.Name} ({e.Message})");
                running.RemoveAll(i => i.Name == options.Name);
            }
        }

        // An added member that could not start is no member (a group waiting for it would never agree on a state).
        var groups = GroupsOf(next, running);
        _syncGroups.Regroup(groups);
        foreach (var change in changes.SyncGroups)
            LogSyncGroupChanged(change);

        (scripts, files) = TrackerBlocks(next, running);
        _instances.Replace(running);
        _instances.ReplaceTrackers(scripts, files);
        // Added instances and those whose trackers changed get every tracker's state now; the others only changes.
        var refresh = changes.Trackers.Keys.Concat(started.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        await _tracking.ApplyAsync(next with { VrrpInstances = running, VrrpScripts = scripts, TrackFiles = files }, refresh, cancellationToken).ConfigureAwait(false);

        // Asked once the tracking delivered the trackers' states it knows (after them in the actor's mailbox): FAULT
        // when one of them fails, INIT while an interface or weight-0 script has no state yet.
        foreach (var options in started)
        {
            var state = await StateAsync(options.Name, cancellationToken).ConfigureAwait(false);
            LogInstanceAdded(options.Name, state == "INIT" ? "INIT (until its trackers' first state)" : state);
        }

        return (running, groups, scripts, files);
    }

    // The vrrp_sync_group blocks of the new file as they run: with only the members running (a group with none is none).
    private static List<VrrpSyncGroup> GroupsOf(LvsHaConfig next, IEnumerable<VrrpInstance> running)
    {
        var names = running.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        return next.VrrpSyncGroups.Select(g => g with { Instances = g.Instances.Where(names.Contains).ToList() }).Where(g => g.Instances.Count > 0).ToList();
    }

    // The vrrp_script and track_file blocks the running instances follow: the new file's, and a block gone from it
    // that an instance still running on its old block (a change needing a restart) tracks.
    private (IReadOnlyList<VrrpScript> Scripts, IReadOnlyList<TrackFile> Files) TrackerBlocks(LvsHaConfig next, IReadOnlyList<VrrpInstance> running)
    {
        var scripts = next.VrrpScripts.Concat(_current.VrrpScripts.Where(s =>
            !next.VrrpScripts.Any(n => n.Name == s.Name) && running.Any(i => i.TrackScripts.Any(t => t.Name == s.Name)))).ToList();
        var files = next.TrackFiles.Concat(_current.TrackFiles.Where(f =>
            !next.TrackFiles.Any(n => n.Name == f.Name) && running.Any(i => i.TrackFiles.Any(t => t.Name == f.Name)))).ToList();
        return (scripts, files);
    }

    private static string Words(ConfigChanges changes, string instance) =>
        string.Join(", ", new[] { changes.Reloaded[instance], changes.Trackers.GetValueOrDefault(instance, "") }.Where(w => w.Length > 0));

    // For the log line of a removed instance: what it was when it stopped.
    private async Task<string> StateAsync(string instance, CancellationToken cancellationToken)
    {
        try
        {
            return (await _runtime.Instances[instance].Ask<InstanceStatus>(GetInstanceStatus.Instance, StatusTimeout, cancellationToken).ConfigureAwait(false)).State;
        }
        catch (AskTimeoutException)
        {
            return "not answering";
        }
    }

    // The options of the instances to add, mapped as at start (the advert source is their interface's primary
    // address); one that cannot be mapped (no address) is reported and not started.
    private async Task<List<VrrpInstanceOptions>> AddedOptionsAsync(LvsHaConfig next, ConfigChanges changes, CancellationToken cancellationToken)
    {
        var result = new List<VrrpInstanceOptions>();
        if (changes.Added.Count == 0)
            return result;
        var blocks = next.VrrpInstances.Where(i => changes.Added.Contains(i.Name)).ToList();
        if (_route is null)
        {
            changes.RestartNeeded.AddRange(blocks.Select(b => $"new vrrp_instance {b.Name}"));
            return result;
        }

        try
        {
            var addresses = await VrrpDaemon.PrimaryAddressesAsync(_route, next with { VrrpInstances = blocks }, cancellationToken).ConfigureAwait(false);
            var guard = _runtime.Options.Cluster is { GuardsMastership: true };
            foreach (var block in blocks)
            {
                try
                {
                    result.Add(DirectorOptionsMapper.MapInstance(block, next.Global, guard, addresses));
                }
                catch (DirectorConfigException e)
                {
                    changes.RestartNeeded.Add($"new vrrp_instance {block.Name} ({e.Message})");
                }
            }
        }
        catch (Exception e) when (e is DirectorConfigException or LvsHa.Netlink.NetlinkException)
        {
            changes.RestartNeeded.AddRange(blocks.Select(b => $"new vrrp_instance {b.Name} ({e.Message})"));
        }

        return result;
    }

    [LoggerMessage(EventId = 5206, Level = LogLevel.Information, Message = "Reload: vrrp_instance {Instance} added, starting as {State}")]
    private partial void LogInstanceAdded(string instance, string state);

    [LoggerMessage(EventId = 5207, Level = LogLevel.Information, Message = "Reload: vrrp_instance {Instance} removed, VIPs released (it was {State})")]
    private partial void LogInstanceRemoved(string instance, string state);

    [LoggerMessage(EventId = 5208, Level = LogLevel.Warning, Message = "Reload: vrrp_instance {Instance} did not finish stopping in time: {Reason}")]
    private partial void LogInstanceStopSlow(string instance, string reason);

    [LoggerMessage(EventId = 5210, Level = LogLevel.Information, Message = "Reload: {Change} applied")]
    private partial void LogSyncGroupChanged(string change);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Reloading configuration {ConfigFile}")]
    private partial void LogReloading(string configFile);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Error, Message = "Reload refused, the running configuration is unchanged: {ConfigFile}:{Line}: {Error}")]
    private partial void LogInvalid(string configFile, int line, string error);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "Reload: {Change} takes effect at the next restart")]
    private partial void LogRestartNeeded(string change);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Information, Message = "Reload: vrrp_instance {Instance} applied {Changes}, state kept")]
    private partial void LogInstanceReloaded(string instance, string changes);

    [LoggerMessage(EventId = 5209, Level = LogLevel.Information, Message = "Reload: vrrp_instance {Instance} trackers changed: {Changes}")]
    private partial void LogTrackersChanged(string instance, string changes);

    [LoggerMessage(EventId = 5211, Level = LogLevel.Information, Message = "Reload: global_defs {Setting} applied")]
    private partial void LogGlobalApplied(string setting);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Information, Message = "Reloaded {ConfigFile}: {Summary}")]
    private partial void LogReloaded(string configFile, string summary);
}

/// <summary>What differs between two configurations, in the blocks a reload looks at. Pure.</summary>
public sealed class ConfigChanges
{
    private ConfigChanges(
        string summary, List<string> restartNeeded, IReadOnlyDictionary<string, string> reloaded, IReadOnlyDictionary<string, string> trackers,
        IReadOnlyList<string> added, IReadOnlyList<string> removed, IReadOnlyList<string> syncGroups, GlobalDefs global, IReadOnlyList<string> globalApplied,
        BgpSettings? bgp)
    {
        Bgp = bgp;
        Global = global;
        GlobalApplied = globalApplied;
        Summary = summary;
        Trackers = trackers;
        SyncGroups = syncGroups;
        RestartNeeded = restartNeeded;
        Reloaded = reloaded;
        Added = added;
        Removed = removed;
    }

    /// <summary>Virtual services added, removed, changed and unchanged, in words.</summary>
    public string Summary { get; }

    /// <summary>Changes a reload does not apply (described for the operator).</summary>
    public List<string> RestartNeeded { get; }

    /// <summary>
    /// The vrrp instances changed only in what a running instance may change (<see cref="RunningInstanceChanges"/>),
    /// with those changes in words (e.g. "VIPs 10.0.0.1/32 10.0.0.2/32, priority 150 -> 120").
    /// </summary>
    public IReadOnlyDictionary<string, string> Reloaded { get; }

    /// <summary>
    /// The running vrrp instances among <see cref="Reloaded"/> whose trackers change (<see cref="RunningTrackerChanges"/>),
    /// with those changes in words (e.g. "track_script chk_web weight -20 -> -30"); their value in
    /// <see cref="Reloaded"/> holds the other changes only (empty when the trackers are all).
    /// </summary>
    public IReadOnlyDictionary<string, string> Trackers { get; }

    /// <summary>
    /// The vrrp_sync_group changes other than their tracking (which reaches the members' trackers, <see cref="Trackers"/>),
    /// in words (e.g. "vrrp_sync_group G: VI_3 joined", "vrrp_sync_group H removed"); empty when there are none.
    /// </summary>
    public IReadOnlyList<string> SyncGroups { get; }

    /// <summary>The new vrrp instances a reload starts as the daemon starts its instances, with their trackers (and in their sync group).</summary>
    public IReadOnlyList<string> Added { get; }

    /// <summary>The vrrp instances gone from the configuration that a reload stops as the daemon stops.</summary>
    public IReadOnlyList<string> Removed { get; }

    /// <summary>
    /// The global_defs the director runs after the reload (<see cref="GlobalDefsChanges.Running"/>): the new file's
    /// settings that apply at run time, the running ones of the others (listed in <see cref="RestartNeeded"/>).
    /// </summary>
    public GlobalDefs Global { get; }

    /// <summary>
    /// The bgp block the director runs after the reload: a changed block at once (the announcer takes it in place),
    /// while one added or removed waits for the restart (<see cref="RestartNeeded"/>) and the running one stays.
    /// </summary>
    public BgpSettings? Bgp { get; }

    /// <summary>The global_defs settings changed that the director itself applies (<see cref="GlobalDefsReload.Applied"/>), by keepalived's keywords.</summary>
    public IReadOnlyList<string> GlobalApplied { get; }

    /// <summary>Compares <paramref name="before"/> with <paramref name="after"/>.</summary>
    public static ConfigChanges Between(LvsHaConfig before, LvsHaConfig after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var global = GlobalDefsChanges.Running(before.Global, after.Global, out var globalApplied, out var globalPending);
        // The new file as it runs: its virtual services mapped with the script policy that stays.
        after = after with { Global = global };
        var oldServices = HealthSettingsMapper.Map(before);
        var newServices = HealthSettingsMapper.Map(after);
        var unchanged = VirtualServerFingerprint.Unchanged(oldServices, newServices);
        var oldNames = oldServices.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var newNames = newServices.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var servicesAdded = newNames.Count(n => !oldNames.Contains(n));
        var servicesRemoved = oldNames.Count(n => !newNames.Contains(n));
        var changed = newNames.Count(n => oldNames.Contains(n) && !unchanged.Contains(n));

        var restart = new List<string>(globalPending);
        var reloaded = new Dictionary<string, string>(StringComparer.Ordinal);
        var oldInstances = before.VrrpInstances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var trackers = new Dictionary<string, string>(StringComparer.Ordinal);
        var added = new List<string>();
        foreach (var instance in after.VrrpInstances)
        {
            if (!oldInstances.TryGetValue(instance.Name, out var old))
            {
                added.Add(instance.Name);
                continue;
            }

            // A vrrp_script or track_file block it names may have changed while its own block did not.
            var tracking = RunningTrackerChanges.Describe(old, before, instance, after);
            if (VirtualServerFingerprint.OfBlock(old) == VirtualServerFingerprint.OfBlock(instance) && tracking.Count == 0)
                continue;
            // The global_defs defaults an instance takes (vrrp_version, vrrp_garp_*, ...) are in its block: changed
            // there, it is compared as if its own block changed. It keeps its multicast group (the running global's).
            if (RunningInstanceChanges.Describe(old, instance) is { } described)
            {
                reloaded[instance.Name] = described;
                if (tracking.Count > 0)
                    trackers[instance.Name] = string.Join(", ", tracking);
            }
            else
            {
                restart.Add($"changed vrrp_instance {instance.Name}");
            }
        }
        var removed = before.VrrpInstances.Where(o => !after.VrrpInstances.Any(i => i.Name == o.Name)).Select(o => o.Name).ToList();
        var syncGroups = SyncGroupChanges(before.VrrpSyncGroups, after.VrrpSyncGroups);
        if (VirtualServerFingerprint.OfBlock(before.Cluster) != VirtualServerFingerprint.OfBlock(after.Cluster))
            restart.Add("changed cluster block");
        // The announcer (and its BIRD) starts with the daemon when there is a bgp block; a changed block and the
        // `announce bgp` addresses are reloaded in place (BgpAnnouncerActor).
        var bgpChanged = VirtualServerFingerprint.OfBlock(before.Bgp) != VirtualServerFingerprint.OfBlock(after.Bgp);
        var bgpInPlace = before.Bgp is not null && after.Bgp is not null;
        if (bgpChanged && !bgpInPlace)
            restart.Add(before.Bgp is null ? "added bgp block" : "stopping BIRD for the removed bgp block (its routes are withdrawn now)");

        var summary = $"{newNames.Count} virtual services ({servicesAdded} added, {servicesRemoved} removed, {changed} changed, {unchanged.Count} unchanged)"
            + Instances(reloaded.Keys, "reloaded in place") + Instances(added, "added") + Instances(removed, "removed")
            + (syncGroups.Count > 0 ? $"; {string.Join("; ", syncGroups)}" : "")
            + (bgpChanged && bgpInPlace ? "; bgp block reloaded" : "");
        return new ConfigChanges(summary, restart, reloaded, trackers, added, removed, syncGroups, global, globalApplied,
            bgpInPlace ? after.Bgp : before.Bgp);
    }

    // Members joined or left, groups added or removed, and the rest of the block (notify scripts, smtp_alert). Their
    // tracking reached the members (ModelBuilder.SyncGroupTracking) and is compared there; the order of the members
    // changes nothing keepalived does.
    private static List<string> SyncGroupChanges(IReadOnlyList<VrrpSyncGroup> before, IReadOnlyList<VrrpSyncGroup> after)
    {
        var words = new List<string>();
        var old = before.ToDictionary(g => g.Name, StringComparer.Ordinal);
        foreach (var group in after)
        {
            if (!old.TryGetValue(group.Name, out var was))
            {
                words.Add($"vrrp_sync_group {group.Name} added ({string.Join(", ", group.Instances)})");
                continue;
            }

            var parts = group.Instances.Except(was.Instances).Select(n => $"{n} joined").Concat(was.Instances.Except(group.Instances).Select(n => $"{n} left")).ToList();
            if (VirtualServerFingerprint.OfBlock(Rest(was)) != VirtualServerFingerprint.OfBlock(Rest(group)))
                parts.Add("notify scripts or smtp_alert changed");
            if (parts.Count > 0)
                words.Add($"vrrp_sync_group {group.Name}: {string.Join(", ", parts)}");
        }

        words.AddRange(before.Where(g => !after.Any(a => a.Name == g.Name)).Select(g => $"vrrp_sync_group {g.Name} removed"));
        return words;
    }

    private static string Instances(IEnumerable<string> names, string what) =>
        names.Any() ? $"; vrrp_instance {string.Join(", ", names.Order(StringComparer.Ordinal))} {what}" : "";

    private static VrrpSyncGroup Rest(VrrpSyncGroup group) => group with { Instances = [], TrackInterfaces = [], TrackScripts = [], TrackFiles = [] };
}
