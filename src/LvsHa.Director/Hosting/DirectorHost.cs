using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Remote.Transport.DotNetty;
using LvsHa.Director.Adverts;
using LvsHa.Director.Bgp;
using LvsHa.Director.Control;
using LvsHa.Director.Instances;
using LvsHa.Director.Lvs;
using LvsHa.Director.Membership;
using LvsHa.Director.Metrics;
using LvsHa.Director.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace LvsHa.Director.Hosting;

/// <summary>
/// Builds the director daemon: a generic host with Serilog, systemd integration, the Akka ActorSystem (a cluster
/// member over mutual-TLS remoting, or a lone director), the majority tracker, the vrrp instance actors and the
/// control socket. Nothing is read from the environment, files or command line but what the options name, so
/// several directors run side by side on one machine.
/// </summary>
public static class DirectorHost
{
    /// <summary>Largest clock difference accepted between directors' advert timestamps.</summary>
    public static readonly TimeSpan AdvertMaxSkew = TimeSpan.FromSeconds(5);

    /// <summary>How long stopping instances may take (priority-0 advert, VIP removal, notify_stop).</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Exit code when secret_file cannot be used.</summary>
    public const int SecretExitCode = 2;

    /// <summary>Exit code when the director cannot start (the cluster port in use, an address not on this host).</summary>
    public const int StartFailureExitCode = 1;

    /// <summary>Exit code when this director is out of the directors' cluster (removed, an island that gave way, a stuck join) or its ActorSystem died.</summary>
    public const int ActorSystemLostExitCode = 3;

    /// <summary>
    /// Builds the host. <paramref name="configureServices"/> lets the caller add or replace services (the lead's
    /// wiring of real effects and behaviors through <see cref="DirectorPlugins"/>).
    /// </summary>
    /// <exception cref="ClusterSecretException">secret_file is missing, unreadable, too short or too open.</exception>
    public static IHost Build(DirectorOptions options, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = CreateLogger(options);

        // AkkaLogBridge writes through the process-wide Serilog logger.
        Log.Logger = root;
        var logger = root.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "LvsHa.Director");

