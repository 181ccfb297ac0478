using System.Collections.Immutable;
using Akka.Actor;
using LvsHa.Config;
using LvsHa.Health.Checkers;
using LvsHa.Health.Files;
using LvsHa.Health.Scheduling;
using LvsHa.Health.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsHa.Director.Lvs;

/// <summary>
/// Runs the health checks of every virtual service (one <see cref="HealthCheckScheduler"/> per virtual service, so a
/// reload restarts only the checks of changed blocks; all of them on one <see cref="SharedProbes"/>, so that an
/// identical check of several virtual services is probed once and a reload keeps a probe another service still
/// uses), forwards the kernel decisions to the reconciler, runs
/// notify/quorum scripts in order per virtual service, and answers <see cref="GetLvsStatus"/>. One
/// <see cref="TrackFileWatcher"/> follows the files of every FILE_CHECK: a change reaches the schedulers, and so the
/// kernel, as a message to this actor, not on any delay_loop.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "An actor's end of life is PostStop, which disposes them.")]
public sealed partial class LvsHealthActor : ReceiveActor
{
    private static readonly EventId ScriptFailed = new(4510, "ScriptFailed");
    private static readonly EventId ScriptRan = new(4511, "ScriptRan");
    private static readonly EventId QuorumEvent = new(4513, "QuorumChanged");

    private readonly IActorRef reconciler;
    private readonly LvsHealthOptions options;
    private readonly ILogger logger;
    private readonly Dictionary<string, Queue<RunScript>> scripts = new(StringComparer.Ordinal);
    private readonly HashSet<string> running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private readonly Dictionary<string, Checks> checks = new(StringComparer.Ordinal);
    private readonly SharedProbes probes;
    private ImmutableArray<MappedVirtualService> services;

    // The services before the last reload: the mails of what it took away name their blocks from there.
    private ImmutableArray<MappedVirtualService> previousServices = [];

    // The last quorum state and checker verdicts seen, kept across a reload that restarts a virtual service's checks:
    // keepalived keeps them (migrate_checkers, quorum_state_up), so the restarted checks mail only real changes.
    private readonly Dictionary<string, bool> quorumUp = new(StringComparer.Ordinal);
    private readonly Dictionary<(string VirtualService, System.Net.IPEndPoint RealServer, int Checker), bool> checkerUp = [];
    private TrackFileWatcher? watcher;
    private IReadOnlySet<string> watched = new HashSet<string>(StringComparer.Ordinal);
    private IActorRef? stopRequester;
    private bool schedulerStopping;

    /// <summary>Creates the actor; see <see cref="Props"/>.</summary>
    public LvsHealthActor(IActorRef reconciler, LvsHaConfig config, LvsHealthOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(reconciler);
        ArgumentNullException.ThrowIfNull(config);
        this.reconciler = reconciler;
        this.options = options ?? new LvsHealthOptions();
        this.logger = logger ?? NullLogger.Instance;
        services = HealthSettingsMapper.Map(config);
        // Every attempt is reported on the EventStream (check latency and result metrics); a shared probe's under
        // the virtual service that started it.
        var measured = this.options.Scheduler with { CheckFactory = Metrics.MeasuredHealthCheck.Wrap(this.options.Scheduler.CheckFactory, Context.System.EventStream) };
        probes = new SharedProbes(measured, this.options.TimeProvider, this.logger);

        Receive<HealthDecisions>(HandleDecisions);
        Receive<HealthNotice>(HandleNotice);
        Receive<ScriptFinished>(HandleScriptFinished);
        Receive<ReloadConfig>(HandleReload);
        Receive<TrackedFileChanged>(HandleTrackedFile);
        Receive<GetLvsStatus>(_ => HandleGetStatus());
        Receive<StopHealthChecks>(_ => HandleStop());
        Receive<SchedulerStopped>(_ =>
        {
            schedulerStopping = false;
            ReplyIfStopped();
        });
    }

