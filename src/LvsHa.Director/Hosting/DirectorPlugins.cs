using LvsHa.Director.Instances;
using LvsHa.Director.Lvs;
using LvsHa.Director.Vrrp;

namespace LvsHa.Director.Hosting;

/// <summary>
/// Where the lead plugs in the real pieces: the behavior of each vrrp instance (the VRRP state machine) and the
/// effects (rtnetlink VIPs, GARP, notify scripts). Replace the singleton in <see cref="DirectorHost.Build"/>'s
/// configureServices callback (DirectorDaemon does). The defaults are the state machine without VIPs or trackers,
/// no effects and no sockets.
/// </summary>
public sealed class DirectorPlugins
{
    /// <summary>Creates the behavior of one instance.</summary>
    public Func<VrrpInstanceOptions, IVrrpInstanceBehavior> CreateBehavior { get; init; } =
        instance => new StateMachineBehavior(instance.Settings, [], TimeProvider.System);

    /// <summary>Effects used by every instance.</summary>
    public InstanceEffects Effects { get; init; } = InstanceEffects.None;

    /// <summary>The raw VRRP sockets the instances send and receive through; null: no wire adverts (a host without sockets, in unit tests).</summary>
    public Adverts.WireAdverts? Wire { get; init; }

    /// <summary>The vrrp_sync_group coordinator the instances report to (a reload regroups it); null: no sync groups.</summary>
    public SyncGroupCoordinator? SyncGroups { get; init; }

    /// <summary>The virtual services to health-check and program into IPVS; null runs VRRP only.</summary>
    public LvsSetup? Lvs { get; init; }
}
