using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using LvsHa.Config;
using LvsHa.Director.Lvs;
using LvsHa.Director.Membership;
using LvsHa.Netlink;
using LvsHa.Netlink.Route;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsHa.Director.Bgp;

/// <summary>
/// Announces this director's `announce bgp` VIPs through a BIRD 2 daemon it starts, configures and stops: a VIP is
/// announced while the IPVS table can forward it (<see cref="ForwardableVips"/> from the reconciler) and, under the
/// majority guard, while this director has the majority; everything is withdrawn when it stops. The VIPs sit on `lo`
/// so the kernel takes their packets and IPVS sees them. BIRD runs as a child in the foreground; if it exits it is
/// restarted and reads the current routes from its file. Commands go over BIRD's control socket, off the actor's
/// thread; one at a time, the latest state wins. A reload (<see cref="ReloadBgp"/>) changes BIRD's sessions and the
/// announced addresses in place: BIRD re-reads its file, restarting only the sessions whose settings changed.
/// </summary>
public sealed class BgpAnnouncerActor : ReceiveActor, IWithTimers
{
    private static readonly EventId Announced = new(4800, "BgpAnnounced");
    private static readonly EventId Withdrawn = new(4801, "BgpWithdrawn");
    private static readonly EventId DaemonProblem = new(4802, "BgpDaemonProblem");
    private static readonly EventId DaemonOutput = new(4803, "BgpDaemonOutput");
    private static readonly EventId Loopback = new(4804, "BgpLoopback");

    // Failed attempts to reach a BIRD that is starting are expected; say so only when it keeps failing.
    private const int QuietFailures = 5;

    private static readonly EventId Reloaded = new(4805, "BgpReloaded");

    private BgpSettings bgp;
    // The running configuration's `announce bgp` addresses.
    private ImmutableHashSet<IPAddress> announceable;
    private readonly IAddressManager? addresses;
    private readonly IActorRef? majority;
    private readonly BgpAnnouncerOptions options;
    private readonly ILogger logger;
    // Who waits for BIRD to take the current state: a stop (RoutesWithdrawn) or a drain (its status).
    private readonly List<(IActorRef To, bool Stop)> waiters = [];
    private readonly string configFile;
    private readonly string socketPath;
    private readonly string pidFile;
    private ImmutableHashSet<IPAddress> forwardable = [];
    // What BIRD last took: the routes and the settings its file was rendered with.
    private ImmutableHashSet<IPAddress>? taken;
    private BgpSettings? takenWith;
    // A route is announced only once its VIP is on lo (before that the kernel would not hand its packets to IPVS):
    // `ready` are the VIPs whose step on lo is done, `onLoopback` those the announcer put there (removed again).
    private ImmutableHashSet<IPAddress> ready = [];
    private ImmutableHashSet<IPAddress> onLoopback = [];
    private bool minority;
    private bool drained;
    private bool stopping;
    private bool applying;
    private bool pending;
    private int failures;
    private int startFailures;
    private Process? bird;
    // Changes to lo run off the actor's thread, one after another (they share one netlink socket).
    private Task loopbackWork = Task.CompletedTask;

    /// <summary>Creates the actor; see <see cref="Props"/>.</summary>
    public BgpAnnouncerActor(LvsHaConfig config, IAddressManager? addresses, IActorRef? majority, BgpAnnouncerOptions options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        bgp = config.Bgp ?? throw new ArgumentException("the configuration has no bgp block", nameof(config));
        announceable = BgpAnnouncements.Announceable(config);
        this.addresses = addresses;
        this.majority = majority;
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.logger = logger ?? NullLogger.Instance;
        configFile = Path.Combine(options.RunDirectory, "bird.conf");
        socketPath = Path.Combine(options.RunDirectory, "bird.ctl");
        pidFile = Path.Combine(options.RunDirectory, "bird.pid");

        Receive<ForwardableVips>(m =>
        {
            forwardable = m.Vips;
            Apply();
        });
        Receive<ReloadBgp>(HandleReload);
        Receive<QuorumChanged>(m =>
        {
            minority = !m.HasMajority;
            Apply();
        });
        Receive<WithdrawRoutes>(_ =>
        {
            stopping = true;
            waiters.Add((Sender, true));
            Apply();
        });
        Receive<DrainDirector>(m =>
        {
            drained = m.Drain;
            waiters.Add((Sender, false));
            Apply();
        });
        Receive<Applied>(HandleApplied);
        Receive<LoopbackReady>(m =>
        {
            // A VIP the reload dropped meanwhile comes off again once its route is gone (ReleaseDropped).
            ready = ready.Union(m.Tried);
            onLoopback = onLoopback.Union(m.Added);
            Apply();
        });
        Receive<BirdExited>(HandleBirdExited);
        Receive<Retry>(_ => Apply());
        Receive<StartBird>(_ => StartDaemon());
        Receive<GetBgpStatus>(_ => ReportStatus(Sender));
    }

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for the actor: <paramref name="majority"/> is the majority tracker when the guard applies, else null.</summary>
    public static Props Props(LvsHaConfig config, IAddressManager? addresses, IActorRef? majority, BgpAnnouncerOptions options, ILogger? logger) =>
        Akka.Actor.Props.Create(() => new BgpAnnouncerActor(config, addresses, majority, options, logger));

