using LvsHa.Config;
using LvsHa.Director.Instances;
using LvsHa.Health.Files;
using LvsHa.Health.Model;
using LvsHa.Netlink.Route;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Vrrp;

/// <summary>
/// Feeds the instances their trackers: link up/down of their interface and track_interface entries (the state read
/// at start, then rtnetlink link events), the verdicts of the vrrp_scripts they track (one
/// <see cref="VrrpScriptTracker"/> loop per script) and the numbers in their track files (read at start, then on each
/// inotify event: <see cref="TrackFileWatcher"/>). Each change goes to the instances as <see cref="TrackerResult"/>
/// or <see cref="TrackFileResult"/>. A reload hands it the new running configuration (<see cref="ApplyAsync"/>):
/// a vrrp_script whose block did not change keeps running with its verdict; a changed one is restarted; one no
/// longer tracked stops.
/// </summary>
public sealed partial class VrrpTracking : BackgroundService
{
    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(20);

    private readonly IAddressManager _links;
    private readonly Func<CancellationToken, IAsyncEnumerable<NetworkChange>> _watch;
    private readonly Action<string, LvsHa.Vrrp.VrrpInput> _deliver;
    private readonly Func<bool> _ready;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<ScriptCommand, CancellationToken, Task<int>>? _run;
    private readonly Security.ScriptPolicy _scriptPolicy;

    // Guards the short reads and swaps of the fields below; never held while calling out (delivering, disposing).
    // _interfaceWatchers was volatile and locked before: the lock alone is enough, and it also keeps the watchers and
    // _linkUp consistent with each other, which volatile could not.
    private readonly Lock _lock = new();
    private IReadOnlyDictionary<string, IReadOnlyList<(string Instance, string Tracker)>> _interfaceWatchers;
    private readonly Dictionary<string, bool> _linkUp = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ScriptLoop> _scripts = new(StringComparer.Ordinal);
    private Dictionary<string, List<(TrackFile File, IReadOnlyList<string> Instances)>> _filesByPath = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _fileNumbers = new(StringComparer.Ordinal);

    // One start or reload at a time changes the script loops and the file watch (they take I/O and are awaited).
    private readonly SemaphoreSlim _apply = new(1, 1);
    private LvsHaConfig _config;
    private bool _started;
    private CancellationToken _stopping;
    private TrackFileWatcher? _fileWatcher;
    private HashSet<string> _watchedPaths = new(StringComparer.Ordinal);

    /// <summary>Creates the tracking of <paramref name="config"/>'s instances.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="links">Reads the links at start and after lost events.</param>
    /// <param name="watch">Subscribes to link events (rtnetlink <see cref="LinkMonitor.WatchAsync"/>).</param>
    /// <param name="deliver">Sends an event to an instance's actor, by instance name.</param>
    /// <param name="ready">True once the instance actors exist (polled before the first delivery).</param>
    /// <param name="time">Clock of the script intervals and timeouts.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="run">Runs a script (default: the process-group script runner).</param>
    public VrrpTracking(
        LvsHaConfig config, IAddressManager links, Func<CancellationToken, IAsyncEnumerable<NetworkChange>> watch,
        Action<string, LvsHa.Vrrp.VrrpInput> deliver, Func<bool> ready, TimeProvider time, ILogger logger,
        Func<ScriptCommand, CancellationToken, Task<int>>? run = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _links = links;
        _watch = watch;
        _deliver = deliver;
        _ready = ready;
        _time = time;
        _logger = logger;
        _run = run;
        // Who scripts run as is global_defs at start (script_user); a reload does not change it.
        _scriptPolicy = Security.ScriptPolicy.For(config.Global);
        _interfaceWatchers = VrrpTrackerPlan.InterfaceWatchers(config);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Subscribe before reading the links, so a change between the read and the first event is not lost.
        var events = _watch(stoppingToken);
        while (!_ready())
            await Task.Delay(ReadyPoll, stoppingToken).ConfigureAwait(false);
        await ReadLinksAsync(stoppingToken).ConfigureAwait(false);
        await _apply.WaitAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            _stopping = stoppingToken;
            _started = true;
            // Every instance is new to its trackers at start: each gets every state.
            var all = _config.VrrpInstances.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
            ApplyFiles(_config, all);
            ApplyScripts(_config, all);
        }
        finally
        {
            _apply.Release();
        }

        try
        {
            await WatchLinksAsync(events, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            List<ScriptLoop> loops;
            lock (_lock)
            {
                loops = [.. _scripts.Values];
                _scripts.Clear();
            }

            foreach (var loop in loops)
                await loop.StopAsync().ConfigureAwait(false);
            _fileWatcher?.Dispose();
        }
    }

