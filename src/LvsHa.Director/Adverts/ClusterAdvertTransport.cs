using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;

namespace LvsHa.Director.Adverts;

/// <summary>
/// Sends adverts straight to /user/vrrp-{vrid} on every other live director. Chosen over DistributedPubSub for
/// latency and freshness: a selection message is one hop over the existing association, resolved at the receiver,
/// and a member is addressed as soon as the local membership view has it, whereas the pub-sub registry is spread
/// by its own gossip (1 s ticks) and adds a mediator hop on each side.
/// </summary>
public sealed class ClusterAdvertTransport : IAdvertTransport
{
    private readonly ActorSystem _system;
    private readonly Cluster _cluster;
    private readonly ConcurrentDictionary<(Address, int), ActorSelection> _selections = new();

    /// <summary>Creates the transport of <paramref name="system"/>'s cluster.</summary>
    public ClusterAdvertTransport(ActorSystem system)
    {
        _system = system;
        _cluster = Cluster.Get(system);
    }

    /// <summary>Path of the actor of virtual router <paramref name="virtualRouterId"/> under /user.</summary>
    public static string InstanceActorName(int virtualRouterId) => $"vrrp-{virtualRouterId}";

    /// <inheritdoc />
    public void Publish(VrrpAdvertEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);

        // Cluster.State is an immutable snapshot kept by the cluster read view: safe to read from any actor.
        foreach (var member in _cluster.State.Members)
        {
            if (member.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving
                && !member.Address.Equals(_cluster.SelfAddress))
            {
                var selection = _selections.GetOrAdd(
                    (member.Address, envelope.VirtualRouterId),
                    key => _system.ActorSelection(new RootActorPath(key.Item1) / "user" / InstanceActorName(key.Item2)));
                selection.Tell(envelope, ActorRefs.NoSender);
            }
        }
    }
}
