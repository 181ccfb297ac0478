using System.Net;
using LvsHa.Health.Checkers;
using LvsHa.Health.Files;
using LvsHa.Health.Model;
using LvsHa.Health.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsHa.Health.Scheduling;

/// <summary>Runs every checker of every virtual service on keepalived's schedule (warmup, delay_loop, retries while
/// up): no thread and no timer per check. One timer per scheduler, from a <see cref="TimeProvider"/>, wakes at the
/// earliest due checker and starts every checker then due; a round's end puts its checker back delay_loop later.
/// Attempts are bounded by a semaphore. Results go through each service's <see cref="VirtualServiceHealth"/>; its
/// decisions go to the sink. FILE_CHECKs are not scheduled: their state is their file's, read at <see cref="Start"/>
/// and then fed by the owner of the file watcher through <see cref="OnTrackedFileChanged"/>.</summary>
/// <remarks>A timer per checker cost a timer-queue entry and a thread-pool hop per check; with thousands of real
/// servers the single timer starts several due checks per wake-up on one thread. Network checkers start inline on the
/// timer's thread (their synchronous part is a socket and a connect call); MISC_CHECK forks a process synchronously
/// and so starts on the thread pool, so that slow forks do not delay the other checks.</remarks>
public sealed partial class HealthCheckScheduler : IAsyncDisposable
{
    /// <summary>Health's EventId range starts at 4000 (issue 4); 4001: a checker changed state.</summary>
    private static readonly EventId CheckerChanged = new(4001, "CheckerChanged");

    /// <summary>4002: the decision sink threw.</summary>
    private static readonly EventId SinkFailed = new(4002, "SinkFailed");

    /// <summary>4003: a check round threw unexpectedly (the checker keeps its schedule).</summary>
    private static readonly EventId RoundFailed = new(4003, "RoundFailed");

    /// <summary>System timers keep milliseconds on a coarse clock and may wake a little early: a checker due within
    /// this much of the wake-up starts with it instead of costing one more wake-up.</summary>
    private static readonly TimeSpan DueTolerance = TimeSpan.FromMilliseconds(1);

