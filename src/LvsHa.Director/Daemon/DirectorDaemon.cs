using LvsHa.Config;
using LvsHa.Director.Adverts;
using LvsHa.Director.Control;
using LvsHa.Director.Hosting;
using LvsHa.Director.Instances;
using LvsHa.Director.Lvs;
using LvsHa.Director.Vrrp;
using LvsHa.Netlink.Ipvs;
using LvsHa.Netlink.Route;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Daemon;

/// <summary>How `lvsha run` was asked to run.</summary>
public sealed record DaemonRunOptions
{
    /// <summary>This director's name (null: the cluster block's node_name, else the host name).</summary>
    public string? NodeName { get; init; }

    /// <summary>Control socket path (null: the default).</summary>
    public string? ControlSocket { get; init; }

    /// <summary>
    /// Whether the managed IPVS services are removed on stop (keepalived's default). False is keepalived's -I
    /// (--dont-release-ipvs): traffic keeps flowing while the daemon restarts; the next start adopts the entries.
    /// </summary>
    public bool ReleaseIpvsOnStop { get; init; } = true;

    /// <summary>The configuration file, re-read on reload (SIGHUP, `lvsha reload`).</summary>
    public string? ConfigPath { get; init; }

    /// <summary>The id keepalived's `@ID` lines are matched with, at start and on every reload (null: the host's short name).</summary>
    public string? ConfigId { get; init; }

    /// <summary>How log lines are written (`--log-format`).</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Plain;
}

