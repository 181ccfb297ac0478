using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using LvsHa.Netlink;
using LvsHa.Netlink.Raw;
using LvsHa.Vrrp.Wire;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Adverts;

/// <summary>Sends one instance's VRRP packets out of its interface.</summary>
public interface IWireAdvertLink
{
    /// <summary>Sends <paramref name="message"/> from <paramref name="source"/> to <paramref name="destination"/>; throws <see cref="NetlinkException"/> when the kernel refuses.</summary>
    void Send(byte[] message, IPAddress source, IPAddress destination);
}

/// <summary>A VRRP packet for an instance actor, as the raw socket received it.</summary>
public sealed record WirePacketReceived(ReceivedVrrpPacket Packet);

/// <summary>
/// The directors' VRRP on the wire: one raw socket pair per interface and family (<see cref="VrrpSocket"/>), a
/// receive thread per socket that hands each packet to the instance actor of its virtual_router_id, and the links
/// the actors send through. Packets for a VRID no instance here runs are ignored, as keepalived ignores them.
/// </summary>
public sealed partial class WireAdverts : IDisposable
{
    private const int MaxPacket = 65535;
    private static readonly TimeSpan ReceiveRetryDelay = TimeSpan.FromSeconds(1);

    private readonly ILogger _logger;
    private readonly Dictionary<(string Interface, AddressFamily Family), SocketLink> _links = [];
    private readonly object _lock = new();
    private bool _disposed;

    /// <summary>Creates the manager; sockets open as instances ask for links.</summary>
    public WireAdverts(ILogger logger) => _logger = logger;

    /// <summary>The link of <paramref name="interfaceName"/> and <paramref name="family"/>, joined to <paramref name="group"/> when given (multicast instances).</summary>
    /// <exception cref="NetlinkException">The socket could not be opened or the group joined.</exception>
    public IWireAdvertLink Link(string interfaceName, AddressFamily family, IPAddress? group)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_links.TryGetValue((interfaceName, family), out var link))
            {
                link = new SocketLink(VrrpSocket.Open(interfaceName, family), this);
                _links[(interfaceName, family)] = link;
            }

            if (group is not null)
                link.Socket.Join(group);
            return link;
        }
    }

    /// <summary>Delivers packets of <paramref name="virtualRouterId"/> arriving on the link to <paramref name="instance"/>, and starts receiving.</summary>
    public void Route(string interfaceName, AddressFamily family, byte virtualRouterId, IActorRef instance)
    {
        lock (_lock)
        {
            _links[(interfaceName, family)].Start(virtualRouterId, instance);
        }
    }

    /// <summary>
    /// Stops delivering packets of <paramref name="virtualRouterId"/> arriving on the link (its instance ended); the
    /// link's socket closes with its last instance.
    /// </summary>
    public void Unroute(string interfaceName, AddressFamily family, byte virtualRouterId)
    {
        lock (_lock)
        {
            if (_disposed || !_links.TryGetValue((interfaceName, family), out var link) || !link.Stop(virtualRouterId))
                return;
            _links.Remove((interfaceName, family));
            link.Socket.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
            foreach (var link in _links.Values)
                link.Socket.Dispose();
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "Receiving VRRP packets on {Interface} failed: {Reason}; retrying")]
    private static partial void LogReceiveFailed(ILogger logger, string @interface, string reason);

    private sealed class SocketLink(VrrpSocket socket, WireAdverts owner) : IWireAdvertLink
    {
        private Thread? _receiver;

        public VrrpSocket Socket { get; } = socket;

        // Replaced whole (copy on write, under the owner's lock), never changed in place: the receive thread reads it
        // without a lock and sees a new route at its next packet.
        private volatile Dictionary<byte, IActorRef> _routes = [];

        public void Send(byte[] message, IPAddress source, IPAddress destination) => Socket.Send(message, source, destination);

        public void Start(byte virtualRouterId, IActorRef instance)
        {
            _routes = new Dictionary<byte, IActorRef>(_routes) { [virtualRouterId] = instance };
            if (_receiver is not null)
                return;
            _receiver = new Thread(Receive) { IsBackground = true, Name = $"vrrp-rx-{Socket.InterfaceName}" };
            _receiver.Start();
        }

        // True when no instance is left on the link.
        public bool Stop(byte virtualRouterId)
        {
            var routes = new Dictionary<byte, IActorRef>(_routes);
            routes.Remove(virtualRouterId);
            _routes = routes;
            return routes.Count == 0;
        }

        // One blocking receive per socket on its own thread: nothing wakes it but a packet or Dispose.
        private void Receive()
        {
            var buffer = new byte[MaxPacket];
            while (true)
            {
                try
                {
                    if (Socket.Receive(buffer) is not { } datagram)
                        return;
                    if (datagram.Length < 2 || !_routes.TryGetValue(buffer[datagram.Offset + 1], out var instance))
                        continue;
                    var message = buffer.AsSpan(datagram.Offset, datagram.Length).ToArray();
                    instance.Tell(
                        new WirePacketReceived(new ReceivedVrrpPacket(datagram.Source, datagram.Destination, datagram.TimeToLive, message)),
                        ActorRefs.NoSender);
                }
                catch (Exception e) when (e is NetlinkException or IOException)
                {
                    LogReceiveFailed(owner._logger, Socket.InterfaceName, e.Message);
                    Thread.Sleep(ReceiveRetryDelay);
                }
            }
        }
    }
}
