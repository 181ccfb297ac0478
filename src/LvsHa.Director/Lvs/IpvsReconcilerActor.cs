using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using LvsHa.Config;
using LvsHa.Health.State;
using LvsHa.Ipvs;
using LvsHa.Netlink.Ipvs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsHa.Director.Lvs;

/// <summary>
/// Owns the kernel's IPVS table for the configured virtual services. At start it reads the table once and applies
/// the minimal plan to reach keepalived's start-up table (matching entries are adopted, so existing connections
/// survive). Each health decision becomes one small batch computed from the affected virtual server's entries only.
/// Every <see cref="IpvsReconcilerOptions.DriftRepairInterval"/> it reads the table again and repairs what differs.
/// Kernel writes are serialised: one batch at a time, later messages wait their turn. A drift read is no write: health
/// decisions go to the kernel while it runs (a table of 10,000 services takes seconds to read in a slow VM), and the
/// services they touched meanwhile are taken from what the kernel acknowledged, not from the read. Netlink calls are
/// synchronous (<see cref="IpvsClient"/>), so every kernel call runs on the thread pool, never on the actor's thread.
/// </summary>
public sealed class IpvsReconcilerActor : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    // Director LVS EventIds: 4500-4599 (Health has 4000-4099).
    private static readonly EventId Started = new(4500, "IpvsStarted");
    private static readonly EventId Changed = new(4501, "IpvsChanged");
    private static readonly EventId Refused = new(4502, "IpvsRefused");
    private static readonly EventId DriftRepaired = new(4503, "IpvsDriftRepaired");
    private static readonly EventId KernelUnreachable = new(4504, "IpvsKernelUnreachable");
    private static readonly EventId Reloaded = new(4505, "IpvsReloaded");
    private static readonly EventId Released = new(4506, "IpvsReleased");
    private static readonly EventId Suspension = new(4507, "IpvsHaSuspend");
    private static readonly EventId Timeouts = new(4509, "IpvsTimeouts");

    /// <summary>The kernel's own connection timeouts (tcp, tcpfin, udp), restored when a reload drops lvs_timeouts.</summary>
    internal static readonly IpvsTimeouts KernelDefaultTimeouts = new(900, 120, 300);

    /// <summary>A refusal that repeats is logged as a warning once, then every this many refusals (about 5 min of drift repairs).</summary>
    internal const int RefusalRepeatsPerWarning = 60;

    private readonly IIpvs ipvs;
    private readonly IpvsReconcilerOptions options;
    private readonly ILogger logger;
    private readonly Queue<HealthDecision> decisions = new();
    private readonly IActorRef? announcer;
    private LvsHaConfig config;
    private LiveServiceHealth health;
    private IpvsTable kernel = IpvsTable.Empty;
    private bool started;
    private bool driftDue;

    // The drift read under way, if any, and the services health decisions changed since it began: the read may have
    // seen those before or after the change, so what the kernel acknowledged for them is the truer picture.
    private DriftRead? driftRead;

    // Counts the whole-table writes (start-up, reload, ha_suspend) that a drift read started before must not undo.
    private int tableGeneration;
    private DateTimeOffset? lastDriftCheck;
    private IReadOnlySet<IPAddress> localAddresses = new HashSet<IPAddress>();

    // Operations the kernel refused and that are retried (ipvsadm text -> refusals so far). A refusal that lasts
    // (an address the kernel will never take) would otherwise log a warning at every drift repair.
    private readonly Dictionary<string, int> refusedOperations = new(StringComparer.Ordinal);

    /// <summary>Creates the actor; see <see cref="Props"/>.</summary>
    /// <param name="announcer">The <see cref="Bgp.BgpAnnouncerActor"/> that hears which `announce bgp` VIPs the kernel
    /// can forward after each write, or null.</param>
    public IpvsReconcilerActor(IIpvs ipvs, LvsHaConfig config, IpvsReconcilerOptions? options = null, ILogger? logger = null, IActorRef? announcer = null)
    {
        ArgumentNullException.ThrowIfNull(ipvs);
        ArgumentNullException.ThrowIfNull(config);
        this.ipvs = ipvs;
        this.config = config;
        this.options = options ?? new IpvsReconcilerOptions();
        this.logger = logger ?? NullLogger.Instance;
        this.announcer = announcer;
        health = new LiveServiceHealth(HealthSettingsMapper.Map(config));
        Busy();
    }

    /// <inheritdoc/>
    public IStash Stash { get; set; } = null!;

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for the actor.</summary>
    public static Props Props(IIpvs ipvs, LvsHaConfig config, IpvsReconcilerOptions? options = null, ILogger? logger = null, IActorRef? announcer = null) =>
        Akka.Actor.Props.Create(() => new IpvsReconcilerActor(ipvs, config, options, logger, announcer));

    /// <inheritdoc/>
    protected override void PreStart()
    {
        // keepalived's start-up state (alpha real servers out, sorry server if starting without quorum, FILE_CHECKs
        // as their files say); the scheduler's first decisions say the same, so they change nothing afterwards.
        var wanted = Wanted(config.VirtualServers, health);
        if (Kernel(config.Global.LvsTimeouts) is { } timeouts)
            _ = SetTimeoutsAsync(timeouts);
        OffActor(() => SyncAsync(ipvs, wanted, null, SyncKind.Startup));
        // Drift bound: a change made behind LvsHa's back is repaired at most DriftRepairInterval + one batch in
        // flight + one read-and-apply after it happened (a tick during a batch runs right after the batch).
        Timers.StartPeriodicTimer("drift", RepairDrift.Instance, options.DriftRepairInterval);
    }

    private void Ready()
    {
        Receive<HealthDecisions>(HandleDecisions);
        Receive<RepairDrift>(_ => HandleRepairDrift());
        Receive<DriftRead>(HandleDriftRead);
        Receive<ReloadConfig>(HandleReload);
        Receive<ReleaseTable>(_ => HandleRelease());
        Receive<GetIpvsState>(_ => HandleGetState());
        Receive<DrainRealServer>(HandleDrain);
        Receive<LocalAddresses>(HandleLocalAddresses);
    }

    private void Busy()
    {
        Receive<BatchCompleted>(HandleBatchCompleted);
        Receive<SyncCompleted>(HandleSyncCompleted);
        Receive<ReleaseCompleted>(HandleReleaseCompleted);
        // A drift tick while the kernel is being written is not lost: the repair runs right after.
        Receive<RepairDrift>(_ => driftDue = true);
        Receive<GetIpvsState>(_ => HandleGetState());
        ReceiveAny(_ => Stash.Stash());
    }

    private void Finished()
    {
        Receive<GetIpvsState>(_ => HandleGetState());
        Receive<ReleaseTable>(_ => Sender.Tell(new TableReleased([], 0)));
        ReceiveAny(_ => { });
    }

    private void HandleDecisions(HealthDecisions message)
    {
        foreach (var decision in message.Decisions)
            decisions.Enqueue(decision);
        ProcessNext();
    }

    /// <summary>Turns queued decisions into batches until one needs the kernel; then waits for its answer.</summary>
    private void ProcessNext()
    {
        while (decisions.TryDequeue(out var decision))
        {
            var virtualServer = health.Apply(decision);
            if (virtualServer is null)
                continue;
            // Only the affected virtual server's services are compared, against what the kernel was last seen to
            // hold: a health change never costs a table dump.
            var wanted = Wanted([virtualServer], health);
            var current = IpvsTableChanges.Only(kernel, IpvsTableChanges.Keys(wanted));
            var plan = IpvsReconciler.Plan(wanted, current);
            if (plan.IsEmpty)
                continue;
            NoteTouched(plan);
            BecomeBusy();
            OffActor(() => ExecuteAsync(ipvs, $"health: {decision.GetType().Name}", plan));
            return;
        }
        if (driftDue)
            HandleRepairDrift();
    }

    private void HandleDrain(DrainRealServer message)
    {
        var matched = health.SetDrained(message.VirtualService, message.Address, message.Port, message.Drain);
        Sender.Tell(new DrainApplied([.. matched.Select(m => new DrainedRealServer(m.VirtualService, m.RealServer))]));
        var virtualServers = matched.Select(m => m.VirtualServer).Distinct().ToList();
        if (virtualServers.Count == 0)
            return;
        var wanted = Wanted(virtualServers, health);
        var plan = IpvsReconciler.Plan(wanted, IpvsTableChanges.Only(kernel, IpvsTableChanges.Keys(wanted)));
        if (plan.IsEmpty)
            return;
        NoteTouched(plan);
        BecomeBusy();
        var cause = $"{(message.Drain ? "drain" : "undrain")} {message.Address}{(message.Port is { } port ? $":{port}" : "")}";
        OffActor(() => ExecuteAsync(ipvs, cause, plan));
    }

    // Starts a drift read unless one is under way; the actor stays free for health decisions meanwhile.
    private void HandleRepairDrift()
    {
        driftDue = false;
        if (driftRead is not null)
            return;
        var read = driftRead = new DriftRead(tableGeneration);
        OffActor(async () =>
        {
            try
            {
                return read with { Actual = await IpvsTable.ReadAsync(ipvs).ConfigureAwait(false) };
            }
            catch (Exception e)
            {
                return read with { Error = e };
            }
        });
    }

    // The read is done: compare it, with the services changed meanwhile as the kernel acknowledged them, against the
    // table wanted now, and repair the difference as one batch.
    private void HandleDriftRead(DriftRead read)
    {
        // One read at a time (HandleRepairDrift): this is the one under way.
        driftRead = null;
        if (read.Generation != tableGeneration)
            return; // a start-up, reload or ha_suspend sync rewrote the table after this read began; the next tick reads again
        if (read.Actual is not { } actual)
        {
            HandleSyncCompleted(new SyncCompleted(SyncKind.Drift, null, [], read.Error));
            return;
        }
        var seen = IpvsTableChanges.Merge(actual, kernel, read.Touched);
        var plan = IpvsReconciler.Plan(Wanted(config.VirtualServers, health), seen, ReconcileScope.ManagedOnly, null);
        BecomeBusy();
        OffActor(async () =>
        {
            var batch = await ExecuteAsync(ipvs, null, plan).ConfigureAwait(false);
            return new SyncCompleted(SyncKind.Drift, seen, batch.Results, batch.Error);
        });
    }

    private void NoteTouched(IEnumerable<IpvsOperation> plan)
    {
        if (driftRead is { } read)
            read.Touched.UnionWith(plan.Select(IpvsTableChanges.ServiceOf));
    }

    private void HandleReload(ReloadConfig message)
    {
        // Services of the old configuration that the new one drops are deleted: LvsHa programmed them. Services
        // another tool owns are never touched. Unchanged virtual servers keep their health state (their checks keep
        // running in LvsHealthActor); new or changed ones start from keepalived's start-up state.
        var formerlyManaged = IpvsTableChanges.Keys(WantedTable.Build(config, health));
        var before = HealthSettingsMapper.Map(config);
        var after = HealthSettingsMapper.Map(message.Config);
        var next = new LiveServiceHealth(after);
        next.CarryOver(health, VirtualServerFingerprint.Unchanged(before, after));
        if (Kernel(message.Config.Global.LvsTimeouts) is var timeouts && timeouts != Kernel(config.Global.LvsTimeouts))
            _ = SetTimeoutsAsync(timeouts ?? KernelDefaultTimeouts);
        config = message.Config;
        health = next;
        tableGeneration++;
        BecomeBusy();
        var wanted = Wanted(config.VirtualServers, health);
        OffActor(() => SyncAsync(ipvs, wanted, formerlyManaged, SyncKind.Reload));
    }

    /// <summary>lvs_timeouts as the kernel takes them (0 leaves a timeout as it is); null when not configured.</summary>
    private static IpvsTimeouts? Kernel(LvsTimeouts? timeouts) => timeouts is null
        ? null
        : new((uint)(timeouts.Tcp ?? 0), (uint)(timeouts.TcpFin ?? 0), (uint)(timeouts.Udp ?? 0));

    /// <summary>Sets the kernel's connection timeouts (ipvsadm --set); one line either way, never throws.</summary>
    private async Task SetTimeoutsAsync(IpvsTimeouts timeouts)
    {
        try
        {
            await ipvs.SetTimeoutsAsync(timeouts).ConfigureAwait(false);
            logger.LogInformation(Timeouts, "lvs_timeouts: IPVS connection timeouts set to tcp {Tcp} tcpfin {TcpFin} udp {Udp} (0: unchanged)",
                timeouts.Tcp, timeouts.TcpFin, timeouts.Udp);
        }
        catch (Exception e) when (e is LvsHa.Netlink.NetlinkException or IOException or OperationCanceledException)
        {
            logger.LogWarning(Timeouts, "lvs_timeouts: the kernel refused tcp {Tcp} tcpfin {TcpFin} udp {Udp}: {Reason}",
                timeouts.Tcp, timeouts.TcpFin, timeouts.Udp, e.Message);
        }
    }

    private void HandleRelease()
    {
        var replyTo = Sender;
        if (!options.RemoveServicesOnStop)
        {
            logger.LogInformation(Released, "Leaving {Count} virtual services in the kernel", kernel.Entries.Length);
            replyTo.Tell(new TableReleased([], 0));
            Become(Finished);
            return;
        }
        var managed = IpvsTableChanges.Keys(WantedTable.Build(config, health));
        var plan = kernel.Entries.Where(e => managed.Contains(IpvsKeys.Normalize(e.Service.Key)))
            .Select(e => (IpvsOperation)new IpvsOperation.DeleteService(e.Service.Key)).ToImmutableArray();
        BecomeBusy();
        OffActor(() => ReleaseAsync(ipvs, plan, replyTo));
    }

    /// <summary>
    /// The table <paramref name="virtualServers"/> call for, without the ha_suspend ones whose address this director
    /// does not hold (keepalived programs such a service only while its VIP is local).
    /// </summary>
    private IpvsTable Wanted(IReadOnlyList<VirtualServer> virtualServers, IServiceHealth state) =>
        WantedTable.Build(config with { VirtualServers = [.. virtualServers.Where(IsActive)] }, state);

    private bool IsActive(VirtualServer virtualServer) =>
        !virtualServer.HaSuspend || (virtualServer.Address is { } address && localAddresses.Contains(address));

    private void HandleLocalAddresses(LocalAddresses message)
    {
        var suspendedBefore = config.VirtualServers.Where(v => !IsActive(v)).ToHashSet();
        localAddresses = message.Addresses;
        var suspendedAfter = config.VirtualServers.Where(v => !IsActive(v)).ToHashSet();
        if (suspendedBefore.SetEquals(suspendedAfter))
            return;
        foreach (var resumed in suspendedBefore.Except(suspendedAfter))
            logger.LogInformation(Suspension, "ha_suspend: {VirtualService} resumed (its address is on this director)", resumed.Name);
        foreach (var suspended in suspendedAfter.Except(suspendedBefore))
            logger.LogInformation(Suspension, "ha_suspend: {VirtualService} suspended (its address left this director)", suspended.Name);
        // Every managed service may be touched: the suspended ones leave the kernel, the resumed ones return.
        tableGeneration++;
        BecomeBusy();
        var managed = IpvsTableChanges.Keys(WantedTable.Build(config, health));
        var wanted = Wanted(config.VirtualServers, health);
        OffActor(() => SyncAsync(ipvs, wanted, managed, SyncKind.Suspension));
    }

    private void HandleGetState() =>
        Sender.Tell(new IpvsState(started, kernel, Wanted(config.VirtualServers, health), lastDriftCheck)
        {
            Drained = [.. health.Drained.Select(d => new DrainedRealServer(d.VirtualService, d.RealServer))],
        });

    private void HandleBatchCompleted(BatchCompleted message)
    {
        if (message.Error is { } error)
        {
            logger.LogError(KernelUnreachable, error, "IPVS batch for {Decision} failed; the drift repair retries it", message.Cause);
        }
        else
        {
            foreach (var result in message.Results)
                LogResult(result, Changed, message.Cause ?? "-");
            kernel = IpvsTableChanges.Apply(kernel, message.Results);
        }
        BecomeReady();
        ProcessNext();
    }

    private void HandleSyncCompleted(SyncCompleted message)
    {
        if (message.Kind == SyncKind.Startup)
            started = true;
        if (message.Actual is null)
        {
            logger.LogError(KernelUnreachable, message.Error, "Reading the IPVS table for {Kind} failed; retrying in {Interval}",
                message.Kind, options.DriftRepairInterval);
        }
        else
        {
            lastDriftCheck = DateTimeOffset.UtcNow;
            var eventId = message.Kind switch
            {
                SyncKind.Drift => DriftRepaired,
                SyncKind.Reload => Reloaded,
                SyncKind.Suspension => Suspension,
                _ => Started,
            };
            foreach (var result in message.Results)
                LogResult(result, eventId, message.Kind.ToString());
            // A full comparison retried everything still wanted: a refusal it did not meet again is no longer
            // wanted (reloaded away), so the next refusal of that operation is news again.
            if (message.Error is null)
            {
                var refusedNow = message.Results.Where(r => r.Error is not null).Select(r => IpvsCommandText.Format(r.Operation)).ToHashSet(StringComparer.Ordinal);
                foreach (var gone in refusedOperations.Keys.Where(k => !refusedNow.Contains(k)).ToList())
                    refusedOperations.Remove(gone);
            }
            kernel = IpvsTableChanges.Apply(message.Actual, message.Results);
            if (message.Error is not null)
                logger.LogError(KernelUnreachable, message.Error, "Writing the IPVS table for {Kind} failed; retrying in {Interval}",
                    message.Kind, options.DriftRepairInterval);
            else
            {
                // The whole table was just read and repaired: a drift tick that came meanwhile is answered, and the
                // next one is a full interval away. Otherwise a long start-up (thousands of services in a slow VM)
                // was followed at once by a whole-table read that held back the first health decisions for seconds.
                driftDue = false;
                Timers.StartPeriodicTimer("drift", RepairDrift.Instance, options.DriftRepairInterval);
            }
            if (message.Kind == SyncKind.Startup)
                logger.LogInformation(Started, "IPVS table adopted: {Services} services found, {Operations} operations applied",
                    message.Actual.Entries.Length, message.Results.Length);
        }
        BecomeReady();
        ProcessNext();
    }

    private void HandleReleaseCompleted(ReleaseCompleted message)
    {
        foreach (var result in message.Batch.Results)
            LogResult(result, Released, "stop");
        logger.LogInformation(Released, "IPVS table released: {Deleted} virtual services deleted, {Refused} refused",
            message.Batch.Results.Count(r => r.Succeeded), message.Batch.Results.Count(r => !r.Succeeded));
        message.ReplyTo.Tell(new TableReleased([.. message.Batch.Results.Select(r => r.Operation)], message.Batch.Results.Count(r => !r.Succeeded)));
        Stash.UnstashAll();
        Become(Finished);
    }

    private void LogResult(IpvsOperationResult result, EventId eventId, string cause)
    {
        var (service, realServer) = Subject(result.Operation);
        var text = IpvsCommandText.Format(result.Operation);
        Context.System.EventStream.Publish(new Metrics.IpvsOperationReported(result.Operation, result.Error is not null, eventId.Name ?? ""));
        if (result.Error is { } error)
        {
            // Never fatal: the next drift repair (at most DriftRepairInterval away) compares again and retries.
            var refusals = refusedOperations[text] = refusedOperations.GetValueOrDefault(text) + 1;
            if (refusals == 1 || refusals % RefusalRepeatsPerWarning == 0)
            {
                logger.LogWarning(Refused, "Kernel refused {Operation} for {VirtualService} {RealServer} ({Cause}): {Error}; retrying at each drift repair ({Refusals} refusals so far)",
                    text, service, realServer, cause, error.Message, refusals);
            }
            else
            {
                logger.LogDebug(Refused, "Kernel refused {Operation} for {VirtualService} {RealServer} again ({Cause}): {Error}",
                    text, service, realServer, cause, error.Message);
            }
        }
        else if (eventId == Started || eventId == Released)
        {
            // The whole table at start and stop: one summary line (HandleSyncCompleted, HandleReleaseCompleted), each
            // operation only at debug. Thousands of lines there said nothing an operator acts on, and writing them
            // held the first health decisions back by seconds in the VM.
            refusedOperations.Remove(text);
            logger.LogDebug(eventId, "{Cause}: {Operation} for {VirtualService} {RealServer}", cause, text, service, realServer);
        }
        else
        {
            if (refusedOperations.Remove(text, out var refusals))
                logger.LogInformation(eventId, "{Cause}: {Operation} for {VirtualService} {RealServer} (accepted after {Refusals} refusals)", cause, text, service, realServer, refusals);
            else
                logger.LogInformation(eventId, "{Cause}: {Operation} for {VirtualService} {RealServer}", cause, text, service, realServer);
        }
    }

    private static (string Service, string RealServer) Subject(IpvsOperation operation) => operation switch
    {
        IpvsOperation.AddService s => (s.Service.Key.ToString(), "-"),
        IpvsOperation.UpdateService s => (s.Service.Key.ToString(), "-"),
        IpvsOperation.DeleteService s => (s.Key.ToString(), "-"),
        IpvsOperation.AddDestination d => (d.Destination.Service.ToString(), IpvsFormat.Endpoint(d.Destination.Address, d.Destination.Port)),
        IpvsOperation.UpdateDestination d => (d.Destination.Service.ToString(), IpvsFormat.Endpoint(d.Destination.Address, d.Destination.Port)),
        IpvsOperation.DeleteDestination d => (d.Service.ToString(), IpvsFormat.Endpoint(d.Address, d.Port)),
        _ => ("-", "-"),
    };

    private void BecomeBusy() => Become(Busy);

    // Netlink calls block their thread (IpvsClient answers synchronously): run them on the thread pool, so that a
    // table read of seconds holds no dispatcher thread and the actor answers status and health decisions meanwhile.
    private void OffActor<T>(Func<Task<T>> kernelWork) => Task.Run(kernelWork).PipeTo(Self);

    private void BecomeReady()
    {
        Become(Ready);
        Stash.UnstashAll();
        TellForwardable();
    }

    // After each write the kernel acknowledged: a VIP is announced only once the kernel forwards it, and withdrawn
    // as soon as it no longer can. Told every time (the announcer ignores what is no news), so an announcer that was
    // restarted hears the state again at the next drift repair at the latest.
    private void TellForwardable() =>
        announcer?.Tell(new Bgp.ForwardableVips(Bgp.BgpAnnouncements.Forwardable(config, kernel)));

    private static async Task<BatchCompleted> ExecuteAsync(IIpvs ipvs, string? cause, ImmutableArray<IpvsOperation> plan)
    {
        // Any failure of the kernel interface (socket, netlink, a bug in it) becomes a message: the actor must
        // outlive it and the drift repair retries.
        try
        {
            var results = plan.IsEmpty ? [] : await ipvs.ExecuteAsync(plan).ConfigureAwait(false);
            return new BatchCompleted(cause, [.. results], null);
        }
        catch (Exception e)
        {
            return new BatchCompleted(cause, [], e);
        }
    }

    private static async Task<ReleaseCompleted> ReleaseAsync(IIpvs ipvs, ImmutableArray<IpvsOperation> plan, IActorRef replyTo) =>
        new(await ExecuteAsync(ipvs, null, plan).ConfigureAwait(false), replyTo);

    private static async Task<SyncCompleted> SyncAsync(IIpvs ipvs, IpvsTable wanted, IReadOnlySet<IpvsServiceKey>? formerlyManaged, SyncKind kind)
    {
        IpvsTable? actual = null;
        try
        {
            actual = await IpvsTable.ReadAsync(ipvs).ConfigureAwait(false);
            var plan = IpvsReconciler.Plan(wanted, actual, ReconcileScope.ManagedOnly, formerlyManaged);
            var results = plan.IsEmpty ? [] : await ipvs.ExecuteAsync(plan).ConfigureAwait(false);
            return new SyncCompleted(kind, actual, [.. results], null);
        }
        catch (Exception e)
        {
            return new SyncCompleted(kind, actual, [], e);
        }
    }

    /// <summary>A drift read: begun at <paramref name="Generation"/>, its result, and the services changed while it ran.</summary>
    private sealed record DriftRead(int Generation)
    {
        // One set, shared by the `with` copy that carries the result back: batches add to it while the read runs.
        public HashSet<IpvsServiceKey> Touched { get; } = new();

        public IpvsTable? Actual { get; init; }

        public Exception? Error { get; init; }
    }

    /// <summary>The periodic drift repair tick.</summary>
    internal sealed record RepairDrift
    {
        public static readonly RepairDrift Instance = new();
    }

    private enum SyncKind
    {
        Startup,
        Drift,
        Reload,
        Suspension,
    }

    private sealed record BatchCompleted(string? Cause, ImmutableArray<IpvsOperationResult> Results, Exception? Error);

    private sealed record SyncCompleted(SyncKind Kind, IpvsTable? Actual, ImmutableArray<IpvsOperationResult> Results, Exception? Error);

    private sealed record ReleaseCompleted(BatchCompleted Batch, IActorRef ReplyTo);
}
