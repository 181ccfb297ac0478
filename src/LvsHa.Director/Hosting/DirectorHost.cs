using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Akka.Remote.Transport.DotNetty;
using LvsHa.Director.Adverts;
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

    /// <summary>Exit code when the cluster downed this director (split-brain resolver) or its ActorSystem died.</summary>
    public const int ActorSystemLostExitCode = 3;

    /// <summary>Exit code when Akka stopped after a TLS handshake this director started failed (different secret).</summary>
    public const int TlsFailureExitCode = 79;

    /// <summary>
    /// Builds the host. <paramref name="configureServices"/> lets the caller add or replace services (the lead's
    /// wiring of real effects and behaviors through <see cref="DirectorPlugins"/>).
    /// </summary>
    /// <exception cref="ClusterSecretException">secret_file is missing, unreadable, too short or too open.</exception>
    public static IHost Build(DirectorOptions options, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var logger = CreateLogger(options);

        // Akka.Logger.Serilog writes through the process-wide Serilog logger.
        Log.Logger = logger;

        ClusterSecret? secret = null;
        if (options.Cluster is { } cluster)
        {
            secret = ClusterSecret.Load(cluster.SecretFile);
            logger.Information(
                "Director {Node} joining cluster on {ListenAddress}:{ListenPort} (seeds {Seeds}, split_brain_guard {Guard}, secret fingerprint {SecretFingerprint}, minority detected within {MinorityBound})",
                options.NodeName, cluster.ListenAddress, cluster.ListenPort, cluster.Seeds, cluster.SplitBrainGuard, secret.Fingerprint,
                cluster.FailureDetector.UnreachableBound);
        }
        else
        {
            logger.Information("Director {Node} running alone (no cluster block)", options.NodeName);
        }

        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "lvsha" });
        builder.Services.AddSystemd();
        builder.Services.AddSerilog(logger, dispose: false);
        var runtime = new DirectorRuntime(options);
        builder.Services.AddSingleton(runtime);
        builder.Services.AddSingleton(new DirectorPlugins());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IStatusSource, DirectorStatusSource>();
        builder.Services.AddDirectorMetrics(options);
        builder.Services.AddDirectorWatchdog();
        if (options.ControlSocketPath is { } socketPath)
        {
            builder.Services.AddHostedService(sp => new ControlServer(
                socketPath, sp.GetRequiredService<IStatusSource>(), sp.GetRequiredService<ILogger<ControlServer>>(),
                sp.GetService<IDirectorCommands>()));
        }

        builder.Services.AddAkka(AkkaConfigBuilder.SystemName, (akka, services) =>
        {
            akka.AddHocon(ConfigurationFactory.ParseString(AkkaConfigBuilder.Build(options)), HoconAddMode.Prepend);
            akka.ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddSerilogLogging();
                loggers.LogLevel = Akka.Event.LogLevel.InfoLevel;
            });
            if (secret is not null)
            {
                akka.AddSetup(TlsSetup(secret, logger));
            }

            akka.WithActors((system, _) => DirectorMetricsHosting.Subscribe(system, services));
            akka.WithActors((system, _) => StartActors(system, runtime, secret, services));
            if (options.Cluster is { } joining)
            {
                // After the instances exist, so adverts from peers find them as soon as this director is a member.
                akka.WithActors((system, _) => system.ActorOf(
                    SeedJoiner.PropsFor(AkkaConfigBuilder.SeedAddresses(joining), joining.FoundingDelay, joining.EffectiveExpectedDirectors),
                    SeedJoiner.Name));
            }
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

        var runtime = host.Services.GetRequiredService<DirectorRuntime>();
        using (host)
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
        }

        await Log.CloseAndFlushAsync().ConfigureAwait(false);
        return runtime.ExitCode;
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
                outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {Node} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        return configuration.CreateLogger();
    }

    private static void StartActors(ActorSystem system, DirectorRuntime runtime, ClusterSecret? secret, IServiceProvider services)
    {
        var options = runtime.Options;
        var clustered = options.Cluster is not null;
        var tracker = system.ActorOf(
            MajorityTracker.PropsFor(system, options.Cluster?.EffectiveExpectedDirectors ?? 0, clustered), MajorityTracker.Name);
        var transport = clustered ? new ClusterAdvertTransport(system) : (IAdvertTransport)NoPeersAdvertTransport.Instance;
        var senderNode = clustered ? Akka.Cluster.Cluster.Get(system).SelfAddress.ToString() : options.NodeName;
        var plugins = services.GetRequiredService<DirectorPlugins>();

        // Instances hear the majority view only under split_brain_guard majority; with the guard off (or without a
        // cluster) they behave as plain VRRP and never see QuorumUpdated. Status still shows the tracker's view.
        var guarded = options.Cluster?.GuardsMastership == true;
        var time = services.GetRequiredService<TimeProvider>();

        var instances = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        foreach (var instance in options.Instances)
        {
            // Without a cluster no advert arrives over it; a throwaway key keeps the actor's code path the same.
            var key = secret?.AdvertKey ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            var authenticator = new AdvertAuthenticator(key, senderNode, time, AdvertMaxSkew);

            // VRRP on the wire decides mastership, as keepalived does, from the first second; the cluster path
            // (transport) only adds a second heartbeat.
            var wire = instance.Wire is { } settings && instance.Interface is { } link && plugins.Wire is { } sockets
                ? (Wire: new LvsHa.Vrrp.Wire.VrrpWire(settings), Link: sockets.Link(link, settings.Family, settings.Unicast ? null : settings.Group))
                : default;
            var actor = system.ActorOf(
                VrrpInstanceActor.PropsFor(new VrrpInstanceSetup(
                    instance.Name, instance.VirtualRouterId, plugins.CreateBehavior(instance), transport, authenticator,
                    plugins.Effects, guarded ? tracker : null, time, wire.Wire, wire.Link)),
                ClusterAdvertTransport.InstanceActorName(instance.VirtualRouterId));
            instances[instance.Name] = actor;
            if (wire.Wire is not null)
                plugins.Wire!.Route(instance.Interface!, instance.Wire!.Family, instance.Wire.VirtualRouterId, actor);
        }

        var lvs = plugins.Lvs is { } setup ? StartLvs(system, setup, services.GetRequiredService<ILoggerFactory>()) : null;
        runtime.Attach(system, tracker, instances, lvs);

        // Before the director leaves the cluster, every instance gets to send its priority-0 advert and drop its
        // VIPs while the peers can still hear it (keepalived's behaviour on stop, so the backup takes over at once).
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "vrrp-instances-stop", async () =>
        {
            await Task.WhenAll(instances.Values.Select(
                i => i.Ask<InstanceStopped>(InstanceStopping.Instance, StopTimeout))).ConfigureAwait(false);
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

        // A director downed by the split-brain resolver, or stopped by Akka for a failed TLS handshake (a peer with
        // another secret), must not linger as a process without cluster: stop the host with a failure exit code so
        // systemd restarts it and it rejoins.
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        system.WhenTerminated.ContinueWith(
            _ =>
            {
                if (runtime.ExitCode != 0)
                {
                    Log.Error(
                        "The ActorSystem of director {Node} terminated ({Reason}); stopping with exit code {ExitCode}",
                        options.NodeName, shutdown.ShutdownReason?.GetType().Name, runtime.ExitCode);
                    lifetime.StopApplication();
                }
            },
            TaskScheduler.Default);
    }

    private static LvsActors StartLvs(ActorSystem system, LvsSetup setup, ILoggerFactory loggers)
    {
        var reconciler = system.ActorOf(
            IpvsReconcilerActor.Props(setup.Ipvs, setup.Config, setup.Reconciler, loggers.CreateLogger("LvsHa.Ipvs")), "ipvs");
        var health = system.ActorOf(
            LvsHealthActor.Props(reconciler, setup.Config, setup.Health, loggers.CreateLogger("LvsHa.Health")), "lvs-health");
        return new LvsActors(health, reconciler, setup.Ipvs);
    }

    private static DotNettySslSetup TlsSetup(ClusterSecret secret, Serilog.ILogger logger)
    {
        var certificate = ClusterCertificate.Create(secret);
        var lastLogged = new ConcurrentDictionary<string, DateTime>(StringComparer.Ordinal);
        var validator = ClusterCertificate.Validator(certificate, (peer, reason) =>
        {
            // A peer with the wrong secret retries about every second: one line per peer per 10 s is enough.
            var now = DateTime.UtcNow;
            if (lastLogged.TryGetValue(peer, out var last) && now - last < TimeSpan.FromSeconds(10))
            {
                return;
            }

            lastLogged[peer] = now;
            logger.Error(
                "Refused cluster connection with {Peer}: {Reason}. The two directors have different secret_file contents (ours has fingerprint {SecretFingerprint}), or the peer is not a director",
                peer, reason, secret.Fingerprint);
        });
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false, validator);
    }
}
