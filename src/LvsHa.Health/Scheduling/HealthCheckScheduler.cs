using System.Net;
using LvsHa.Health.Checkers;
using LvsHa.Health.Files;
using LvsHa.Health.Model;
using LvsHa.Health.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsHa.Health.Scheduling;

/// <summary>Runs every checker of every virtual service on keepalived's schedule (warmup, delay_loop, retries while
/// up) through <see cref="SharedProbes"/>: identical checkers, of one service or of several, share one probe.
/// Results go through each service's <see cref="VirtualServiceHealth"/>; its decisions go to the sink. FILE_CHECKs
/// are not scheduled: their state is their file's, read at <see cref="Start"/> and then fed by the owner of the file
/// watcher through <see cref="OnTrackedFileChanged"/>.</summary>
/// <remarks>Without <see cref="HealthSchedulerOptions.Probes"/> the scheduler has probes of its own, stopped with it;
/// the director gives all its schedulers (one per virtual service, so that a reload restarts only changed ones) the
/// same probes, so that identical checks of different virtual services are probed once.</remarks>
public sealed partial class HealthCheckScheduler : IAsyncDisposable
{
    /// <summary>Health's EventId range starts at 4000 (issue 4); 4001: a checker changed state.</summary>
    private static readonly EventId CheckerChanged = new(4001, "CheckerChanged");

    /// <summary>4002: the decision sink threw.</summary>
    private static readonly EventId SinkFailed = new(4002, "SinkFailed");

    /// <summary>4003: a check round threw unexpectedly (the checker keeps its schedule).</summary>
    private static readonly EventId RoundFailed = new(4003, "RoundFailed");

    private readonly IHealthDecisionSink sink;
    private readonly SharedProbes probes;
    private readonly bool ownsProbes;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly Dictionary<string, Service> services = new(StringComparer.Ordinal);
    private readonly List<Checker> checkers = [];
    private volatile bool stopped;
    private bool started;

    /// <summary>Creates the scheduler; nothing runs until <see cref="Start"/>.</summary>
    public HealthCheckScheduler(
        IEnumerable<VirtualServiceHealthSettings> virtualServices,
        IHealthDecisionSink sink,
        HealthSchedulerOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(virtualServices);
        this.sink = sink;
        options ??= new HealthSchedulerOptions();
        this.logger = logger ?? NullLogger.Instance;
        ownsProbes = options.Probes is null;
        probes = options.Probes ?? new SharedProbes(options, timeProvider, this.logger);
        this.timeProvider = probes.TimeProvider;
        foreach (var vs in virtualServices) services.Add(vs.Name, new Service(vs, options.HistoryLength));
    }

    /// <summary>Publishes each service's initial table and subscribes every checker to its probe (a new probe
    /// starts after a random part of its warmup).</summary>
    public void Start()
    {
        if (started) throw new InvalidOperationException("scheduler already started");
        started = true;
        foreach (var service in services.Values)
        {
            lock (service.Gate)
            {
                var numbers = FileChecks.ReadInitial(service.Health);
                for (var f = 0; f < numbers.Count; f++) Logged(service, service.FileCheckers[f], numbers[f]);
                Publish(service, service.Health.Start());
            }

            for (var r = 0; r < service.Settings.RealServers.Count; r++)
            {
                var rs = service.Settings.RealServers[r];
                for (var c = 0; c < rs.Checkers.Count; c++)
                {
                    var spec = rs.Checkers[c];
                    if (spec is FileCheckSpec) continue;
                    var checker = new Checker(this, service, r, c);
                    lock (checkers)
                    {
                        // Under the lock: a stop either finds the checker subscribed or prevents the subscription.
                        if (stopped) return;
                        probes.Subscribe(spec, rs, service.Settings, checker);
                        checkers.Add(checker);
                    }
                }
            }
        }

        if (ownsProbes) probes.LogSharing();
    }

    /// <summary>A reload takes <paramref name="realServers"/> away from every service of this scheduler (null: the
    /// services themselves): publishes what keepalived does then (<see cref="VirtualServiceHealth.Remove"/>). The
    /// caller stops the scheduler after it; ignored before start and after stop.</summary>
    public void Remove(IReadOnlyCollection<IPEndPoint>? realServers)
    {
        if (!started) return;
        foreach (var service in services.Values)
        {
            lock (service.Gate)
            {
                if (stopped) return;
                Publish(service, service.Health.Remove(realServers));
            }
        }
    }

