using System.Net;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;
using LvsHa.Health.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsHa.Health.Scheduling;

/// <summary>Runs every checker of every virtual service on keepalived's schedule (warmup, delay_loop, retries while
/// up) as async loops: no thread per check, attempts bounded by a semaphore, time from a <see cref="TimeProvider"/>.
/// Results go through each service's <see cref="VirtualServiceHealth"/>; its decisions go to the sink.</summary>
public sealed class HealthCheckScheduler : IAsyncDisposable
{
    /// <summary>Health's EventId range starts at 4000 (issue 4); 4001: a checker changed state.</summary>
    private static readonly EventId CheckerChanged = new(4001, "CheckerChanged");

    /// <summary>4002: the decision sink threw.</summary>
    private static readonly EventId SinkFailed = new(4002, "SinkFailed");

    private readonly IHealthDecisionSink sink;
    private readonly HealthSchedulerOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly SemaphoreSlim concurrency;
    private readonly Dictionary<string, Service> services = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> loops = [];
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
        foreach (var vs in virtualServices) services.Add(vs.Name, new Service(vs, this.options.HistoryLength));
    }

    /// <summary>Publishes each service's initial table and starts the checker loops.</summary>
    public void Start()
    {
        if (started) throw new InvalidOperationException("scheduler already started");
        started = true;
        foreach (var service in services.Values)
        {
            lock (service.Gate) Publish(service.Health.Start());
            for (var r = 0; r < service.Settings.RealServers.Count; r++)
            {
                var rs = service.Settings.RealServers[r];
                for (var c = 0; c < rs.Checkers.Count; c++)
                {
                    var spec = rs.Checkers[c];
                    var timing = CheckerTiming.Resolve(spec, rs.Timing, service.Settings.Timing);
                    var runner = new CheckRunner(options.CheckFactory(spec, rs, service.Settings, timing), timing, timeProvider, concurrency);
                    loops.Add(RunCheckerAsync(service, r, c, timing, runner, stopping.Token));
                }
            }
        }
    }

    /// <summary>Stops the loops and publishes the stop decisions (omega scripts).</summary>
    public async Task StopAsync()
    {
        if (stopping.IsCancellationRequested) return;
        await stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(loops).ConfigureAwait(false);
        if (!started) return;
        foreach (var service in services.Values)
        {
            lock (service.Gate) Publish(service.Health.Stop());
        }
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

    private async Task RunCheckerAsync(Service service, int realServer, int checker, CheckerTiming timing, CheckRunner runner, CancellationToken cancellationToken)
    {
        var rs = service.Settings.RealServers[realServer];
        var history = service.Histories[rs.Endpoint];
        void Record(CheckResult result) =>
            history.Add(new CheckRecord(timeProvider.GetUtcNow(), runner.Check.Kind, result.Up, result.Reason, result.Latency));
        try
        {
            // warmup: a random start in [0, warmup] spreads the checks of many real servers over time.
            var warmup = TimeSpan.FromTicks((long)(timing.Warmup.Ticks * options.Random.NextDouble()));
            await Task.Delay(warmup, timeProvider, cancellationToken).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                bool checkerUp, retries;
                lock (service.Gate)
                {
                    checkerUp = service.Health.IsCheckerUp(realServer, checker);
                    retries = service.Health.RetriesFailures(realServer, checker);
                }

                var result = await runner.RunRoundAsync(retries, Record, cancellationToken).ConfigureAwait(false);
                lock (service.Gate)
                {
                    if (checkerUp != result.Up)
                    {
                        logger.LogInformation(
                            CheckerChanged,
                            "{Checker} of {RealServer} in {VirtualService} is {State}: {Reason}",
                            runner.Check.Kind, rs.Endpoint, service.Settings.Name, result.Up ? "up" : "down", result.Reason);
                    }

                    Publish(service.Health.OnCheckResult(realServer, checker, result.Up, result.DynamicWeight));
                }

                await Task.Delay(timing.DelayLoop, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
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

    private sealed class Service
    {
        public Service(VirtualServiceHealthSettings settings, int historyLength)
        {
            Settings = settings;
            Health = new VirtualServiceHealth(settings);
            foreach (var rs in settings.RealServers) Histories.TryAdd(rs.Endpoint, new HealthHistory(historyLength));
        }

        public VirtualServiceHealthSettings Settings { get; }

        public VirtualServiceHealth Health { get; }

        public Lock Gate { get; } = new();

        public Dictionary<IPEndPoint, HealthHistory> Histories { get; } = [];
    }
}
