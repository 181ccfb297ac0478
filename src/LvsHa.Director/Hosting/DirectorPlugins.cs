using LvsHa.Director.Instances;
using LvsHa.Director.Lvs;

namespace LvsHa.Director.Hosting;

/// <summary>
/// Where the lead plugs in the real pieces: the behavior of each vrrp instance (the VRRP state machine) and the
/// effects (rtnetlink VIPs, GARP, notify scripts). Replace the singleton in <see cref="DirectorHost.Build"/>'s
/// configureServices callback. The defaults are the advert-only placeholder and no effects.
/// </summary>
public sealed class DirectorPlugins
{
    /// <summary>Creates the behavior of one instance.</summary>
    public Func<VrrpInstanceOptions, IVrrpInstanceBehavior> CreateBehavior { get; init; } =
        instance => new AdvertOnlyBehavior(instance.Priority, instance.AdvertInterval);

    /// <summary>Effects used by every instance.</summary>
    public InstanceEffects Effects { get; init; } = InstanceEffects.None;

    /// <summary>The raw VRRP sockets instances with wire settings send and receive through; null: no wire adverts (lab placeholders).</summary>
    public Adverts.WireAdverts? Wire { get; init; }

    /// <summary>The virtual services to health-check and program into IPVS; null runs VRRP only.</summary>
    public LvsSetup? Lvs { get; init; }
}
