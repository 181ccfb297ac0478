using System.Collections.Immutable;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsHa.Health.Scheduling;

/// <summary>The probes of one or more <see cref="HealthCheckScheduler"/>s (the director has one per virtual service):
/// identical checkers (equal <see cref="ProbeKey"/>s) of any virtual service subscribe to one probe, attempted once
/// per round, whose outcome every subscriber applies to its own state. No thread and no timer per probe: one timer,
/// from a <see cref="TimeProvider"/>, wakes at the earliest due probe and starts every probe then due; a round's end
/// puts its probe back delay_loop later. Attempts are bounded by a semaphore.</summary>
/// <remarks>Sharing keeps keepalived's per-checker semantics: subscribers with equal parameters would make the same
/// attempts and get the same outcomes, so each still counts its own retries and takes its own decisions. Only
/// whether a failure is retried depends on a subscriber's state (keepalived retries while the checker is up): the
/// round retries when any subscriber would, and a subscriber that would not gets the round's first attempt as its
/// result. A timer per checker cost a timer-queue entry and a thread-pool hop per check; with thousands of real
/// servers the single timer starts several due probes per wake-up on one thread. Network probes start inline on the
/// timer's thread (their synchronous part is a socket and a connect call); MISC_CHECK forks a process synchronously
/// and so starts on the thread pool, so that slow forks do not delay the other probes.</remarks>
public sealed partial class SharedProbes : IAsyncDisposable
{
    /// <summary>System timers keep milliseconds on a coarse clock and may wake a little early: a probe due within
    /// this much of the wake-up starts with it instead of costing one more wake-up.</summary>
    private static readonly TimeSpan DueTolerance = TimeSpan.FromMilliseconds(1);

    private readonly HealthSchedulerOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly SemaphoreSlim concurrency;
    private readonly Lock gate = new();
    private readonly Dictionary<ProbeKey, Probe> probes = [];
    private readonly PriorityQueue<Probe, long> queue = new();
    private readonly TaskCompletionSource drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer timer;
    private readonly long dueTolerance;
    private readonly long granularity;
    private long timerDue = long.MaxValue;
    private int running;
    private int subscriptions;
    private bool stopped;

