using Akka.Actor;
using LvsHa.Config;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Director.Lvs;

/// <summary>
/// What the director host needs to run the LVS side of a configuration: the kernel interface (the netlink
/// <c>IpvsClient</c> in the daemon), the configuration whose virtual_server blocks it manages, and the tuning.
/// The host never disposes <see cref="Ipvs"/>; its creator does after the host stopped.
/// </summary>
public sealed record LvsSetup(IIpvs Ipvs, LvsHaConfig Config)
{
    /// <summary>Tuning of the reconciler (drift repair interval, release on stop).</summary>
    public IpvsReconcilerOptions Reconciler { get; init; } = new();

    /// <summary>Tuning of the health checks.</summary>
    public LvsHealthOptions Health { get; init; } = new();

    /// <summary>How BIRD runs for the bgp block, or null when the configuration has none.</summary>
    public Bgp.BgpAnnouncerOptions? Bgp { get; init; }

    /// <summary>The interfaces the announced VIPs are put on (lo); null in tests without rtnetlink.</summary>
    public LvsHa.Netlink.Route.IAddressManager? Addresses { get; init; }

    /// <summary>How long stopping may take: omega scripts, then removing the managed services.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>The running LVS actors of a director.</summary>
/// <param name="Health">The <see cref="LvsHealthActor"/> (status, reload).</param>
/// <param name="Reconciler">The <see cref="IpvsReconcilerActor"/> (kernel state).</param>
/// <param name="Ipvs">The kernel interface, for live counters in status.</param>
/// <param name="Announcer">The <see cref="Bgp.BgpAnnouncerActor"/>, or null without a bgp block.</param>
public sealed record LvsActors(IActorRef Health, IActorRef Reconciler, IIpvs Ipvs, IActorRef? Announcer = null);
