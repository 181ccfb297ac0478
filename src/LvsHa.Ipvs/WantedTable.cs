using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using LvsHa.Config;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Ipvs;

/// <summary>
/// The IPVS table a configuration calls for in a given health state, programmed the way keepalived 2.2.7 does:
/// one service per endpoint (groups expanded); alive real servers with their weight; failed ones absent, or at
/// weight 0 with inhibit_on_failure; without quorum the sorry server replaces the alive real servers; a
/// sorry_server_inhibit sorry server waits at weight 0 while quorum holds.
/// </summary>
public static class WantedTable
{
    public static IpvsTable Build(LvsHaConfig config, IServiceHealth health)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(health);
        var entries = ImmutableArray.CreateBuilder<IpvsTableEntry>();
        var seen = new HashSet<IpvsServiceKey>();
        foreach (var virtualServer in config.VirtualServers)
        {
            foreach (var endpoint in virtualServer.Endpoints)
            {
                var service = Service(virtualServer, endpoint);
                // Validation refuses duplicate services; a group shared by two virtual servers of the same
                // protocol would program one kernel service, and keepalived keeps the first.
                if (!seen.Add(IpvsKeys.Normalize(service.Key)))
                    continue;
                entries.Add(new IpvsTableEntry(service, Destinations(virtualServer, endpoint, service.Key, health)));
            }
        }
        return new IpvsTable(entries.ToImmutable());
    }

    public static IpvsService Service(VirtualServer virtualServer, ServiceEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(virtualServer);
        ArgumentNullException.ThrowIfNull(endpoint);
        var family = endpoint.Family == IpFamily.IPv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        var protocol = endpoint.Protocol switch
        {
            ServiceProtocol.Udp => IpvsProtocol.Udp,
            ServiceProtocol.Sctp => IpvsProtocol.Sctp,
            _ => IpvsProtocol.Tcp,
        };
        var key = endpoint.IsFwmark
            ? new IpvsServiceKey(family, protocol, null, 0, endpoint.Fwmark)
            : new IpvsServiceKey(family, protocol, endpoint.Address, checked((ushort)endpoint.Port), 0);

        var flags = (IpvsServiceFlags)(uint)virtualServer.SchedulerFlags;
        if (virtualServer.OnePacketScheduling)
            flags |= IpvsServiceFlags.OnePacket;
        var scheduler = virtualServer.Scheduler.ToString().ToLowerInvariant();

        // keepalived sends timeout, granularity and engine only for a persistent service.
        if (virtualServer.PersistenceTimeout is > 0 and var timeout)
        {
            return new IpvsService(key, scheduler, flags | IpvsServiceFlags.Persistent, (uint)timeout,
                virtualServer.PersistencePrefixLength, virtualServer.PersistenceEngine);
        }
        return new IpvsService(key, scheduler, flags);
    }

    private static ImmutableArray<IpvsDestination> Destinations(VirtualServer virtualServer, ServiceEndpoint endpoint,
        IpvsServiceKey service, IServiceHealth health)
    {
        var destinations = ImmutableArray.CreateBuilder<IpvsDestination>();
        var sorry = virtualServer.SorryServer;
        var quorum = health.HasQuorum(virtualServer);
        var sorryInUse = sorry is not null && !quorum;

        foreach (var realServer in virtualServer.RealServers)
        {
            var state = health.Of(virtualServer, realServer);
            int weight;
            if (state.Alive && !sorryInUse)
                weight = state.Weight;
            else if (realServer.InhibitOnFailure)
                weight = 0; // keepalived turns every removal of an inhibit_on_failure server into weight 0
            else
                continue;
            destinations.Add(Destination(service, realServer.Address, realServer.PortFor(endpoint), realServer.Method, weight,
                realServer.UpperThreshold, realServer.LowerThreshold));
        }

        if (sorry is not null && (sorryInUse || sorry.Inhibit))
        {
            var sorryDestination = Destination(service, sorry.Address, sorry.PortFor(endpoint), sorry.Method, sorryInUse ? 1 : 0, 0, 0);
            // A sorry server that is also a real server is the same kernel destination: keep the real server's.
            if (!destinations.Any(d => d.Address.Equals(sorryDestination.Address) && d.Port == sorryDestination.Port))
                destinations.Add(sorryDestination);
        }
        return destinations.ToImmutable();
    }

    private static IpvsDestination Destination(IpvsServiceKey service, IPAddress address, int port,
        ForwardingMethod method, int weight, int upperThreshold, int lowerThreshold)
    {
        var destinationPort = checked((ushort)port);
        var forwarding = method.Method switch
        {
            LvsMethod.Dr => IpvsForwarding.DirectRoute,
            LvsMethod.Tun => IpvsForwarding.Tunnel,
            _ => IpvsForwarding.Masquerade,
        };
        IpvsTunnel? tunnel = method.Method == LvsMethod.Tun ? Tunnel(method) : null;
        return new IpvsDestination(service, address, destinationPort, forwarding, weight, (uint)upperThreshold, (uint)lowerThreshold, tunnel);
    }

    private static IpvsTunnel Tunnel(ForwardingMethod method) => method.Tunnel switch
    {
        TunnelType.Gue => new IpvsTunnel(IpvsTunnelType.Gue, checked((ushort)method.TunnelPort), ChecksumFlags(method.Checksum)),
        TunnelType.Gre => new IpvsTunnel(IpvsTunnelType.Gre, 0, ChecksumFlags(method.Checksum)),
        _ => new IpvsTunnel(IpvsTunnelType.IpIp),
    };

    private static IpvsTunnelFlags ChecksumFlags(TunnelChecksum checksum) => checksum switch
    {
        TunnelChecksum.Csum => IpvsTunnelFlags.Checksum,
        TunnelChecksum.RemCsum => IpvsTunnelFlags.RemoteChecksum,
        _ => IpvsTunnelFlags.NoChecksum,
    };
}