    /// <summary>Props for the actor.</summary>
    public static Props Props(IActorRef reconciler, LvsHaConfig config, LvsHealthOptions? options = null, ILogger? logger = null) =>
        Akka.Actor.Props.Create(() => new LvsHealthActor(reconciler, config, options, logger));

    /// <inheritdoc/>
    protected override void PreStart()
    {
        // The watcher first: a change after it started arrives as a message once the checks below have read their
        // files (a number they already have changes nothing), so none falls between the reading and the watch.
        WatchTrackedFiles();
        foreach (var service in services)
            checks[service.Name] = StartChecks(service);
        probes.LogSharing();
    }

    /// <inheritdoc/>
    protected override void PostStop()
    {
        // Without StopHealthChecks first (an abrupt stop) the checks end without omega scripts.
        foreach (var running in checks.Values)
            running.Discard();
        checks.Clear();
        watcher?.Dispose();
        watcher = null;
        _ = probes.DisposeAsync().AsTask();
        stopping.Cancel();
        stopping.Dispose();
    }

    private Checks StartChecks(MappedVirtualService service)
    {
        var sink = new DecisionSink(Self);
        var scheduler = new HealthCheckScheduler([service.Settings], sink, options.Scheduler with { Probes = probes }, options.TimeProvider, logger);
        scheduler.Start();
        return new Checks(scheduler, sink);
    }

    private void HandleDecisions(HealthDecisions message)
    {
        // keepalived sends a virtual server's quorum mail before the checker's mail that caused it.
        foreach (var quorum in message.Decisions.OfType<QuorumChanged>())
            QuorumSeen(quorum.VirtualService, quorum.Up, starting: false, quorum.Quorum, quorum.Hysteresis, quorum.Threshold, quorum.LiveWeight);
        var kernel = message.Decisions.Where(d => d is not (RunScript or QuorumChanged)).ToArray();
        if (kernel.Length > 0)
            reconciler.Tell(new HealthDecisions(kernel));
        foreach (var script in message.Decisions.OfType<RunScript>())
            QueueScript(script);
    }

    private void QueueScript(RunScript script)
    {
        if (!scripts.TryGetValue(script.VirtualService, out var queue))
            scripts[script.VirtualService] = queue = new Queue<RunScript>();
        queue.Enqueue(script);
        RunNextScript(script.VirtualService);
    }

    // keepalived's log line and mail (ipwrapper.c update_quorum_state, do_vs_notifies): its log says "Gained quorum"
    // also for a start with the quorum up.
    // Returns whether it was news (a reload that restarts a service's checks in the quorum state it had reports nothing).
    private bool QuorumSeen(string virtualService, bool up, bool starting, long q, long h, long t, long w)
    {
        if (quorumUp.TryGetValue(virtualService, out var was) && was == up && starting)
            return false;
        quorumUp[virtualService] = up;
        logger.LogInformation(QuorumEvent, "virtual_server {VirtualService}: {Quorum}", virtualService,
            up ? $"Gained quorum {q}+{h}={t} <= {w}" : $"{(starting ? "Starting with quorum down" : "Lost quorum")} {q}-{h}={t} > {w}");
        if (MailingVirtualServer(virtualService) is { } vs)
            options.Mail!.VirtualServerChanged(Alerts.MailAlert.VirtualServerName(vs), up, Alerts.MailAlert.QuorumBody(up, starting, q, h, t, w));
        return true;
    }