    /// <inheritdoc/>
    protected override void PreStart()
    {
        // A failure here must not stop the actor (status and the stop ask it): BIRD's start then fails, is logged
        // and retried.
        try
        {
            Directory.CreateDirectory(options.RunDirectory);
            StopStaleDaemon();
            WriteConfig(configFile, BirdConfig.Render(bgp, []));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogError(DaemonProblem, "BGP: cannot write BIRD's configuration in {Folder}: {Reason}", options.RunDirectory, e.Message);
        }
        StartDaemon();
        PlaceOnLoopback(announceable);
        majority?.Tell(new SubscribeQuorum(Self));
    }

    /// <inheritdoc/>
    protected override void PostStop()
    {
        // `down` makes BIRD close its sessions with a Cease, so the routers drop this director's routes at once.
        if (bird is { HasExited: false } running)
        {
            try
            {
                BirdControl.RunAsync(socketPath, "down", CancellationToken.None).Wait(TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is AggregateException or SocketException or IOException or BirdException)
            {
                // Killed below.
            }
            if (!running.WaitForExit(TimeSpan.FromSeconds(3)))
                running.Kill();
            running.Dispose();
        }
        if (addresses is not null && !onLoopback.IsEmpty)
            InTurn(addresses, onLoopback, RemoveFromLoopbackAsync).Wait(TimeSpan.FromSeconds(3));
    }

    // The sessions come from BIRD, off the actor's thread; the answer says what the actor knew when asked.
    private void ReportStatus(IActorRef to)
    {
        var (announced, forwardableNow, drainedNow, minorityNow, socket, settings) =
            (Prefixes(taken ?? []).ToImmutableArray(), Prefixes(forwardable.Intersect(announceable)).ToImmutableArray(), drained, minority, socketPath, bgp);
        var running = bird is { HasExited: false };
        Task.Run(async () =>
        {
            ImmutableArray<BgpSessionStatus> sessions = [];
            if (running)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    sessions = [.. BirdConfig.Sessions(settings, await BirdControl.RunAsync(socket, "show protocols", timeout.Token).ConfigureAwait(false))];
                }
                catch (Exception e) when (e is SocketException or IOException or BirdException or OperationCanceledException)
                {
                    // Reported as no sessions: BIRD is (re)starting.
                }
            }
            return new BgpStatus(announced, forwardableNow, drainedNow, minorityNow, sessions);
        }).PipeTo(to);
    }

    private void Apply()
    {
        if (applying)
        {
            pending = true;
            return;
        }
        var target = stopping ? [] : BgpAnnouncements.Announced(forwardable.Intersect(announceable).Intersect(ready), drained, minority);
        if (taken is not null && taken.SetEquals(target) && ReferenceEquals(takenWith, bgp))
        {
            ReleaseDropped();
            AnswerWaiters();
            return;
        }
        if (bird is null or { HasExited: true })
        {
            // Nothing is announced without BIRD; a drain is answered once it runs again and took the state.
            if (stopping)
                AnswerWaiters();
            return;
        }
        applying = true;
        var settings = bgp;
        var text = BirdConfig.Render(settings, target);
        var (file, socket) = (configFile, socketPath);
        Task.Run(async () =>
        {
            try
            {
                WriteConfig(file, text);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await BirdControl.ConfigureAsync(socket, file, timeout.Token).ConfigureAwait(false);
                return new Applied(target, settings, null);
            }
            catch (Exception e) when (e is SocketException or IOException or BirdException or OperationCanceledException or UnauthorizedAccessException)
            {
                return new Applied(target, settings, e);
            }
        }).PipeTo(Self);
    }

    // BIRD's configuration is written whole, to a new file renamed over the old one: the first announcement rewrites
    // it while a BIRD started a moment before may still be reading it, and a BIRD that read it truncated exited with
    // "No protocol is specified in the config file" (a CI round in the VM).
    private static void WriteConfig(string file, string text)
    {
        var next = file + ".next";
        File.WriteAllText(next, text);
        File.Move(next, file, overwrite: true);
    }

    private void HandleApplied(Applied applied)
    {
        applying = false;
        if (applied.Error is { } error)
        {
            failures++;
            if (failures == QuietFailures || failures % 300 == 0)
                logger.LogWarning(DaemonProblem, "BGP: BIRD at {Socket} did not take the routes ({Failures} attempts): {Reason}; retrying every {Delay}",
                    socketPath, failures, error.Message, options.RetryDelay);
            Timers.StartSingleTimer("retry", Retry.Instance, failures < QuietFailures ? TimeSpan.FromMilliseconds(200) : options.RetryDelay);
            return;
        }
        failures = 0;
        var before = taken ?? [];
        taken = applied.Target;
        takenWith = applied.Settings;
        ReleaseDropped();
        foreach (var vip in BgpAnnouncements.InRouteOrder(applied.Target.Except(before)))
            logger.LogInformation(Announced, "BGP: announcing {Route} to {Neighbors} (IPVS can forward it)", BgpAnnouncements.Prefix(vip), NeighborList());
        foreach (var vip in BgpAnnouncements.InRouteOrder(before.Except(applied.Target)))
            logger.LogInformation(Withdrawn, "BGP: withdrew {Route} from {Neighbors} ({Reason})", BgpAnnouncements.Prefix(vip), NeighborList(), WithdrawalReason(vip));
        if (pending)
        {
            pending = false;
            Apply();
        }
        else
        {
            AnswerWaiters();
        }
    }

    private string WithdrawalReason(IPAddress vip) =>
        stopping ? "the director is stopping"
        : drained ? "the director is drained: lvsha drain --director"
        : minority ? "this director lost the majority of the cluster"
        : !announceable.Contains(vip) ? "its virtual server no longer says announce bgp"
        : "no real server can take its traffic";

    // Called once BIRD holds the wanted state, or has died (a dead BIRD announces nothing: its sessions are gone).
    private void AnswerWaiters()
    {
        foreach (var (to, stop) in waiters)
        {
            if (stop)
                to.Tell(RoutesWithdrawn.Instance);
            else
                ReportStatus(to);
        }
        waiters.Clear();
    }

    private void HandleBirdExited(BirdExited exited)
    {
        if (!ReferenceEquals(exited.Process, bird))
            return;
        taken = null;
        takenWith = null;
        bird.Dispose();
        bird = null;
        if (stopping)
        {
            AnswerWaiters();
            return;
        }
        logger.LogError(DaemonProblem, "BGP: BIRD exited with code {Code}; its sessions are down and the routers withdraw this director's routes; restarting it in {Delay}",
            exited.Code, options.RetryDelay);
        Timers.StartSingleTimer("start", StartBird.Instance, options.RetryDelay);
    }

    // The reloaded configuration: new settings are rendered into BIRD's file at once (BIRD restarts only the sessions
    // they change), a newly announced VIP goes on lo first, a dropped one is withdrawn and then comes off lo.
    private void HandleReload(ReloadBgp reload)
    {
        if (VirtualServerFingerprint.OfBlock(reload.Bgp) != VirtualServerFingerprint.OfBlock(bgp))
        {
            logger.LogInformation(Reloaded, "BGP: bgp block reloaded: BIRD re-reads it, restarting the sessions whose settings changed (neighbors now {Neighbors})",
                string.Join(", ", reload.Bgp.Neighbors.Select(n => n.Address)));
            bgp = reload.Bgp;
        }
        var added = reload.Announceable.Except(announceable);
        announceable = reload.Announceable;
        ready = ready.Intersect(announceable);
        PlaceOnLoopback(added);
        Apply();
    }

    private void PlaceOnLoopback(ImmutableHashSet<IPAddress> vips)
    {
        if (vips.IsEmpty)
            return;
        if (addresses is null)
            ready = ready.Union(vips);
        else
            InTurn(addresses, vips, PutOnLoopbackAsync).PipeTo(Self);
    }

    // The VIPs this announcer put on lo that the running configuration no longer announces, once BIRD holds no route
    // for them.
    private void ReleaseDropped()
    {
        var dropped = onLoopback.Except(announceable).Except(taken ?? []);
        if (dropped.IsEmpty || addresses is null)
            return;
        onLoopback = onLoopback.Except(dropped);
        logger.LogInformation(Loopback, "BGP: taking {Vips} off lo (no longer announced)", string.Join(", ", BgpAnnouncements.InRouteOrder(dropped)));
        _ = InTurn(addresses, dropped, RemoveFromLoopbackAsync);
    }

    private Task<T> InTurn<T>(IAddressManager on, ImmutableHashSet<IPAddress> vips, Func<IAddressManager, ImmutableHashSet<IPAddress>, ILogger, Task<T>> work)
    {
        var log = logger;
        var next = loopbackWork.ContinueWith(_ => work(on, vips, log), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        loopbackWork = next;
        return next;
    }

    private void StartDaemon()
    {
        var info = new ProcessStartInfo(options.BirdPath) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-f", "-c", configFile, "-s", socketPath, "-P", pidFile })
            info.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // Once, then about every minute while it lasts.
            if (startFailures++ % 60 == 0)
                logger.LogError(DaemonProblem, "BGP: cannot start BIRD ({Bird}): {Reason}; retrying every {Delay} ({Failures} attempts)",
                    options.BirdPath, e.Message, options.RetryDelay, startFailures);
            Timers.StartSingleTimer("start", StartBird.Instance, options.RetryDelay);
            return;
        }
        startFailures = 0;
        var log = logger;
        DataReceivedEventHandler forward = (_, e) =>
        {
            // BIRD logs only warnings and worse here, except its own orderly end, which it calls FATAL.
            if (!string.IsNullOrWhiteSpace(e.Data))
                log.Log(e.Data.EndsWith("Shutdown completed", StringComparison.Ordinal) ? LogLevel.Information : LogLevel.Warning,
                    DaemonOutput, "BGP: BIRD says: {Line}", e.Data);
        };
        process.OutputDataReceived += forward;
        process.ErrorDataReceived += forward;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var self = Self;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => self.Tell(new BirdExited(process, process.ExitCode));
        bird = process;
        Apply();
    }

    // A BIRD left by an earlier run that was killed (its socket and pid file are ours): it would keep announcing.
    private void StopStaleDaemon()
    {
        try
        {
            if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                return;
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            if (!cmdline.Contains(socketPath, StringComparison.Ordinal))
                return;
            using var stale = Process.GetProcessById(pid);
            stale.Kill();
            stale.WaitForExit(3000);
            logger.LogWarning(DaemonProblem, "BGP: stopped BIRD pid {Pid} left by an earlier run", pid);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            // No such process (any more): nothing to stop.
        }
    }

    private string NeighborList() => string.Join(", ", bgp.Neighbors.Select(n => n.Address));

    private static IEnumerable<string> Prefixes(ImmutableHashSet<IPAddress> vips) => BgpAnnouncements.InRouteOrder(vips).Select(BgpAnnouncements.Prefix);

    /// <summary>Puts each VIP on `lo` unless it is there already; returns those it added (removed again at stop).</summary>
    private static async Task<LoopbackReady> PutOnLoopbackAsync(IAddressManager addresses, ImmutableHashSet<IPAddress> vips, ILogger logger)
    {
        var added = ImmutableHashSet.CreateBuilder<IPAddress>();
        try
        {
            var lo = await addresses.GetLinkAsync("lo").ConfigureAwait(false) ?? throw new IOException("no interface lo");
            foreach (var vip in vips)
            {
                try
                {
                    await addresses.AddAddressAsync(LoopbackAddress(lo.Index, vip)).ConfigureAwait(false);
                    added.Add(vip);
                }
                catch (NetlinkException e) when (e.Errno == 17)
                {
                    // EEXIST: the operator put it there; it stays when the director stops.
                }
            }
        }
        catch (Exception e)
        {
            // Any failure is reported and the announcer goes on: routes are announced, the VIPs are the operator's.
            logger.LogError(Loopback, "BGP: cannot put the announced VIPs on lo ({Reason}): IPVS sees their packets only if the operator does", e.Message);
        }
        return new LoopbackReady(vips, added.ToImmutable());
    }

    // True when every VIP came off.
    private static async Task<bool> RemoveFromLoopbackAsync(IAddressManager addresses, ImmutableHashSet<IPAddress> vips, ILogger logger)
    {
        try
        {
            var lo = await addresses.GetLinkAsync("lo").ConfigureAwait(false) ?? throw new IOException("no interface lo");
            foreach (var vip in vips)
                await addresses.DeleteAddressAsync(LoopbackAddress(lo.Index, vip)).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is NetlinkException or IOException)
        {
            logger.LogWarning(Loopback, "BGP: removing {Vips} from lo failed: {Reason}", string.Join(", ", BgpAnnouncements.InRouteOrder(vips)), e.Message);
            return false;
        }
    }

    private static InterfaceAddress LoopbackAddress(int index, IPAddress vip) =>
        new(index, vip, vip.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32, Scope: AddressScope.Host);

    private sealed record Applied(ImmutableHashSet<IPAddress> Target, BgpSettings Settings, Exception? Error);

    // Tried: the VIPs whose step on lo is done (put there, found there, or failed and reported); Added: those put there.
    private sealed record LoopbackReady(ImmutableHashSet<IPAddress> Tried, ImmutableHashSet<IPAddress> Added);

    private sealed record BirdExited(Process Process, int Code);

    private sealed record Retry
    {
        public static readonly Retry Instance = new();
    }

    private sealed record StartBird
    {
        public static readonly StartBird Instance = new();
    }
}
