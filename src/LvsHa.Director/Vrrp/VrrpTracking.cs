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
/// or <see cref="TrackFileResult"/>.
/// </summary>
public sealed partial class VrrpTracking : BackgroundService
{
    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(20);

    private readonly LvsHaConfig _config;
    private readonly IAddressManager _links;
    private readonly Func<CancellationToken, IAsyncEnumerable<NetworkChange>> _watch;
    private readonly Action<string, LvsHa.Vrrp.VrrpInput> _deliver;
    private readonly Func<bool> _ready;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<ScriptCommand, CancellationToken, Task<int>>? _run;
    // Replaced whole under _lock when a reload adds or removes an instance; read by the link loop.
    private volatile IReadOnlyDictionary<string, IReadOnlyList<(string Instance, string Tracker)>> _interfaceWatchers;
    private readonly Dictionary<string, bool> _linkUp = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

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
        using var files = WatchFiles();
        var scripts = Security.ScriptPolicy.For(_config.Global);
        var loops = VrrpTrackerPlan.ScriptWatchers(_config)
            .Select(w => new VrrpScriptTracker(w.Script, w.Instances, _time, _logger, _run, scripts).RunAsync(
                up =>
                {
                    foreach (var instance in w.Instances)
                        _deliver(instance, new TrackerResult(VrrpTrackerPlan.TrackScript(w.Script.Name), up, w.Script.Weight));
                },
                stoppingToken))
            .Append(WatchLinksAsync(events, stoppingToken));
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    /// <summary>
    /// Feeds <paramref name="instance"/> (started by a reload, after the director's start) the state of its interface
    /// and track_interface entries now, then their changes. Its vrrp_scripts and track files are not followed: a
    /// reload starts no instance that has any.
    /// </summary>
    public async Task FollowAsync(VrrpInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var own = VrrpTrackerPlan.InterfaceWatchers(_config with { VrrpInstances = [instance] });
        lock (_lock)
            _interfaceWatchers = Merge(_interfaceWatchers.SelectMany(w => w.Value.Select(t => (w.Key, t))).Concat(own.SelectMany(w => w.Value.Select(t => (w.Key, t)))));
        // Followed before the read: a change in between reaches the instance twice at worst, never not at all.
        var links = await _links.GetLinksAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (name, trackers) in own)
        {
            var link = links.FirstOrDefault(l => l.Name == name);
            foreach (var (_, tracker) in trackers)
                _deliver(instance.Name, new TrackerResult(tracker, link is not null && VrrpTrackerPlan.IsUp(link), 0));
        }
    }

    /// <summary>Stops feeding <paramref name="instance"/> (a reload removed it) its interfaces' changes.</summary>
    public void Forget(string instance)
    {
        lock (_lock)
            _interfaceWatchers = Merge(_interfaceWatchers.SelectMany(w => w.Value.Where(t => t.Instance != instance).Select(t => (w.Key, t))));
    }

    private static Dictionary<string, IReadOnlyList<(string Instance, string Tracker)>> Merge(
        IEnumerable<(string Interface, (string Instance, string Tracker) Watcher)> watchers) =>
        watchers.GroupBy(w => w.Interface, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<(string, string)>)[.. g.Select(w => w.Watcher)], StringComparer.Ordinal);

    // Watch first, then read: a write between the two is seen twice at worst, never lost.
    private TrackFileWatcher? WatchFiles()
    {
        var watchers = VrrpTrackerPlan.FileWatchers(_config);
        if (watchers.Count == 0)
            return null;
        var byPath = watchers.GroupBy(w => w.File.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        void Deliver(string path, long number)
        {
            lock (last)
            {
                // inotify reports every close after a write; only a new number is news.
                if (last.TryGetValue(path, out var was) && was == number)
                    return;
                last[path] = number;
            }

            foreach (var (file, instances) in byPath[path])
            {
                LogFile(file.Name, path, number, string.Join(", ", instances));
                foreach (var instance in instances)
                    _deliver(instance, new TrackFileResult(VrrpTrackerPlan.TrackFile(file.Name), number));
            }
        }

        TrackFileWatcher? watcher = null;
        try
        {
            watcher = new TrackFileWatcher(byPath.Keys, Deliver, _logger);
        }
        catch (IOException e)
        {
            // Preflight refused a missing directory at start; one gone since then costs the watch, not the director.
            LogWatchFailed(e.Message);
        }

        foreach (var path in byPath.Keys)
        {
            if (TrackFileValue.Read(path) is { } number)
                Deliver(path, number);
            else
                Deliver(path, 0); // out of range at start: keepalived keeps its initial 0
        }

        return watcher;
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
        foreach (var name in _interfaceWatchers.Keys)
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

    [LoggerMessage(EventId = 5402, Level = LogLevel.Information, Message = "track_file {TrackFile} ({Path}) reads {Number} (tracked by vrrp_instance {Instances})")]
    private partial void LogFile(string trackFile, string path, long number, string instances);

    [LoggerMessage(EventId = 5403, Level = LogLevel.Error, Message = "Track files are read once and not followed: {Reason}")]
    private partial void LogWatchFailed(string reason);

    [LoggerMessage(EventId = 5401, Level = LogLevel.Information, Message = "Interface {Interface} is {LinkState}")]
    private partial void LogLink(string @interface, string linkState);
}