    /// <summary>
    /// Makes <paramref name="running"/> (the vrrp instances running after a reload, with the vrrp_script and
    /// track_file blocks they name) what is tracked: interfaces, script loops and the file watch follow it. The
    /// instances in <paramref name="refresh"/> (added ones, and those whose trackers changed: their actors got the new
    /// tracker set first) get the current state of each of their trackers now; the others only its changes. A
    /// vrrp_script whose block did not change keeps running with its verdict; a changed block restarts the loop (its
    /// instances keep the old verdict until the first new one); a script no longer tracked stops.
    /// </summary>
    public async Task ApplyAsync(LvsHaConfig running, IReadOnlySet<string> refresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(refresh);
        await _apply.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var watchers = VrrpTrackerPlan.InterfaceWatchers(running);
            lock (_lock)
            {
                _config = running;
                _interfaceWatchers = watchers;
            }

            // Not started yet: the start reads the new configuration.
            if (!_started)
                return;
            // Followed before the read: a change in between reaches the instance twice at worst, never not at all.
            var links = await _links.GetLinksAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (name, trackers) in watchers)
            {
                var link = links.FirstOrDefault(l => l.Name == name);
                var up = link is not null && VrrpTrackerPlan.IsUp(link);
                // An interface not followed until now may have changed unseen: Update delivers that to everyone.
                Update(name, up);
                foreach (var (instance, tracker) in trackers.Where(t => refresh.Contains(t.Instance)))
                    _deliver(instance, new TrackerResult(tracker, up, 0));
            }