    /// <summary>Creates the probes; <paramref name="options"/>' factory, concurrency, start granularity and random
    /// apply to every scheduler using them.</summary>
    public SharedProbes(HealthSchedulerOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        this.options = options ?? new HealthSchedulerOptions();
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.logger = logger ?? NullLogger.Instance;
        concurrency = new SemaphoreSlim(this.options.MaxConcurrentChecks, this.options.MaxConcurrentChecks);
        dueTolerance = TimestampTicks(DueTolerance);
        granularity = Math.Max(1, TimestampTicks(this.options.StartGranularity));
        timer = this.timeProvider.CreateTimer(static s => ((SharedProbes)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The clock of the probes (and of their subscribers' records).</summary>
    internal TimeProvider TimeProvider => timeProvider;

    /// <summary>How many probes run and how many checkers they feed.</summary>
    public (int Probes, int Checkers) Count
    {
        get
        {
            lock (gate) return (probes.Count, subscriptions);
        }
    }

    /// <summary>One line when checkers share probes, so that the operator sees that checks were merged.</summary>
    public void LogSharing()
    {
        var (count, checkers) = Count;
        if (checkers > count) LogShared(count, checkers, checkers - count);
    }

    /// <summary>Feeds <paramref name="subscriber"/> from the probe of an identical checker, or from a new one that
    /// starts after a random part of its warmup (spreading the checks of many real servers over time).</summary>
    internal void Subscribe(CheckerSpec spec, RealServerHealthSettings realServer, VirtualServiceHealthSettings virtualService, IProbeSubscriber subscriber)
    {
        var timing = CheckerTiming.Resolve(spec, realServer.Timing, virtualService.Timing);
        var key = ProbeKey.Of(spec, realServer, virtualService, timing);
        lock (gate)
        {
            subscriptions++;
            if (probes.TryGetValue(key, out var probe))
            {
                subscriber.Probe = probe;
                probe.Subscribers = probe.Subscribers.Add(subscriber);
                return;
            }
        }

        // Built outside the lock: a factory may do real work. A second subscriber of the same key racing this one
        // (schedulers starting on several threads) only costs a second probe.
        var runner = new CheckRunner(options.CheckFactory(spec, realServer, virtualService, timing), timing, timeProvider, concurrency);
        var created = new Probe(this, key, timing, runner, startsInline: spec is not MiscCheckSpec) { Subscribers = [subscriber] };
        subscriber.Probe = created;
        lock (gate)
        {
            if (stopped) return;
            probes.TryAdd(key, created);
        }

        Schedule(created, TimeSpan.FromTicks((long)(timing.Warmup.Ticks * options.Random.NextDouble())));
    }

    /// <summary>Stops feeding <paramref name="subscriber"/>; a probe nobody uses any more stops (its round under way
    /// is cancelled), one still used keeps its schedule.</summary>
    internal void Unsubscribe(IProbeSubscriber subscriber)
    {
        if (subscriber.Probe is not { } probe) return;
        lock (gate)
        {
            var left = probe.Subscribers.Remove(subscriber);
            if (left.Length == probe.Subscribers.Length) return;
            subscriptions--;
            probe.Subscribers = left;
            if (left.Length > 0) return;
            probe.Retired = true;
            if (probes.TryGetValue(probe.Key, out var current) && current == probe) probes.Remove(probe.Key);
        }

        probe.Stopping.Cancel();
    }

    /// <summary>Stops every probe and waits for the rounds under way (cancelled).</summary>
    public async Task StopAsync()
    {
        Probe[] all;
        lock (gate)
        {
            // A second stop finds nothing to cancel and waits as the first does: disposing must not take the
            // semaphore away from a round still ending.
            stopped = true;
            timer.Dispose();
            queue.Clear();
            all = [.. probes.Values];
            probes.Clear();
        }

        foreach (var probe in all) await probe.Stopping.CancelAsync().ConfigureAwait(false);
        if (Volatile.Read(ref running) == 0) drained.TrySetResult();
        await drained.Task.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        concurrency.Dispose();
    }

    private static TimeSpan Later(long ticks, long frequency) =>
        TimeSpan.FromTicks((long)Math.Ceiling(ticks * (double)TimeSpan.TicksPerSecond / frequency));

    private long TimestampTicks(TimeSpan span) => (long)(span.Ticks * (double)timeProvider.TimestampFrequency / TimeSpan.TicksPerSecond);

    /// <summary>Puts a probe in the queue to start <paramref name="after"/> from now, re-arming the timer when it is
    /// now the earliest.</summary>
    private void Schedule(Probe probe, TimeSpan after)
    {
        var now = timeProvider.GetTimestamp();
        var due = now + TimestampTicks(after);
        if (due % granularity != 0) due += granularity - due % granularity;
        lock (gate)
        {
            if (stopped || probe.Retired) return;
            queue.Enqueue(probe, due);
            if (due < timerDue) Arm(due, now);
        }
    }

    /// <summary>Under the lock: the timer wakes at <paramref name="due"/>, rounded up to whole milliseconds (system
    /// timers truncate, which would wake before the due time).</summary>
    private void Arm(long due, long now)
    {
        timerDue = due;
        var wait = Later(Math.Max(0, due - now), timeProvider.TimestampFrequency);
        if (timeProvider == TimeProvider.System) wait = TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds));
        timer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        List<Probe>? ready = null;
        lock (gate)
        {
            if (stopped) return;
            var now = timeProvider.GetTimestamp();
            while (queue.TryPeek(out var probe, out var due) && due <= now + dueTolerance)
            {
                queue.Dequeue();
                if (!probe.Retired) (ready ??= []).Add(probe);
            }

            timerDue = long.MaxValue;
            if (queue.TryPeek(out _, out var next)) Arm(next, now);
            if (ready is null) return;

            // Counted under the lock, so that StopAsync, once it has set stopped, waits for every round started.
            Interlocked.Add(ref running, ready.Count);
        }

        foreach (var probe in ready)
        {
            if (probe.StartsInline) _ = RunRoundAsync(probe);
            else ThreadPool.UnsafeQueueUserWorkItem(static p => _ = p.Owner.RunRoundAsync(p), probe, preferLocal: false);
        }
    }

    /// <summary>One keepalived round of a probe (an attempt and, while a subscriber's checker is up, its retries),
    /// delivered to every subscriber; then the probe goes back in the queue delay_loop later: the next round starts
    /// delay_loop after this one ended.</summary>
    private async Task RunRoundAsync(Probe probe)
    {
        var cancellationToken = probe.Stopping.Token;
        try
        {
            var subscribers = probe.BeginRound();
            var result = await probe.Runner.RunRoundAsync(probe.AnyRetries, probe.OnAttempt, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < subscribers.Length; i++)
                subscribers[i].OnRound(probe.Retrying[i] ? result : probe.FirstAttempt!);
            Schedule(probe, probe.Timing.DelayLoop);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping, or nobody uses the probe any more.
        }
        catch (Exception e)
        {
            // A bug in one round must not end the checking: log it and keep the schedule.
            LogRoundFailed(e, probe.Runner.Check.Kind, probe.Key);
            Schedule(probe, probe.Timing.DelayLoop);
        }
        finally
        {
            if (Interlocked.Decrement(ref running) == 0 && Volatile.Read(ref stopped)) drained.TrySetResult();
        }
    }

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "{Checker} round of {Probe} failed")]
    private partial void LogRoundFailed(Exception e, string checker, ProbeKey probe);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Information, Message = "health: {Probes} checks in {Checkers} real-server entries ({Shared} shared)")]
    private partial void LogShared(int probes, int checkers, int shared);

    /// <summary>One probe and its subscribers; its rounds never overlap (the next is scheduled when one ends), so the
    /// round's state lives here and costs no allocation per round.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A CancellationTokenSource without timer or linked token holds nothing to release.")]
    internal sealed class Probe
    {
        private int attempts;

        public Probe(SharedProbes owner, ProbeKey key, CheckerTiming timing, CheckRunner runner, bool startsInline)
        {
            Owner = owner;
            Key = key;
            Timing = timing;
            Runner = runner;
            StartsInline = startsInline;
            OnAttempt = Attempted;
        }

        public SharedProbes Owner { get; }

        public ProbeKey Key { get; }

        public CheckerTiming Timing { get; }

        public CheckRunner Runner { get; }

        public bool StartsInline { get; }

        /// <summary>Cancelled when nobody uses the probe any more or the probes stop.</summary>
        public CancellationTokenSource Stopping { get; } = new();

        /// <summary>Replaced, never changed, under the owner's lock: a round reads it without the lock.</summary>
        public ImmutableArray<IProbeSubscriber> Subscribers { get; set; } = [];

        /// <summary>Set under the owner's lock when the last subscriber left.</summary>
        public bool Retired { get; set; }

        /// <summary>This round's subscribers, and whether each retries a failed attempt.</summary>
        public ImmutableArray<IProbeSubscriber> Round { get; private set; } = [];

        public bool[] Retrying { get; private set; } = [];

        public bool AnyRetries { get; private set; }

        public CheckResult? FirstAttempt { get; private set; }

        public Action<CheckResult> OnAttempt { get; }

        public ImmutableArray<IProbeSubscriber> BeginRound()
        {
            Round = Subscribers;
            if (Retrying.Length != Round.Length) Retrying = new bool[Round.Length];
            AnyRetries = false;
            for (var i = 0; i < Round.Length; i++) AnyRetries |= Retrying[i] = Round[i].RetriesFailures();
            attempts = 0;
            FirstAttempt = null;
            return Round;
        }

        /// <summary>The first attempt is every subscriber's; a retry only theirs who retry.</summary>
        private void Attempted(CheckResult attempt)
        {
            if (attempts++ == 0) FirstAttempt = attempt;
            for (var i = 0; i < Round.Length; i++)
            {
                if (attempts == 1 || Retrying[i]) Round[i].OnAttempt(attempt);
            }
        }
    }
}

/// <summary>A checker fed by a shared probe.</summary>
internal interface IProbeSubscriber
{
    /// <summary>The probe feeding the checker, set before the first result.</summary>
    SharedProbes.Probe? Probe { get; set; }

    /// <summary>Whether a failed attempt is retried now (keepalived: while the checker is up or has not run).</summary>
    bool RetriesFailures();

    /// <summary>One attempt of a round, for the checker's history.</summary>
    void OnAttempt(CheckResult attempt);

    /// <summary>The round's result for this checker.</summary>
    void OnRound(CheckResult result);
}
