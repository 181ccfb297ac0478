using System.Net;
using LvsHa.Config;
using LvsHa.Director.Hosting;
using LvsHa.Vrrp;

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
    /// <exception cref="DirectorConfigException">An instance has no usable local address, or the cluster no secret_file.</exception>
    public static DirectorOptions Map(
        LvsHaConfig config, string? nodeName, string? controlSocket, IReadOnlyDictionary<string, IPAddress> primaryAddresses)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(primaryAddresses);
        var cluster = config.Cluster is { } block ? MapCluster(block) : null;
        var guard = cluster is { SplitBrainGuard: Hosting.SplitBrainGuard.Majority };
        return new DirectorOptions
        {
            NodeName = nodeName ?? config.Cluster?.NodeName ?? Environment.MachineName,
            Cluster = cluster,
            ControlSocketPath = controlSocket ?? DirectorOptions.DefaultControlSocketPath,
            MetricsListen = config.Global.MetricsListen is { } metrics ? new Metrics.MetricsListenOptions(metrics.Host, metrics.Port) : null,
            Instances = [.. config.VrrpInstances.Select(i => MapInstance(i, guard, primaryAddresses))],
        };
    }

    /// <summary>The interfaces whose primary address <see cref="Map"/> needs (instances without unicast_src_ip).</summary>
    public static IReadOnlyList<string> InterfacesNeedingAddress(LvsHaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return [.. config.VrrpInstances.Where(i => i.UnicastSourceIp is null).Select(i => i.Interface).Distinct(StringComparer.Ordinal)];
    }

    private static ClusterOptions MapCluster(ClusterSettings block) => new()
    {
        ListenAddress = block.Listen.Host,
        ListenPort = block.Listen.Port,
        Seeds = [.. block.Seeds.Select(s => $"{s.Host}:{s.Port}")],
        SplitBrainGuard = block.SplitBrainGuard == Config.SplitBrainGuard.Majority ? Hosting.SplitBrainGuard.Majority : Hosting.SplitBrainGuard.Off,
        SecretFile = block.SecretFile
            ?? throw new DirectorConfigException($"{block.Location}: the cluster block needs secret_file (cluster traffic is authenticated with it)"),
        FailureDetector = block.HeartbeatPause is { } pause ? new FailureDetectorOptions { AcceptableHeartbeatPause = pause } : new(),
        ConnectTimeout = block.ConnectTimeout ?? ClusterOptions.DefaultConnectTimeout,
    };

    private static VrrpInstanceOptions MapInstance(VrrpInstance instance, bool guard, IReadOnlyDictionary<string, IPAddress> primaryAddresses)
    {
        var local = instance.UnicastSourceIp
            ?? (primaryAddresses.TryGetValue(instance.Interface, out var address) ? address : null)
            ?? throw new DirectorConfigException(
                $"{instance.Location}: vrrp_instance {instance.Name}: interface {instance.Interface} has no address (set unicast_src_ip or add an address)");
        return new VrrpInstanceOptions
        {
            Name = instance.Name,
            VirtualRouterId = instance.VirtualRouterId,
            Priority = instance.Priority,
            AdvertInterval = instance.AdvertInterval,
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
                },
            },
        };
    }
}