    // What keepalived mails without a change to the table: a checker's verdict (check_*.c), the quorum a virtual
    // server starts with (ipwrapper.c init_service_vs), the stop with omega (clear_services).
    private void HandleNotice(HealthNotice notice)
    {
        switch (notice)
        {
            case StartingQuorum start:
                if (QuorumSeen(start.VirtualService, start.Up, starting: true, start.Quorum, start.Hysteresis, start.Threshold, start.LiveWeight)
                    && start.Script is { } script)
                    QueueScript(script);
                break;
            case CheckerVerdict verdict:
                var key = (verdict.VirtualService, verdict.RealServer, verdict.Checker);
                var known = checkerUp.TryGetValue(key, out var wasUp);
                checkerUp[key] = verdict.Up;
                if (options.Mail is not { } sender || (known && wasUp == verdict.Up))
                    break;
                if (ConfiguredRealServer(verdict.VirtualService, verdict.RealServer) is ({ } server, { SmtpAlert: true } rs)
                    && Alerts.MailAlert.CheckerBody(verdict.Checker < rs.Checkers.Count ? rs.Checkers[verdict.Checker] : null, verdict) is { } body)
                {
                    sender.CheckerChanged(Alerts.MailAlert.Trio(rs.Address, server.Protocol, rs.Port), Alerts.MailAlert.VirtualServerName(server),
                        verdict.RealServerUp, verdict.RealServerChanged, body);
                }

                break;
            case RealServersRemoved removed:
                // keepalived mails each live real server's removal, then the virtual server's lost quorum
                // (clear_service_rs_list on reload).
                foreach (var endpoint in removed.RealServers)
                {
                    if (options.Mail is { } mailer && ConfiguredRealServer(removed.VirtualService, endpoint) is ({ } owner, { SmtpAlert: true } gone))
                        mailer.RealServerChanged(Alerts.MailAlert.Trio(gone.Address, owner.Protocol, gone.Port), Alerts.MailAlert.VirtualServerName(owner), up: false, Alerts.MailAlert.RemovingBody);
                }

                if (removed.QuorumLost is { } lost)
                    QuorumSeen(lost.VirtualService, false, starting: false, lost.Quorum, lost.Hysteresis, lost.Threshold, lost.LiveWeight);
                if (!services.Any(s => s.Name == removed.VirtualService))
                    quorumUp.Remove(removed.VirtualService);
                break;
            case ShuttingDown down when options.Mail is { } mail:
                // keepalived mails each live real server's removal, then the virtual server's (clear_service_rs_list).
                foreach (var endpoint in down.LiveRealServers)
                {
                    if (ConfiguredRealServer(down.VirtualService, endpoint) is ({ } owner, { SmtpAlert: true } live))
                        mail.RealServerChanged(Alerts.MailAlert.Trio(live.Address, owner.Protocol, live.Port), Alerts.MailAlert.VirtualServerName(owner), up: false, Alerts.MailAlert.ShuttingDownBody);
                }

                if (MailingVirtualServer(down.VirtualService) is { } stopped)
                    mail.VirtualServerChanged(Alerts.MailAlert.VirtualServerName(stopped), up: false, Alerts.MailAlert.ShuttingDownBody);
                break;
        }
    }

    /// <summary>The virtual server of a virtual service when mails are sent and its smtp_alert is on.</summary>
    private VirtualServer? MailingVirtualServer(string virtualService) =>
        options.Mail is not null && Configured(virtualService).FirstOrDefault() is { SmtpAlert: true } vs ? vs : null;

    /// <summary>A real server's block and its virtual server's, as configured, or as configured before the last
    /// reload when that took them away.</summary>
    private (VirtualServer? VirtualServer, RealServer? RealServer) ConfiguredRealServer(string virtualService, System.Net.IPEndPoint endpoint) =>
        Configured(virtualService)
            .Select(vs => (vs, vs.RealServers.FirstOrDefault(r => r.Address.Equals(endpoint.Address) && r.Port == endpoint.Port)))
            .FirstOrDefault(found => found.Item2 is not null);

    private IEnumerable<VirtualServer> Configured(string virtualService) =>
        services.Concat(previousServices).Where(s => s.Name == virtualService).Select(s => s.VirtualServer);

    private void RunNextScript(string virtualService)
    {
        if (running.Contains(virtualService) || !scripts.TryGetValue(virtualService, out var queue) || !queue.TryDequeue(out var script))
            return;
        running.Add(virtualService);
        RunScriptAsync(script, options.ScriptTimeout, stopping.Token).PipeTo(Self);
    }

