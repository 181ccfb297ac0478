using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using LvsHa.Config;
using LvsHa.Director.Hosting;
using LvsHa.Director.Instances;
using LvsHa.Netlink.Route;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Vrrp;

/// <summary>
/// The VRRP part of `lvsha run` (<see cref="LvsHa.Director.Daemon.DirectorDaemon"/>): a configuration's vrrp instances
/// as state machines with rtnetlink VIPs, packet-socket GARP and notify scripts.
/// </summary>
public static partial class VrrpDaemon
{
    /// <summary>How long one notify script may run before its process group is killed.</summary>
    public static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The behaviors and effects of <paramref name="config"/>'s instances.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="route">rtnetlink (GARP sender's interface lookups).</param>
    /// <param name="vips">VIP manager.</param>
    /// <param name="running">The running instance blocks (the GARP sender announces their VIPs, the notify runner runs their scripts; trackers are planned from them).</param>
    /// <param name="time">Clock.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="deliver">Sends an event to an instance actor by name (vrrp_sync_group directives); null: no sync groups.</param>
    /// <param name="wire">The raw VRRP sockets (owned by the caller); null: no adverts on the wire.</param>
    /// <param name="mail">Mail alerts of state changes (smtp_alert); null: none.</param>
    public static DirectorPlugins Plugins(
        LvsHaConfig config, IAddressManager route, IVipManager vips, RunningInstances running, TimeProvider time, ILogger logger,
        Action<string, LvsHa.Vrrp.VrrpInput>? deliver = null, Adverts.WireAdverts? wire = null, Alerts.MailAlerter? mail = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var notify = new ScriptNotifyRunner(running, Security.ScriptPolicy.For(config.Global), NotifyTimeout, logger);
        var groups = deliver is null
            ? null
            : new SyncGroupCoordinator(config.VrrpSyncGroups, deliver, (group, state) =>
            {
                if (group.SmtpAlert)
                    mail?.GroupChanged(group.Name, LvsHa.Vrrp.VrrpStateNames.FromKeepalivedName(state));
                return notify.RunGroupAsync(group, state, CancellationToken.None);
            }, logger);
        return new DirectorPlugins
        {
            CreateBehavior = instance => new StateMachineBehavior(
                instance.Settings,
                instance.Wire.Vips,
                time,
                changed =>
                {
                    LogStateChanged(logger, instance.Name, changed.From, changed.To, changed.Reason);
                    if (running[instance.Name].SmtpAlert)
                        mail?.InstanceChanged(instance.Name, changed.To);
                },
                running.TrackersOf(instance.Name))
            {
                TrackerUpdated = (tracker, old, now, priority) => LogTrackerChanged(logger, instance.Name, tracker, old, now, priority),
                MemberChanged = groups is null ? null : b => groups.MemberChanged(b.Name, b.MachineState, b.HasTrackerFault),
            },
            Effects = new InstanceEffects(vips, new PacketGarpSender(route, running, time), notify),
            Wire = wire,
            SyncGroups = groups,
        };
    }

    /// <summary>Delivers events to the instance actors of <paramref name="runtime"/> by instance name.</summary>
    public static Action<string, LvsHa.Vrrp.VrrpInput> Deliver(DirectorRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return (instance, instanceEvent) =>
        {
            if (runtime.IsStarted && runtime.Instances.TryGetValue(instance, out var actor))
                actor.Tell(instanceEvent, ActorRefs.NoSender);
        };
    }

    /// <summary>The tracker feed of <paramref name="config"/>'s instances (link events, vrrp_scripts).</summary>
    public static VrrpTracking Tracking(LvsHaConfig config, IAddressManager route, DirectorRuntime runtime, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(loggers);
        var monitor = new LinkMonitor();
        return new VrrpTracking(
            config, route, monitor.WatchAsync, Deliver(runtime), () => runtime.IsStarted, time, loggers.CreateLogger("LvsHa.Director.Vrrp.Tracking"));
    }

    /// <summary>
    /// The advert source of every interface and family the instances need one of (keyed by
    /// <see cref="DirectorOptionsMapper.AddressKey"/>): the first IPv4 address that is not secondary, and the IPv6
    /// link-local address (RFC 5798 5.1.2.2; keepalived sends from it too).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, IPAddress>> PrimaryAddressesAsync(IAddressManager route, LvsHaConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(route);
        var result = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        foreach (var (name, family) in DirectorOptionsMapper.InterfacesNeedingAddress(config))
        {
            var link = await route.GetLinkAsync(name, cancellationToken).ConfigureAwait(false)
                ?? throw new DirectorConfigException($"interface {name} (named by a vrrp_instance) does not exist");
            var addresses = await route.GetAddressesAsync(link.Index, cancellationToken).ConfigureAwait(false);
            var primary = family == IpFamily.IPv6
                ? addresses.FirstOrDefault(a => a.Address.AddressFamily == AddressFamily.InterNetworkV6 && a.Address.IsIPv6LinkLocal)
                : addresses.FirstOrDefault(a => a.Address.AddressFamily == AddressFamily.InterNetwork && !a.Flags.HasFlag(InterfaceAddressFlags.Secondary));
            if (primary is not null)
                result[DirectorOptionsMapper.AddressKey(name, family)] = primary.Address;
        }

        return result;
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "vrrp_instance {Instance}: {From} -> {To} ({Reason})")]
    private static partial void LogStateChanged(ILogger logger, string instance, LvsHa.Vrrp.VrrpState from, LvsHa.Vrrp.VrrpState to, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "vrrp_instance {Instance}: {Tracker} {OldState} -> {NewState}, effective priority {Priority}")]
    private static partial void LogTrackerChanged(ILogger logger, string instance, string tracker, string oldState, string newState, int priority);
}