        ClusterSecret? secret = null;
        if (options.Cluster is { } cluster)
        {
            secret = ClusterSecret.Load(cluster.SecretFile);
            logger.Information(
                "Director {Node} joining cluster on {ListenAddress}:{ListenPort} (seeds {Seeds}, split_brain_guard {Guard}, secret fingerprint {SecretFingerprint}, a silent peer unreachable within {UnreachableBound})",
                options.NodeName, cluster.ListenAddress, cluster.ListenPort, cluster.Seeds, cluster.SplitBrainGuard, secret.Fingerprint,
                cluster.FailureDetector.UnreachableBound);
        }
        else
        {
            logger.Information("Director {Node} running alone (no cluster block)", options.NodeName);
        }

        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "lvsha" });
        builder.Services.AddSystemd();
        builder.Services.AddSerilog(root, dispose: false);
        var runtime = new DirectorRuntime(options);
        builder.Services.AddSingleton(runtime);
        builder.Services.AddSingleton(new DirectorPlugins());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IStatusSource, DirectorStatusSource>();
        builder.Services.AddDirectorMetrics(options);
        builder.Services.AddDirectorWatchdog();
        builder.Services.AddHostedService<StartupPagesRelease>();
        if (options.ControlSocketPath is { } socketPath)
        {
            builder.Services.AddHostedService(sp => new ControlServer(
                socketPath, sp.GetRequiredService<IStatusSource>(), sp.GetRequiredService<ILogger<ControlServer>>(),
                sp.GetService<IDirectorCommands>()));
        }

        AkkaConfigBuilder.UseUnpooledTransportBuffers();
        builder.Services.AddHostedService(services =>
        {
            var starters = new List<Action<ActorSystem>>
            {
                system => InstallPeerFailureGate(system, options, services),
                system => DirectorMetricsHosting.Subscribe(system, services),
                system => StartActors(system, runtime, secret, services),
            };
            if (options.Cluster is { } joining)
            {
                // After the instances exist, so adverts from peers find them as soon as this director is a member.
                starters.Add(system => system.ActorOf(
                    SeedJoiner.PropsFor(AkkaConfigBuilder.SeedAddresses(joining), joining.FoundingDelay, joining.EffectiveExpectedDirectors),
                    SeedJoiner.Name));
            }

            Akka.Actor.Setup.Setup[] setups = secret is null ? [] : [TlsSetup(secret, logger)];
            return new ActorSystemService(
                AkkaConfigBuilder.Build(options), setups, starters, services.GetRequiredService<IHostApplicationLifetime>());
        });

        configureServices?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>Builds and runs the host until it stops; returns the process exit code.</summary>
    public static Task<int> RunAsync(DirectorOptions options, CancellationToken cancellationToken = default) =>
        RunAsync(options, configureServices: null, cancellationToken);

    /// <summary>Builds (with <paramref name="configureServices"/>, see <see cref="Build"/>) and runs the host; returns the exit code.</summary>
    public static async Task<int> RunAsync(DirectorOptions options, Action<IServiceCollection>? configureServices, CancellationToken cancellationToken = default)
    {
        IHost host;
        try
        {
            host = Build(options, configureServices);
        }
        catch (ClusterSecretException e)
        {
            Log.Fatal("Cannot start: {Reason}", e.Message);
            await Log.CloseAndFlushAsync().ConfigureAwait(false);
            return SecretExitCode;
        }

        // A failed bind (the cluster port in use) makes Akka.Remote and the host log their exception trees
        // before it throws: find the operator's error first and say it in one line, as for metrics_listen.
        if (options.Cluster is { } listening && ProbeListen(listening) is { } cannotListen)
        {
            host.Dispose();
            Log.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "LvsHa.Director").Fatal("Cannot start director {Node}: {Reason}", options.NodeName, cannotListen);
            await Log.CloseAndFlushAsync().ConfigureAwait(false);
            return StartFailureExitCode;
        }

        var runtime = host.Services.GetRequiredService<DirectorRuntime>();
        var exitCode = 0;
        using (var stopRequest = new StopRequestWatch())
        using (host)
        {
            try
            {
                await host.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The operator's errors at start (the cluster port in use, an address not on this host) end here:
                // one line and a failure exit code, not an unhandled exception (SIGABRT, 134).
                // A DirectorConfigException already says what is wrong (metrics_listen, the control socket); below
                // it, a socket error would be taken for the cluster's.
                var cause = e;
                while (cause is not Vrrp.DirectorConfigException && cause.InnerException is not null)
                {
                    cause = cause.InnerException;
                }

                Log.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "LvsHa.Director").Fatal("Cannot start director {Node}: {Reason}", options.NodeName, CannotStartReason(options, cause));
                await Log.CloseAndFlushAsync().ConfigureAwait(false);
                return StartFailureExitCode;
            }

            // A director downed by the cluster must not linger as a process without cluster: ActorSystemService
            // stopped the host, and the failure exit code makes systemd restart it so that it rejoins.
            exitCode = runtime.ExitCode;
            if (exitCode != 0)
            {
                Log.Error(
                    "The ActorSystem of director {Node} terminated ({Reason}); stopping with exit code {ExitCode}",
                    options.NodeName, runtime.StopReason?.GetType().Name, exitCode);
            }

            // The host also stops when one of its background services fails (BackgroundServiceExceptionBehavior
            // StopHost): that is a failure too, or systemd's Restart=on-failure would leave the director down.
            if (exitCode == 0 && !stopRequest.Requested && !cancellationToken.IsCancellationRequested)
            {
                exitCode = ActorSystemLostExitCode;
                Log.Error("Director {Node} stopped without being asked to (a background service failed); exit code {ExitCode}", options.NodeName, exitCode);
            }
        }

        await Log.CloseAndFlushAsync().ConfigureAwait(false);
        return exitCode;
    }

    // Binds the cluster's listen address and port as Akka.Remote will (SO_REUSEADDR, as DotNetty on Linux) and
    // lets go at once; null when that works.
    private static string? ProbeListen(ClusterOptions cluster)
    {
        if (cluster.ListenPort == 0 || !System.Net.IPAddress.TryParse(cluster.ListenAddress, out var address))
        {
            return null;
        }

        try
        {
            using var socket = new System.Net.Sockets.Socket(address.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            socket.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Socket, System.Net.Sockets.SocketOptionName.ReuseAddress, true);
            socket.Bind(new System.Net.IPEndPoint(address, cluster.ListenPort));
            socket.Listen(1);
            return null;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            return CannotStartReason(new DirectorOptions { NodeName = string.Empty, Cluster = cluster }, e);
        }
    }

    private static string CannotStartReason(DirectorOptions options, Exception cause) =>
        cause is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } && options.Cluster is { } cluster
            ? $"cluster listen {cluster.ListenAddress}:{cluster.ListenPort}: the port is already in use (another director or program listens there)"
            : cause is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressNotAvailable } && options.Cluster is { } local
                ? $"cluster listen {local.ListenAddress}:{local.ListenPort}: the address is not on this host"
                : cause.Message;

    /// <summary>Notes SIGTERM, SIGINT and SIGQUIT (the requested stops) and leaves their handling to the host.</summary>
    private sealed class StopRequestWatch : IDisposable
    {
        private readonly PosixSignalRegistration[] _registrations;
        private volatile bool _requested;

        public StopRequestWatch() => _registrations =
            [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT }.Select(s => PosixSignalRegistration.Create(s, _ => _requested = true))];

        public bool Requested => _requested;

        public void Dispose()
        {
            foreach (var registration in _registrations)
            {
                registration.Dispose();
            }
        }
    }

    /// <summary>The Serilog logger the options ask for (console, plain or compact JSON).</summary>
    public static Serilog.ILogger CreateLogger(DirectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var level = Enum.TryParse<LogEventLevel>(options.LogLevel, ignoreCase: true, out var parsed) ? parsed : LogEventLevel.Information;
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.WithProperty("Node", options.NodeName);
        configuration = options.LogFormat == LogFormat.Compact
            ? configuration.WriteTo.Console(new CompactJsonFormatter())
            : configuration.WriteTo.Console(
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level:u3} {Node} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        return configuration.CreateLogger();
    }

    private static void StartActors(ActorSystem system, DirectorRuntime runtime, ClusterSecret? secret, IServiceProvider services)
    {
        var options = runtime.Options;
        var clustered = options.Cluster is not null;
        var tracker = system.ActorOf(
            MajorityTracker.PropsFor(
                system, options.Cluster?.EffectiveExpectedDirectors ?? 0, clustered, options.Cluster?.FailureDetector.SchedulerTick ?? default),
            MajorityTracker.Name);
        var transport = clustered ? new ClusterAdvertTransport(system) : (IAdvertTransport)NoPeersAdvertTransport.Instance;
        var senderNode = clustered ? Akka.Cluster.Cluster.Get(system).SelfAddress.ToString() : options.NodeName;
        var plugins = services.GetRequiredService<DirectorPlugins>();

        // Instances hear the majority view only under split_brain_guard majority; with the guard off (or without a
        // cluster) they behave as plain VRRP and never see QuorumChanged. Status still shows the tracker's view.
        var guarded = options.Cluster?.GuardsMastership == true;
        var time = services.GetRequiredService<TimeProvider>();
        var launcher = new InstanceLauncher(system, plugins, transport, secret, senderNode, guarded ? tracker : null, time);

        var lvs = plugins.Lvs is { } setup ? StartLvs(system, setup, guarded ? tracker : null, services.GetRequiredService<ILoggerFactory>()) : null;
        runtime.Attach(system, tracker, launcher, lvs);

        // Before the director leaves the cluster, every instance gets to send its priority-0 advert and drop its
        // VIPs while the peers can still hear it (keepalived's behaviour on stop, so the backup takes over at once).
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "vrrp-instances-stop", async () =>
        {
            // The instances running then: a reload may have added and removed some since the start.
            await Task.WhenAll(runtime.Instances.Values.Select(
                i => i.Ask<InstanceStopped>(new LvsHa.Vrrp.Shutdown(), StopTimeout))).ConfigureAwait(false);
            return Akka.Done.Instance;
        });
        // Likewise the BGP routes: the routers send new flows to the other directors before this one's table goes.
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "bgp-withdraw", async () =>
        {
            if (lvs?.Announcer is { } announcer)
                await announcer.Ask<RoutesWithdrawn>(WithdrawRoutes.Instance, StopTimeout).ConfigureAwait(false);
            return Akka.Done.Instance;
        });

        // Only after the VIPs have moved: the checks stop (omega scripts run) and the managed services leave the
        // kernel (or stay, --dont-release-ipvs), so no client of a VIP this director still held loses its service.
        if (lvs is not null)
        {
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "lvs-stop", async () =>
            {
                var timeout = plugins.Lvs!.StopTimeout;
                await lvs.Health.Ask<HealthChecksStopped>(StopHealthChecks.Instance, timeout).ConfigureAwait(false);
                await lvs.Reconciler.Ask<TableReleased>(ReleaseTable.Instance, timeout).ConfigureAwait(false);
                return Akka.Done.Instance;
            });
        }
    }

    // Before anything can contact a peer: a failed handshake must find the gate in place (see PeerFailureGate).
    private static void InstallPeerFailureGate(ActorSystem system, DirectorOptions options, IServiceProvider services)
    {
        var gate = PeerFailureGate.Get(system);
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(
            () => gate.Release(CoordinatedShutdown.ClrExitReason.Instance));
        if (options.Cluster is not null)
        {
            // Downed (by the majority, or the island rule) while a peer-caused run is held: Akka's own run is then
            // ignored, so release the held one with the downing reason (exit code 3).
            Akka.Cluster.Cluster.Get(system).RegisterOnMemberRemoved(
                () => gate.Release(CoordinatedShutdown.ClusterDowningReason.Instance));
        }
    }

    private static LvsActors StartLvs(ActorSystem system, LvsSetup setup, IActorRef? majority, ILoggerFactory loggers)
    {
        var announcer = setup.Bgp is { } bgp && setup.Config.Bgp is not null
            ? system.ActorOf(BgpAnnouncerActor.Props(setup.Config, setup.Addresses, majority, bgp, loggers.CreateLogger("LvsHa.Bgp")), "bgp")
            : null;
        var reconciler = system.ActorOf(
            IpvsReconcilerActor.Props(setup.Ipvs, setup.Config, setup.Reconciler, loggers.CreateLogger("LvsHa.Ipvs"), announcer), "ipvs");
        var health = system.ActorOf(
            LvsHealthActor.Props(reconciler, setup.Config, setup.Health, loggers.CreateLogger("LvsHa.Health")), "lvs-health");
        return new LvsActors(health, reconciler, setup.Ipvs, announcer);
    }

    private static DotNettySslSetup TlsSetup(ClusterSecret secret, Serilog.ILogger logger)
    {
        var certificate = ClusterCertificate.Create(secret);
        var lastLogged = new ConcurrentDictionary<string, DateTime>(StringComparer.Ordinal);
        var validator = ClusterCertificate.Validator(certificate, (peer, reason) =>
        {
            // A refused peer is retried about every second (and connects from a new port each time): one line per
            // peer address per AkkaLogPolicy.Window.
            var host = AkkaLogPolicy.PeerHost(peer);
            var now = DateTime.UtcNow;
            if (lastLogged.TryGetValue(host, out var last) && now - last < AkkaLogPolicy.Window)
            {
                return;
            }

            lastLogged[host] = now;
            logger.Error(
                "Refused cluster connection with {Peer}: {Reason}. The two directors have different secret_file contents (ours has fingerprint {SecretFingerprint}), or the peer is not a director (at most once per {Window:l} per peer)",
                peer, reason, secret.Fingerprint, AkkaLogPolicy.WindowText);
        });
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false, validator);
    }
}
