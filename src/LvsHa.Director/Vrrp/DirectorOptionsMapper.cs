using System.Net;
using LvsHa.Config;
using LvsHa.Director.Hosting;
using LvsHa.Vrrp;
using LvsHa.Vrrp.Wire;

namespace LvsHa.Director.Vrrp;

/// <summary>Maps a validated configuration onto the director daemon's options (pure: addresses are passed in).</summary>
public static class DirectorOptionsMapper
{
    /// <summary>
    /// Maps <paramref name="config"/>. The cluster block becomes <see cref="ClusterOptions"/> (none: a single
    /// director), every vrrp_instance a <see cref="VrrpInstanceOptions"/> with its state machine settings.
    /// </summary>
    /// <param name="config">The loaded configuration.</param>
    /// <param name="nodeName">Overrides the cluster block's node_name (and the host name).</param>
    /// <param name="controlSocket">Control socket path; null keeps the default.</param>
    /// <param name="primaryAddresses">Primary address of each interface (the tie-breaker when unicast_src_ip is not set).</param>
    /// <exception cref="DirectorConfigException">An instance has no usable local address.</exception>
    public static DirectorOptions Map(
        LvsHaConfig config, string? nodeName, string? controlSocket, IReadOnlyDictionary<string, IPAddress> primaryAddresses)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(primaryAddresses);
        var cluster = config.Cluster is { } block ? MapCluster(block) : null;
        var guard = cluster is { GuardsMastership: true };
        return new DirectorOptions
        {
            NodeName = nodeName ?? config.Cluster?.NodeName ?? Environment.MachineName,
            Cluster = cluster,
            ControlSocketPath = controlSocket ?? DirectorOptions.DefaultControlSocketPath,
            MetricsListen = config.Global.MetricsListen is { } metrics ? new Metrics.MetricsListenOptions(metrics.Host, metrics.Port) : null,
            Instances = [.. config.VrrpInstances.Select(i => MapInstance(i, config.Global, guard, primaryAddresses))],
        };
    }

    /// <summary>The interfaces and families whose primary address <see cref="Map"/> needs (instances without unicast_src_ip / mcast_src_ip).</summary>
    public static IReadOnlyList<(string Interface, IpFamily Family)> InterfacesNeedingAddress(LvsHaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return [.. config.VrrpInstances.Where(i => i.SourceIp is null).Select(i => (i.Interface, i.Family)).Distinct()];
    }

    /// <summary>
    /// The key of an interface's primary address of <paramref name="family"/> in the map <see cref="Map"/> takes:
    /// the interface name for IPv4 (its first primary address), name + "/inet6" for IPv6 (its link-local address,
    /// which RFC 5798 makes the source of IPv6 adverts).
    /// </summary>
    public static string AddressKey(string interfaceName, IpFamily family) =>
        family == IpFamily.IPv6 ? interfaceName + "/inet6" : interfaceName;

    private static ClusterOptions MapCluster(ClusterSettings block) => new()
    {
        ListenAddress = block.Listen.Host,
        ListenPort = block.Listen.Port,
        Seeds = [.. block.Seeds.Select(s => $"{s.Host}:{s.Port}")],
        SplitBrainGuard = block.SplitBrainGuard == Config.SplitBrainGuard.Majority ? Hosting.SplitBrainGuard.Majority : Hosting.SplitBrainGuard.Off,
        SecretFile = block.SecretFile,
        HeartbeatPause = block.HeartbeatPause,
        ConnectTimeout = block.ConnectTimeout ?? ClusterOptions.DefaultConnectTimeout,
    };

    /// <summary>
    /// <paramref name="block"/> (a reloaded vrrp_instance) mapped as <paramref name="running"/> was: with its local
    /// address and guard, which a reload does not change.
    /// </summary>
    public static VrrpInstanceOptions Reloaded(VrrpInstanceOptions running, VrrpInstance block, GlobalDefs global)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(block);
        var local = new Dictionary<string, IPAddress> { [AddressKey(block.Interface, block.Family)] = running.Settings.LocalAddress };
        return MapInstance(block, global, running.Settings.SplitBrainGuard, local);
    }

    /// <summary>
    /// One vrrp_instance as the director runs it, at start (<see cref="Map"/>) and when a reload adds it; the advert
    /// source is its unicast_src_ip / mcast_src_ip, else its interface's primary address from <paramref name="primaryAddresses"/>.
    /// </summary>
    /// <exception cref="DirectorConfigException">The instance has no usable local address.</exception>
    public static VrrpInstanceOptions MapInstance(
        VrrpInstance instance, GlobalDefs global, bool guard, IReadOnlyDictionary<string, IPAddress> primaryAddresses)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(primaryAddresses);
        var local = instance.SourceIp
            ?? (primaryAddresses.TryGetValue(AddressKey(instance.Interface, instance.Family), out var address) ? address : null)
            ?? throw new DirectorConfigException(instance.Family == IpFamily.IPv6
                ? $"{instance.Location}: vrrp_instance {instance.Name}: interface {instance.Interface} has no IPv6 link-local address (bring it up, or set unicast_src_ip / mcast_src_ip)"
                : $"{instance.Location}: vrrp_instance {instance.Name}: interface {instance.Interface} has no IPv4 address (set unicast_src_ip / mcast_src_ip or add an address)");
        return new VrrpInstanceOptions
        {
            Interface = instance.Interface,
            Settings = new VrrpInstanceSettings
            {
                Name = instance.Name,
                VirtualRouterId = (byte)instance.VirtualRouterId,
                Priority = (byte)instance.Priority,
                LocalAddress = local,
                AdvertInterval = instance.AdvertInterval,
                Preempt = !instance.NoPreempt,
                PreemptDelay = instance.PreemptDelay,
                SplitBrainGuard = guard,
                Garp = new GarpSettings
                {
                    MasterDelay = instance.GarpMasterDelay,
                    MasterRepeat = instance.GarpMasterRepeat,
                    MasterRefresh = instance.GarpMasterRefresh,
                    MasterRefreshRepeat = instance.GarpMasterRefreshRepeat,
                    LowerPriorityRepeat = instance.GarpLowerPriorityRepeat,
                    ArpInterval = instance.GarpInterval,
                    NaInterval = instance.GnaInterval,
                },
            },
            Wire = new VrrpWireSettings
            {
                VirtualRouterId = (byte)instance.VirtualRouterId,
                Version = instance.Version,
                LocalAddress = local,
                Vips = [.. instance.VirtualIpAddresses.Select(v => v.Address)],
                AdvertInterval = instance.AdvertInterval,
                UnicastPeers = instance.UnicastPeers,
                MulticastGroup = instance.Family == IpFamily.IPv6 ? global.VrrpMulticastGroup6 : global.VrrpMulticastGroup4,
                Password = instance.Authentication is { Type: VrrpAuthType.Pass } auth ? auth.Password : null,
                SkipCheckAdvertAddresses = instance.SkipCheckAdvertAddresses,
            },
        };
    }
}
