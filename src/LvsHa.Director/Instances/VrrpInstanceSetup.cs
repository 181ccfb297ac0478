using Akka.Actor;
using LvsHa.Director.Adverts;
using LvsHa.Director.Security;
using LvsHa.Vrrp.Wire;

namespace LvsHa.Director.Instances;

/// <summary>Everything a <see cref="VrrpInstanceActor"/> is built from.</summary>
/// <param name="Name">vrrp_instance name.</param>
/// <param name="VirtualRouterId">virtual_router_id; the actor lives at /user/vrrp-{id}.</param>
/// <param name="Behavior">The instance logic (the state machine; a double in unit tests).</param>
/// <param name="Transport">Delivers this instance's adverts to the other directors.</param>
/// <param name="Authenticator">Signs outgoing and checks incoming adverts.</param>
/// <param name="Effects">VIPs, GARP and notify scripts.</param>
/// <param name="MajorityTracker">Tracker to subscribe to for <see cref="Membership.QuorumChanged"/>, if any.</param>
/// <param name="Time">Clock.</param>
/// <param name="Wire">The instance's VRRP packets (build and check), or null where the host has no sockets (unit tests).</param>
/// <param name="WireLink">Where its VRRP packets go out (with <paramref name="Wire"/>).</param>
public sealed record VrrpInstanceSetup(
    string Name,
    int VirtualRouterId,
    IVrrpInstanceBehavior Behavior,
    IAdvertTransport Transport,
    AdvertAuthenticator Authenticator,
    InstanceEffects Effects,
    IActorRef? MajorityTracker,
    TimeProvider Time,
    VrrpWire? Wire = null,
    IWireAdvertLink? WireLink = null);
