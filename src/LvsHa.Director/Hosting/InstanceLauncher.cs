using Akka.Actor;
using LvsHa.Director.Adverts;
using LvsHa.Director.Instances;
using LvsHa.Director.Security;

namespace LvsHa.Director.Hosting;

/// <summary>
/// Starts and stops vrrp instance actors: every configured one when the director starts, and the ones a reload adds
/// or removes, the same way.
/// </summary>
internal sealed class InstanceLauncher(
    ActorSystem system, DirectorPlugins plugins, IAdvertTransport transport, ClusterSecret? secret, string senderNode,
    IActorRef? majorityTracker, TimeProvider time)
{
    /// <summary>Starts the actor of <paramref name="instance"/> (/user/vrrp-{id}) and routes its VRRP packets to it.</summary>
    public IActorRef Start(VrrpInstanceOptions instance)
    {
        // Without a cluster no advert arrives over it; a throwaway key keeps the actor's code path the same.
        var key = secret?.AdvertKey ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var authenticator = new AdvertAuthenticator(key, senderNode, time, DirectorHost.AdvertMaxSkew);

        // VRRP on the wire decides mastership, as keepalived does, from the first second; the cluster path
        // (transport) only adds a second heartbeat.
        var settings = instance.Wire;
        var wire = plugins.Wire is { } sockets
            ? (Wire: new LvsHa.Vrrp.Wire.VrrpWire(settings), Link: sockets.Link(instance.Interface, settings.Family, settings.Unicast ? null : settings.Group))
            : default;
        var actor = system.ActorOf(
            VrrpInstanceActor.PropsFor(new VrrpInstanceSetup(
                instance.Name, instance.VirtualRouterId, plugins.CreateBehavior(instance), transport, authenticator,
                plugins.Effects, majorityTracker, time, wire.Wire, wire.Link)),
            ClusterAdvertTransport.InstanceActorName(instance.VirtualRouterId));
        if (wire.Wire is not null)
            plugins.Wire!.Route(instance.Interface, settings.Family, settings.VirtualRouterId, actor);
        return actor;
    }

    /// <summary>
    /// Stops the actor of <paramref name="instance"/> as at the director's stop (a master sends its priority-0 advert
    /// and releases its VIPs, notify_stop runs), then ends it; its VRRP packets go nowhere from then on.
    /// </summary>
    public async Task StopAsync(VrrpInstanceOptions instance, IActorRef actor)
    {
        await actor.Ask<InstanceStopped>(new LvsHa.Vrrp.Shutdown(), DirectorHost.StopTimeout).ConfigureAwait(false);
        plugins.Wire?.Unroute(instance.Interface, instance.Wire.Family, instance.Wire.VirtualRouterId);
        // Until the actor has ended, its name (the virtual_router_id) cannot be given to another instance.
        await actor.GracefulStop(DirectorHost.StopTimeout).ConfigureAwait(false);
    }
}