            ApplyFiles(running, refresh);
            ApplyScripts(running, refresh);
        }
        finally
        {
            _apply.Release();
        }
    }

    // Under _apply. Starts, keeps, restarts or stops one loop per tracked vrrp_script.
    private void ApplyScripts(LvsHaConfig running, IReadOnlySet<string> refresh)
    {
        var wanted = VrrpTrackerPlan.ScriptWatchers(running).ToDictionary(w => w.Script.Name, StringComparer.Ordinal);
        var stopped = new List<ScriptLoop>();
        var keep = new List<(ScriptLoop Loop, IReadOnlyList<string> Instances, bool? Verdict)>();
        lock (_lock)
        {
            foreach (var (name, loop) in _scripts.ToList())
            {
                if (wanted.TryGetValue(name, out var w) && VrrpTrackerPlan.RunKey(loop.Script) == VrrpTrackerPlan.RunKey(w.Script))
                {
                    loop.Tracker!.Instances = w.Instances;
                    keep.Add((loop, w.Instances, loop.Verdict));
                    continue;
                }

                _scripts.Remove(name);
                stopped.Add(loop);
            }
        }

        foreach (var loop in stopped)
        {
            // Not awaited: cancelling kills a run still going (its process group); its late verdict is dropped.
            _ = loop.StopAsync();
            LogScriptStopped(loop.Script.Name, wanted.ContainsKey(loop.Script.Name) ? "its block changed, restarted" : "no longer tracked");
        }

        // A kept script's instances that follow it from now on get its verdict at once (one without a verdict yet
        // sends it to all of them when it comes).
        foreach (var (loop, instances, verdict) in keep)
        {
            if (verdict is not { } up)
                continue;
            foreach (var instance in instances.Where(refresh.Contains))
                _deliver(instance, new TrackerResult(VrrpTrackerPlan.TrackScript(loop.Script.Name), up, loop.Script.Weight));
        }

        foreach (var (name, w) in wanted)
        {
            bool known;
            lock (_lock)
                known = _scripts.ContainsKey(name);
            if (!known)
                StartScript(w.Script, w.Instances);
        }
    }

    private void StartScript(VrrpScript script, IReadOnlyList<string> instances)
    {
        var loop = new ScriptLoop(script, CancellationTokenSource.CreateLinkedTokenSource(_stopping));
        lock (_lock)
            _scripts[script.Name] = loop;
        var tracker = loop.Tracker = new VrrpScriptTracker(script, instances, _time, _logger, _run, _scriptPolicy);
        loop.Running = tracker.RunAsync(
            up =>
            {
                IReadOnlyList<string> to;
                lock (_lock)
                {
                    // A loop a reload replaced or stopped no longer speaks for the script.
                    if (!_scripts.TryGetValue(script.Name, out var current) || current != loop)
                        return;
                    loop.Verdict = up;
                    to = loop.Instances;
                }

                foreach (var instance in to)
                    _deliver(instance, new TrackerResult(VrrpTrackerPlan.TrackScript(script.Name), up, script.Weight));
            },
            loop.Stop.Token);
    }

    // Under _apply. Watch first, then read: a write between the two is seen twice at worst, never lost. The watch is
    // made anew only when the set of files changes.
    private void ApplyFiles(LvsHaConfig running, IReadOnlySet<string> refresh)
    {
        var byPath = VrrpTrackerPlan.FileWatchers(running)
            .GroupBy(w => w.File.Path, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var paths = byPath.Keys.ToHashSet(StringComparer.Ordinal);
        lock (_lock)
        {
            _filesByPath = byPath;
            foreach (var gone in _fileNumbers.Keys.Where(p => !paths.Contains(p)).ToList())
                _fileNumbers.Remove(gone);
        }

        if (!paths.SetEquals(_watchedPaths))
        {
            // Disposed outside _lock: its thread may be waiting for _lock in FileChanged.
            _fileWatcher?.Dispose();
            _fileWatcher = null;
            _watchedPaths = paths;
            if (paths.Count > 0)
            {
                try
                {
                    _fileWatcher = new TrackFileWatcher(paths, (path, number) => FileChanged(path, number, null), _logger);
                }
                catch (IOException e)
                {
                    // Preflight refused a missing directory; one gone since then costs the watch, not the director.
                    LogWatchFailed(e.Message);
                }
            }
        }

        // Out of range or missing: keepalived keeps its initial 0.
        foreach (var path in paths)
            FileChanged(path, TrackFileValue.Read(path) ?? 0, refresh);
    }

    // A file's number: a new number goes to every instance tracking it; the same number only to those in refresh.
    private void FileChanged(string path, long number, IReadOnlySet<string>? refresh)
    {
        List<(TrackFile File, IReadOnlyList<string> Instances)>? files;
        bool changed;
        lock (_lock)
        {
            if (!_filesByPath.TryGetValue(path, out files))
                return;
            // inotify reports every close after a write; only a new number is news.
            changed = !_fileNumbers.TryGetValue(path, out var was) || was != number;
            _fileNumbers[path] = number;
        }

        foreach (var (file, instances) in files)
        {
            if (changed)
                LogFile(file.Name, path, number, string.Join(", ", instances));
            foreach (var instance in instances.Where(i => changed || refresh?.Contains(i) == true))
                _deliver(instance, new TrackFileResult(VrrpTrackerPlan.TrackFile(file.Name), number));
        }
    }

    private async Task WatchLinksAsync(IAsyncEnumerable<NetworkChange> events, CancellationToken cancellationToken)
    {
        await foreach (var change in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            switch (change)
            {
                case LinkChange link:
                    Update(link.Link.Name, !link.Removed && VrrpTrackerPlan.IsUp(link.Link));
                    break;
                case ChangesLost:
                    await ReadLinksAsync(cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task ReadLinksAsync(CancellationToken cancellationToken)
    {
        var links = await _links.GetLinksAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyCollection<string> names;
        lock (_lock)
            names = [.. _interfaceWatchers.Keys];
        foreach (var name in names)
        {
            // A tracked interface that does not exist counts as down (keepalived tracks it once it appears).
            var link = links.FirstOrDefault(l => l.Name == name);
            Update(name, link is not null && VrrpTrackerPlan.IsUp(link));
        }
    }

    private void Update(string interfaceName, bool up)
    {
        IReadOnlyList<(string Instance, string Tracker)>? watchers;
        lock (_lock)
        {
            if (!_interfaceWatchers.TryGetValue(interfaceName, out watchers))
                return;
            if (_linkUp.TryGetValue(interfaceName, out var was) && was == up)
                return;
            _linkUp[interfaceName] = up;
        }

        LogLink(interfaceName, up ? "UP" : "DOWN");
        foreach (var (instance, tracker) in watchers)
            _deliver(instance, new TrackerResult(tracker, up, 0));
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _apply.Dispose();
        base.Dispose();
    }

    // One running vrrp_script: its block, the instances it reports to (a reload may change them) and its last verdict.
    private sealed class ScriptLoop(VrrpScript script, CancellationTokenSource stop)
    {
        public VrrpScript Script { get; } = script;

        public CancellationTokenSource Stop { get; } = stop;

        // The tracker's own list (it names them in its log lines); a reload replaces it under _lock.
        public IReadOnlyList<string> Instances => Tracker?.Instances ?? [];

        public bool? Verdict { get; set; }

        public Task Running { get; set; } = Task.CompletedTask;

        public VrrpScriptTracker? Tracker { get; set; }

        public async Task StopAsync()
        {
            await Stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Running.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                Stop.Dispose();
            }
        }
    }

    [LoggerMessage(EventId = 5402, Level = LogLevel.Information, Message = "track_file {TrackFile} ({Path}) reads {Number} (tracked by vrrp_instance {Instances})")]
    private partial void LogFile(string trackFile, string path, long number, string instances);

    [LoggerMessage(EventId = 5403, Level = LogLevel.Error, Message = "Track files are read once and not followed: {Reason}")]
    private partial void LogWatchFailed(string reason);

    [LoggerMessage(EventId = 5401, Level = LogLevel.Information, Message = "Interface {Interface} is {LinkState}")]
    private partial void LogLink(string @interface, string linkState);

    [LoggerMessage(EventId = 5404, Level = LogLevel.Information, Message = "vrrp_script {Script} stopped: {Reason}")]
    private partial void LogScriptStopped(string script, string reason);
}