    /// <summary>Stops feeding the services (a probe another scheduler still uses keeps running), waits for the rounds
    /// under way when the probes are the scheduler's own, and publishes the stop decisions (omega scripts).</summary>
    public async Task StopAsync()
    {
        Checker[] subscribed;
        lock (checkers)
        {
            if (stopped) return;
            // No result delivered from now on reaches a service: a round under way of a shared probe may still end.
            stopped = true;
            subscribed = [.. checkers];
            checkers.Clear();
        }

        foreach (var checker in subscribed)
        {
            probes.Unsubscribe(checker);
        }

        if (ownsProbes) await probes.DisposeAsync().ConfigureAwait(false);
        if (!started) return;
        foreach (var service in services.Values)
        {
            lock (service.Gate) Publish(service, service.Health.Stop());
        }
    }

    /// <summary>The files the FILE_CHECKs of every service follow (for the one watcher of the director).</summary>
    public IReadOnlySet<string> TrackedFiles =>
        services.Values.SelectMany(s => s.FileCheckers).Select(f => f.Spec.Path).ToHashSet(StringComparer.Ordinal);

    /// <summary>A tracked file now reads <paramref name="number"/>: every FILE_CHECK following it takes the new state
    /// at once and the decisions go to the sink on the caller's thread. Ignored before <see cref="Start"/> (which
    /// reads the files itself) and after stop.</summary>
    public void OnTrackedFileChanged(string path, long number)
    {
        if (!started || stopped) return;
        foreach (var service in services.Values)
        {
            foreach (var file in service.FileCheckers)
            {
                if (!string.Equals(file.Spec.Path, path, StringComparison.Ordinal)) continue;
                lock (service.Gate)
                {
                    var decisions = service.Health.OnTrackedFile(file.RealServer, file.Index, number);
                    Logged(service, file, number);
                    Publish(service, decisions);
                }
            }
        }
    }

    /// <summary>Under the service's gate: one log line and one history record per new number of a FILE_CHECK (a
    /// rewrite of the same number is not news).</summary>
    private void Logged(Service service, FileChecker file, long number)
    {
        if (file.LastNumber == number) return;
        file.LastNumber = number;
        var up = service.Health.IsCheckerUp(file.RealServer, file.Index);
        LogFileCheck(file.Endpoint, service.Settings.Name, file.Spec.Path, number, up ? "up" : "down");
        service.Histories[file.Endpoint].Add(new CheckRecord(timeProvider.GetUtcNow(), file.Spec.Kind, up, $"{file.Spec.Path} reads {number}", TimeSpan.Zero));
    }

    /// <summary>A real server's recent attempts, oldest first (empty for an unknown one).</summary>
    public IReadOnlyList<CheckRecord> History(string virtualService, IPEndPoint realServer) =>
        services.TryGetValue(virtualService, out var service) && service.Histories.TryGetValue(realServer, out var history)
            ? history.Snapshot()
            : [];

    /// <summary>The real servers' states of a service.</summary>
    public IReadOnlyList<RealServerStatus> Status(string virtualService)
    {
        var service = services[virtualService];
        lock (service.Gate) return service.Health.RealServerStatuses();
    }