/// <summary>
/// `lvsha run`: everything a director runs for one configuration. The vrrp instances (state machine, rtnetlink VIPs,
/// packet-socket GARP, notify scripts, lvs_sync_daemon) and, when the configuration has virtual_server blocks, the
/// health checks and the IPVS reconciler on the netlink IPVS client, all in one director host.
/// </summary>
public static partial class DirectorDaemon
{
    /// <summary>Runs the director for <paramref name="config"/> in the current network namespace; returns the exit code.</summary>
    /// <exception cref="DirectorConfigException">The configuration cannot run here (missing interface or address).</exception>
    /// <exception cref="LvsHa.Netlink.NetlinkException">IPVS is needed but not available (no ip_vs), or rtnetlink failed.</exception>
    /// <remarks>What the configuration needs of this machine (scripts runnable, VRRP interfaces present) is judged
    /// before this by <see cref="DirectorPreflight"/>, where the CLI loads the configuration to run
    /// (ConfigFile.LoadToRun, shared with `check`).</remarks>
    public static async Task<int> RunAsync(LvsHaConfig config, DaemonRunOptions run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        // Only a configuration with virtual services (or a sync daemon) needs the kernel's IPVS: a VRRP-only
        // director runs on kernels without ip_vs.
        using var ipvs = config.VirtualServers.Count > 0 || config.Global.LvsSyncDaemon is not null ? IpvsClient.Open() : null;
        return await RunAsync(config, run, ipvs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the director with <paramref name="ipvs"/> as the kernel's IPVS (null: VRRP only); the caller disposes it.</summary>
    public static async Task<int> RunAsync(LvsHaConfig config, DaemonRunOptions run, IIpvs? ipvs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(run);
        using var route = RouteNetlinkClient.Open();
        var running = new RunningInstances(config.VrrpInstances, config.VrrpScripts, config.TrackFiles);
        using var vips = new NetlinkVipManager(route, running);

        using var promote = PromoteSecondaries.Apply(config);

        // Before any instance runs: VIPs a crashed earlier run left behind would answer next to the real master.
        var leftovers = await vips.RemoveLeftoversAsync(cancellationToken).ConfigureAwait(false);
        var options = DirectorOptionsMapper.Map(
            config, run.NodeName, run.ControlSocket,
            await VrrpDaemon.PrimaryAddressesAsync(route, config, cancellationToken).ConfigureAwait(false)) with { LogFormat = run.LogFormat };
        var time = TimeProvider.System;
        return await DirectorHost.RunAsync(options, services =>
        {
            if (run.ConfigPath is { } path)
            {
                services.AddSingleton(sp => new DirectorReloader(
                    path, config, sp.GetRequiredService<DirectorRuntime>(), sp.GetRequiredService<Alerts.MailAlerter>(),
                    sp.GetRequiredService<ILogger<DirectorReloader>>(), run.ConfigId, running,
                    sp.GetRequiredService<VrrpTracking>(), route, sp.GetRequiredService<DirectorPlugins>().SyncGroups));
                services.AddSingleton<IDirectorCommands>(sp => new DirectorCommands(
                    sp.GetRequiredService<DirectorRuntime>(), sp.GetRequiredService<DirectorReloader>()));
                services.AddHostedService(sp => new ReloadOnSignal(
                    sp.GetRequiredService<DirectorReloader>(), sp.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>()));
            }

            if (ipvs is not null && config.VirtualServers.Any(v => v.HaSuspend))
            {
                services.AddHostedService(sp => new LocalAddressWatcher(
                    new LinkMonitor(), route, sp.GetRequiredService<DirectorRuntime>(), sp.GetRequiredService<ILogger<LocalAddressWatcher>>()));
            }

            // Disposed with the host, after the instances' last (priority-0) adverts went out.
            // Disposed with the host after the instances stopped: their "Stopping" mails go out first.
            services.AddSingleton(sp => new Alerts.MailAlerter(config.Global, sp.GetRequiredService<ILoggerFactory>().CreateLogger("LvsHa.Director.Alerts")));
            services.AddSingleton(sp => new WireAdverts(sp.GetRequiredService<ILoggerFactory>().CreateLogger("LvsHa.Director.Vrrp.Wire")));
            services.Replace(ServiceDescriptor.Singleton(sp => Plugins(sp, config, run, route, vips, running, ipvs, leftovers, time)));
            // track_interface, vrrp_script loops and vrrp_sync_group coordination.
            // A reload feeds the instances it adds through it too.
            services.AddSingleton(sp => VrrpDaemon.Tracking(
                config, route, sp.GetRequiredService<DirectorRuntime>(), time, sp.GetRequiredService<ILoggerFactory>()));
            services.AddHostedService(sp => sp.GetRequiredService<VrrpTracking>());
        }, cancellationToken).ConfigureAwait(false);
    }

    private static DirectorPlugins Plugins(
        IServiceProvider sp, LvsHaConfig config, DaemonRunOptions run, RouteNetlinkClient route, NetlinkVipManager vips,
        RunningInstances running, IIpvs? ipvs, IReadOnlyList<InterfaceAddress> leftovers, TimeProvider time)
    {
        var loggers = sp.GetRequiredService<ILoggerFactory>();
        var logger = loggers.CreateLogger("LvsHa.Director.Vrrp");
        foreach (var leftover in leftovers)
            LogLeftoverRemoved(logger, leftover.ToString());
        // Before the VRRP trackers and FILE_CHECKs first read them; only at start, never on reload (as keepalived).
        foreach (var file in config.TrackFiles)
        {
            if (file.Init is { } init && Initialise(file.Path, init) is { } problem)
                LogTrackFileNotInitialised(logger, file.Name, file.Path, problem);
        }
        var plugins = VrrpDaemon.Plugins(
            config, route, vips, running, time, logger, VrrpDaemon.Deliver(sp.GetRequiredService<DirectorRuntime>()), sp.GetRequiredService<WireAdverts>(),
            sp.GetRequiredService<Alerts.MailAlerter>());
        if (ipvs is null)
            return plugins;
        var follower = config.Global.LvsSyncDaemon is { } sync ? new SyncDaemonFollower(ipvs, sync, loggers.CreateLogger("LvsHa.Ipvs")) : null;
        if (follower is not null && config.Global.LvsSyncDaemon!.VrrpInstance is null)
            _ = follower.StartBothAsync();
        var notify = follower is not null ? new NotifyChain(follower, plugins.Effects.Notify) : plugins.Effects.Notify;
        return new DirectorPlugins
        {
            CreateBehavior = plugins.CreateBehavior,
            Wire = plugins.Wire,
            SyncGroups = plugins.SyncGroups,
            Effects = plugins.Effects with { Notify = notify },
            Lvs = config.VirtualServers.Count == 0 ? null : new LvsSetup(ipvs, config)
            {
                Reconciler = new IpvsReconcilerOptions { RemoveServicesOnStop = run.ReleaseIpvsOnStop },
                Health = new LvsHealthOptions { Mail = sp.GetRequiredService<Alerts.MailAlerter>() },
                // BIRD's files go beside the control socket: one folder per director, also in a lab of several.
                Bgp = config.Bgp is null ? null : new Bgp.BgpAnnouncerOptions
                {
                    RunDirectory = Path.Combine(Path.GetDirectoryName(run.ControlSocket ?? DirectorOptions.DefaultControlSocketPath) ?? "/run/lvsha", "bird"),
                },
                Addresses = route,
            },
        };
    }

    // keepalived's init_file: the value is written when the file does not exist, or with `overwrite` over a regular
    // file (never a FIFO or device, whose open could block or write somewhere else). Null when done.
    private static string? Initialise(string path, TrackFileInit init)
    {
        try
        {
            if (File.Exists(path) || Directory.Exists(path))
            {
                if (!init.Overwrite)
                    return null;
                if (LvsHa.Config.Syntax.RegularFile.Problem(path) is { } notRegular)
                    return notRegular;
            }

            File.WriteAllText(path, init.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "track_file {TrackFile}: could not write init_file value to {Path}: {Problem}")]
    private static partial void LogTrackFileNotInitialised(ILogger logger, string trackFile, string path, string problem);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Removed VIP {Vip} left behind by an earlier run")]
    private static partial void LogLeftoverRemoved(ILogger logger, string vip);
}