    private readonly IHealthDecisionSink sink;
    private readonly HealthSchedulerOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly SemaphoreSlim concurrency;
    private readonly Dictionary<string, Service> services = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock queueGate = new();
    private readonly PriorityQueue<Checker, long> queue = new();
    private readonly TaskCompletionSource drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long dueTolerance;
    private readonly long granularity;
    private ITimer? timer;
    private long timerDue = long.MaxValue;
    private int running;
    private bool stopped;
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
        this.options = options ?? new HealthSchedulerOptions();
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.logger = logger ?? NullLogger.Instance;
        concurrency = new SemaphoreSlim(this.options.MaxConcurrentChecks, this.options.MaxConcurrentChecks);
        dueTolerance = TimestampTicks(DueTolerance);
        granularity = Math.Max(1, TimestampTicks(this.options.StartGranularity));
        foreach (var vs in virtualServices) services.Add(vs.Name, new Service(vs, this.options.HistoryLength));
    }

    /// <summary>Publishes each service's initial table and schedules every checker's first round (after a random
    /// part of its warmup).</summary>
    public void Start()
    {
        if (started) throw new InvalidOperationException("scheduler already started");
        started = true;
        var checkers = new List<Checker>();
        foreach (var service in services.Values)
        {
            lock (service.Gate)
            {
                var numbers = FileChecks.ReadInitial(service.Health);
                for (var f = 0; f < numbers.Count; f++) Logged(service, service.FileCheckers[f], numbers[f]);
                Publish(service.Health.Start());
            }

            for (var r = 0; r < service.Settings.RealServers.Count; r++)
            {
                var rs = service.Settings.RealServers[r];
                for (var c = 0; c < rs.Checkers.Count; c++)
                {
                    var spec = rs.Checkers[c];
                    if (spec is FileCheckSpec) continue;
                    var timing = CheckerTiming.Resolve(spec, rs.Timing, service.Settings.Timing);
                    var runner = new CheckRunner(options.CheckFactory(spec, rs, service.Settings, timing), timing, timeProvider, concurrency);
                    checkers.Add(new Checker(this, service, r, c, timing, runner, startsInline: spec is not MiscCheckSpec));
                }
            }
        }

        lock (queueGate)
        {
            if (stopped) return;
            timer = timeProvider.CreateTimer(static s => ((HealthCheckScheduler)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        // warmup: a random start in [0, warmup] spreads the checks of many real servers over time.
        foreach (var checker in checkers)
            Schedule(checker, TimeSpan.FromTicks((long)(checker.Timing.Warmup.Ticks * options.Random.NextDouble())));
    }

    /// <summary>Stops scheduling, waits for the rounds under way (cancelled) and publishes the stop decisions (omega
    /// scripts).</summary>
    public async Task StopAsync()
    {
        if (stopping.IsCancellationRequested) return;
        await stopping.CancelAsync().ConfigureAwait(false);
        lock (queueGate)
        {
            stopped = true;
            timer?.Dispose();
            queue.Clear();
        }

        if (Volatile.Read(ref running) == 0) drained.TrySetResult();
        await drained.Task.ConfigureAwait(false);
        if (!started) return;
        foreach (var service in services.Values)
        {
            lock (service.Gate) Publish(service.Health.Stop());
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
        if (!started || stopping.IsCancellationRequested) return;
        foreach (var service in services.Values)
        {
            foreach (var file in service.FileCheckers)
            {
                if (!string.Equals(file.Spec.Path, path, StringComparison.Ordinal)) continue;
                lock (service.Gate)
                {
                    var decisions = service.Health.OnTrackedFile(file.RealServer, file.Index, number);
                    Logged(service, file, number);
                    Publish(decisions);
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
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        stopping.Dispose();
        concurrency.Dispose();
    }

    private static TimeSpan Later(long ticks, long frequency) =>
        TimeSpan.FromTicks((long)Math.Ceiling(ticks * (double)TimeSpan.TicksPerSecond / frequency));

    private long TimestampTicks(TimeSpan span) => (long)(span.Ticks * (double)timeProvider.TimestampFrequency / TimeSpan.TicksPerSecond);

    /// <summary>Puts a checker in the queue to start <paramref name="after"/> from now, re-arming the timer when it
    /// is now the earliest.</summary>
    private void Schedule(Checker checker, TimeSpan after)
    {
        var now = timeProvider.GetTimestamp();
        var due = now + TimestampTicks(after);
        if (due % granularity != 0) due += granularity - due % granularity;
        lock (queueGate)
        {
            if (stopped) return;
            queue.Enqueue(checker, due);
            if (due < timerDue) Arm(due, now);
        }
    }

    /// <summary>Under the queue's lock: the timer wakes at <paramref name="due"/>, rounded up to whole milliseconds
    /// (system timers truncate, which would wake before the due time).</summary>
    private void Arm(long due, long now)
    {
        timerDue = due;
        var wait = Later(Math.Max(0, due - now), timeProvider.TimestampFrequency);
        if (timeProvider == TimeProvider.System) wait = TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds));
        timer!.Change(wait, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        List<Checker>? ready = null;
        lock (queueGate)
        {
            if (stopped) return;
            var now = timeProvider.GetTimestamp();
            while (queue.TryPeek(out var checker, out var due) && due <= now + dueTolerance)
            {
                queue.Dequeue();
                (ready ??= []).Add(checker);
            }

            timerDue = long.MaxValue;
            if (queue.TryPeek(out _, out var next)) Arm(next, now);
            if (ready is null) return;

            // Counted under the lock, so that StopAsync, once it has set stopped, waits for every round started.
            Interlocked.Add(ref running, ready.Count);
        }

        foreach (var checker in ready)
        {
            if (checker.StartsInline) _ = RunRoundAsync(checker);
            else ThreadPool.UnsafeQueueUserWorkItem(static c => _ = c.Scheduler.RunRoundAsync(c), checker, preferLocal: false);
        }
    }

    /// <summary>One keepalived round of a checker (an attempt and, while the checker is up, its retries), then the
    /// checker goes back in the queue delay_loop later: the next round starts delay_loop after this one ended.</summary>
    private async Task RunRoundAsync(Checker checker)
    {
        var cancellationToken = stopping.Token;
        var service = checker.Service;
        try
        {
            bool checkerUp, retries;
            lock (service.Gate)
            {
                checkerUp = service.Health.IsCheckerUp(checker.RealServer, checker.Index);
                retries = service.Health.RetriesFailures(checker.RealServer, checker.Index);
            }

            var result = await checker.Runner.RunRoundAsync(retries, checker.Record, cancellationToken).ConfigureAwait(false);
            lock (service.Gate)
            {
                if (checkerUp != result.Up)
                {
                    logger.LogInformation(
                        CheckerChanged,
                        "{Checker} of {RealServer} in {VirtualService} is {State}: {Reason}",
                        checker.Runner.Check.Kind, checker.Endpoint, service.Settings.Name, result.Up ? "up" : "down", result.Reason);
                }

                Publish(service.Health.OnCheckResult(checker.RealServer, checker.Index, result.Up, result.DynamicWeight));
            }

            Schedule(checker, checker.Timing.DelayLoop);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            // A bug in one round must not end the real server's checking: log it and keep the schedule.
            logger.LogError(RoundFailed, e, "{Checker} round of {RealServer} in {VirtualService} failed",
                checker.Runner.Check.Kind, checker.Endpoint, service.Settings.Name);
            Schedule(checker, checker.Timing.DelayLoop);
        }
        finally
        {
            if (Interlocked.Decrement(ref running) == 0 && Volatile.Read(ref stopped)) drained.TrySetResult();
        }
    }

    private void Publish(IReadOnlyList<HealthDecision> decisions)
    {
        if (decisions.Count == 0) return;
        try
        {
            sink.Publish(decisions);
        }
        catch (Exception e)
        {
            // A failing consumer must not stop health checking; the next change is published again.
            logger.LogError(SinkFailed, e, "Publishing {Count} health decisions for {VirtualService} failed", decisions.Count, decisions[0].VirtualService);
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

    /// <summary>One checker of one real server with what its rounds need, built once (no allocation per round
    /// beyond the attempt's own).</summary>
    private sealed class Checker
    {
        public Checker(HealthCheckScheduler scheduler, Service service, int realServer, int index, CheckerTiming timing, CheckRunner runner, bool startsInline)
        {
            Scheduler = scheduler;
            Service = service;
            RealServer = realServer;
            Index = index;
            Timing = timing;
            Runner = runner;
            StartsInline = startsInline;
            Endpoint = service.Settings.RealServers[realServer].Endpoint;
            var history = service.Histories[Endpoint];
            var clock = scheduler.timeProvider;
            var kind = runner.Check.Kind;
            Record = result => history.Add(new CheckRecord(clock.GetUtcNow(), kind, result.Up, result.Reason, result.Latency));
        }

        public HealthCheckScheduler Scheduler { get; }

        public Service Service { get; }

        public int RealServer { get; }

        public int Index { get; }

        public IPEndPoint Endpoint { get; }

        public CheckerTiming Timing { get; }

        public CheckRunner Runner { get; }

        public bool StartsInline { get; }

        public Action<CheckResult> Record { get; }
    }
}