    private static async Task<ScriptFinished> RunScriptAsync(RunScript script, TimeSpan timeout, CancellationToken stopping)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        limit.CancelAfter(timeout);
        try
        {
            var status = await ScriptRunner.RunAsync(script.Script, limit.Token).ConfigureAwait(false);
            return new ScriptFinished(script, status, null);
        }
        catch (OperationCanceledException)
        {
            return new ScriptFinished(script, null, $"killed after {timeout.TotalSeconds:0.#} s");
        }
        catch (InvalidOperationException e)
        {
            return new ScriptFinished(script, null, e.Message);
        }
    }

    private void HandleScriptFinished(ScriptFinished message)
    {
        var script = message.Script;
        if (message.Problem is not null || message.ExitStatus != 0)
        {
            logger.LogWarning(ScriptFailed, "{Reason} script {Script} of {VirtualService} {RealServer} failed: {Problem}",
                script.Reason, script.Script.Display, script.VirtualService, script.RealServer?.ToString() ?? "-",
                message.Problem ?? $"exit status {message.ExitStatus}");
        }
        else
        {
            logger.LogInformation(ScriptRan, "{Reason} script {Script} of {VirtualService} {RealServer} ran",
                script.Reason, script.Script.Display, script.VirtualService, script.RealServer?.ToString() ?? "-");
        }
        running.Remove(script.VirtualService);
        RunNextScript(script.VirtualService);
        ReplyIfStopped();
    }

    private void HandleReload(ReloadConfig message)
    {
        // Checks of unchanged blocks keep running with their state; the others stop (their decisions stop at once:
        // their sink closes) and start again from the new block. The reconciler gets the new configuration before
        // any decision of the new checks.
        var next = HealthSettingsMapper.Map(message.Config);
        var unchanged = VirtualServerFingerprint.Unchanged(services, next);
        var names = next.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, running) in checks.ToArray())
        {
            if (unchanged.Contains(name))
                continue;
            // What the reload takes away goes as keepalived's clear_diff_services has it go, omega or not: the real
            // servers (a removed virtual service: all of them) run notify_down and mail "Removing", then the quorum
            // is judged on what stays. The old checks then stop without another word: a late decision of theirs must
            // not reach the state of the new ones.
            var removed = names.Contains(name) ? RemovedRealServers(name, next) : null;
            if (removed is not { Count: 0 })
                running.Scheduler.Remove(removed);
            running.Discard();
            checks.Remove(name);
        }
        previousServices = services;
        services = next;
        foreach (var gone in quorumUp.Keys.Where(n => !names.Contains(n)).ToArray())
            quorumUp.Remove(gone);
        foreach (var gone in checkerUp.Keys.Where(k => !names.Contains(k.VirtualService)).ToArray())
            checkerUp.Remove(gone);
        WatchTrackedFiles();
        reconciler.Tell(message);
        foreach (var service in services.Where(s => !checks.ContainsKey(s.Name)))
            checks[service.Name] = StartChecks(service);
        probes.LogSharing();
    }

    private List<System.Net.IPEndPoint> RemovedRealServers(string name, ImmutableArray<MappedVirtualService> next)
    {
        var kept = next.First(s => s.Name == name).Settings.RealServers.Select(r => r.Endpoint).ToHashSet();
        return [.. services.First(s => s.Name == name).Settings.RealServers.Select(r => r.Endpoint).Where(e => !kept.Contains(e))];
    }

    /// <summary>
    /// Watches the files of every FILE_CHECK of <see cref="services"/>, when they differ from those watched. The new
    /// watcher starts before the old one stops, so that no change of a file both follow goes unseen (one seen twice
    /// changes nothing).
    /// </summary>
    private void WatchTrackedFiles()
    {
        var paths = services.SelectMany(s => FileChecks.Of(s.Settings)).Select(f => f.Spec.Path).ToHashSet(StringComparer.Ordinal);
        if (paths.SetEquals(watched))
            return;
        var previous = watcher;
        watcher = null;
        watched = paths;
        if (paths.Count > 0)
        {
            var self = Self;
            try
            {
                watcher = new TrackFileWatcher(paths, (path, number) => self.Tell(new TrackedFileChanged(path, number)), logger);
            }
            catch (IOException e)
            {
                // keepalived logs a file it cannot watch and goes on: the checkers keep the state read at start.
                LogWatchFailed(e.Message);
            }
        }
        previous?.Dispose();
    }

    private void HandleTrackedFile(TrackedFileChanged message)
    {
        foreach (var running in checks.Values)
            running.Scheduler.OnTrackedFileChanged(message.Path, message.Number);
    }

    [LoggerMessage(EventId = 4512, Level = LogLevel.Error, Message = "FILE_CHECK files cannot be watched, their checkers keep the state read at start: {Reason}")]
    private partial void LogWatchFailed(string reason);

    private void HandleGetStatus()
    {
        var reports = services.Where(s => checks.ContainsKey(s.Name)).Select(s =>
        {
            var current = checks[s.Name].Scheduler;
            var statuses = current.Status(s.Name);
            var realServers = statuses.Select(rs =>
            {
                var history = current.History(s.Name, rs.RealServer);
                return new RealServerReport(rs.RealServer, rs.Alive, rs.Weight, rs.InPool, rs.FailedCheckers,
                    history.Count > 0 ? history[^1] : null, history);
            }).ToImmutableArray();
            return new VirtualServiceReport(s.Name, current.QuorumUp(s.Name), realServers) { VirtualServer = s.VirtualServer };
        }).ToImmutableArray();
        Sender.Tell(new LvsStatus(reports));
    }

    private void HandleStop()
    {
        stopRequester = Sender;
        var current = checks.Values.Select(c => c.Scheduler).ToArray();
        checks.Clear();
        watcher?.Dispose();
        watcher = null;
        schedulerStopping = true;
        // StopAsync publishes the omega scripts through the sink before it completes, so they are queued here
        // before SchedulerStopped arrives.
        StopAllAsync(current, probes).PipeTo(Self, success: () => SchedulerStopped.Instance, failure: _ => SchedulerStopped.Instance);

        // The probes last: a scheduler's stop leaves the rounds of probes it shared running; this waits for them.
        static async Task StopAllAsync(HealthCheckScheduler[] schedulers, SharedProbes probes)
        {
            await Task.WhenAll(schedulers.Select(c => c.DisposeAsync().AsTask())).ConfigureAwait(false);
            await probes.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void ReplyIfStopped()
    {
        if (stopRequester is null || schedulerStopping || running.Count > 0)
            return;
        stopRequester.Tell(HealthChecksStopped.Instance);
        stopRequester = null;
    }

    /// <summary>The running checks of one virtual service.</summary>
    private sealed record Checks(HealthCheckScheduler Scheduler, DecisionSink Sink)
    {
        /// <summary>Stops the checks without publishing anything more (reload, abrupt stop).</summary>
        public void Discard()
        {
            Sink.Close();
            _ = Scheduler.DisposeAsync().AsTask();
        }
    }

    /// <summary>A tracked file now reads <paramref name="Number"/> (from the watcher's thread).</summary>
    private sealed record TrackedFileChanged(string Path, long Number);

    private sealed record ScriptFinished(RunScript Script, int? ExitStatus, string? Problem);

    private sealed record SchedulerStopped
    {
        public static readonly SchedulerStopped Instance = new();
    }

    /// <summary>Turns the scheduler's callbacks (any thread) into messages to the actor; closed on reload and stop.</summary>
    private sealed class DecisionSink(IActorRef target) : IHealthDecisionSink
    {
        private volatile bool closed;

        public void Close() => closed = true;

        public void Publish(IReadOnlyList<HealthDecision> decisions)
        {
            if (!closed)
                target.Tell(new HealthDecisions(decisions.ToArray()));
        }

        public void Notice(HealthNotice notice)
        {
            if (!closed)
                target.Tell(notice);
        }
    }
}