    /// <summary>Whether a service has its quorum.</summary>
    public bool QuorumUp(string virtualService)
    {
        var service = services[virtualService];
        lock (service.Gate) return service.Health.QuorumUp;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>A round's result for one checker: its service applies it under the service's gate (keepalived's
    /// per-checker retry counting and decisions), unless the scheduler stopped.</summary>
    private void Deliver(Checker checker, CheckResult result)
    {
        var service = checker.Service;
        try
        {
            lock (service.Gate)
            {
                if (stopped) return;
                if (service.Health.IsCheckerUp(checker.RealServer, checker.Index) != result.Up)
                {
                    logger.LogInformation(
                        CheckerChanged,
                        "{Checker} of {RealServer} in {VirtualService} is {State}: {Reason}",
                        checker.Kind, checker.Endpoint, service.Settings.Name, result.Up ? "up" : "down", result.Reason);
                }

                Publish(service, service.Health.OnCheckResult(checker.RealServer, checker.Index, result.Up, result.DynamicWeight, result.TimedOut));
            }
        }
        catch (Exception e)
        {
            // A bug in one service's handling must neither end the real server's checking nor starve the other
            // services fed by the same probe.
            logger.LogError(RoundFailed, e, "{Checker} round of {RealServer} in {VirtualService} failed",
                checker.Kind, checker.Endpoint, service.Settings.Name);
        }
    }

    /// <summary>Under the service's gate: the decisions of one event, then the notices it produced (keepalived mails
    /// a checker's verdict after the quorum change the verdict caused).</summary>
    private void Publish(Service service, IReadOnlyList<HealthDecision> decisions)
    {
        var notices = service.Health.TakeNotices();
        try
        {
            if (decisions.Count > 0) sink.Publish(decisions);
            foreach (var notice in notices) sink.Notice(notice);
        }
        catch (Exception e)
        {
            // A failing consumer must not stop health checking; the next change is published again.
            logger.LogError(SinkFailed, e, "Publishing {Count} health decisions for {VirtualService} failed", decisions.Count, service.Settings.Name);
        }
    }

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information, Message = "FILE_CHECK of {RealServer} in {VirtualService}: {Path} reads {Number}, the checker is {State}")]
    private partial void LogFileCheck(IPEndPoint realServer, string virtualService, string path, long number, string state);

    private sealed class Service
    {
        public Service(VirtualServiceHealthSettings settings, int historyLength)
        {
            Settings = settings;
            Health = new VirtualServiceHealth(settings);
            foreach (var rs in settings.RealServers) Histories.TryAdd(rs.Endpoint, new HealthHistory(historyLength));
            FileCheckers = FileChecks.Of(settings).Select(f => new FileChecker(f.RealServer, f.Checker, settings.RealServers[f.RealServer].Endpoint, f.Spec)).ToArray();
        }

        /// <summary>The FILE_CHECKs, fed by file changes rather than scheduled.</summary>
        public FileChecker[] FileCheckers { get; }

        public VirtualServiceHealthSettings Settings { get; }

        public VirtualServiceHealth Health { get; }

        public Lock Gate { get; } = new();

        public Dictionary<IPEndPoint, HealthHistory> Histories { get; } = [];
    }

    /// <summary>One FILE_CHECK and the number last logged for it (guarded by its service's gate).</summary>
    private sealed class FileChecker(int realServer, int index, IPEndPoint endpoint, FileCheckSpec spec)
    {
        public int RealServer { get; } = realServer;

        public int Index { get; } = index;

        public IPEndPoint Endpoint { get; } = endpoint;

        public FileCheckSpec Spec { get; } = spec;

        public long? LastNumber { get; set; }
    }

    /// <summary>One checker of one real server, fed by its probe.</summary>
    private sealed class Checker : IProbeSubscriber
    {
        private readonly HealthHistory history;

        public Checker(HealthCheckScheduler scheduler, Service service, int realServer, int index)
        {
            Scheduler = scheduler;
            Service = service;
            RealServer = realServer;
            Index = index;
            Endpoint = service.Settings.RealServers[realServer].Endpoint;
            history = service.Histories[Endpoint];
        }

        public HealthCheckScheduler Scheduler { get; }

        public Service Service { get; }

        public int RealServer { get; }

        public int Index { get; }

        /// <summary>The checker's name as its probe's check gives it.</summary>
        public string Kind => Probe!.Runner.Check.Kind;

        public IPEndPoint Endpoint { get; }

        public SharedProbes.Probe? Probe { get; set; }

        public bool RetriesFailures()
        {
            lock (Service.Gate) return Service.Health.RetriesFailures(RealServer, Index);
        }

        public void OnAttempt(CheckResult attempt) =>
            history.Add(new CheckRecord(Scheduler.timeProvider.GetUtcNow(), Kind, attempt.Up, attempt.Reason, attempt.Latency));

        public void OnRound(CheckResult result) => Scheduler.Deliver(this, result);
    }
}
