using System.Net.Sockets;
using System.Runtime.CompilerServices;
using LvsHa.Netlink.Core;

namespace LvsHa.Netlink.Route;

/// <summary>
/// Link and address events of one network namespace from the rtnetlink multicast groups. Each
/// <see cref="WatchAsync"/> opens its own subscribed socket and waits with the runtime's async receive.
/// </summary>
public sealed class LinkMonitor : ILinkMonitor
{
    private const int EventBufferLength = 64 * 1024;
    private const int ENOBUFS = 105;

    private readonly string? _networkNamespacePath;

    /// <param name="networkNamespacePath">Watch inside this namespace (e.g. /run/netns/NAME); null for the process's own.</param>
    public LinkMonitor(string? networkNamespacePath = null)
    {
        _networkNamespacePath = networkNamespacePath;
    }

    /// <summary>Kernel queue for events not yet read; a burst beyond it is reported as <see cref="ChangesLost"/>.</summary>
    internal int ReceiveBufferBytes { get; init; } = 1024 * 1024;

    public IAsyncEnumerable<NetworkChange> WatchAsync(CancellationToken cancellationToken = default)
    {
        // Subscribe now, not at the first MoveNextAsync, so events between this call and the first read are kept.
        var netlink = NetlinkSocket.Open(NetlinkProtocol.Route, Rtm.GroupLink | Rtm.GroupIpv4Address | Rtm.GroupIpv6Address, _networkNamespacePath);
        netlink.SetReceiveBufferSize(ReceiveBufferBytes);
        return Watch(netlink.ToAsyncSocket(), cancellationToken);
    }

    private static async IAsyncEnumerable<NetworkChange> Watch(Socket socket, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var owned = socket;
        var buffer = new byte[EventBufferLength];
        var changes = new List<NetworkChange>();
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e) when (e.NativeErrorCode == ENOBUFS)
            {
                length = -1;
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            if (length < 0)
            {
                yield return new ChangesLost();
                continue;
            }
            changes.Clear();
            Decode(buffer.AsSpan(0, length), changes);
            foreach (var change in changes)
                yield return change;
        }
    }

    internal static void Decode(ReadOnlySpan<byte> datagram, List<NetworkChange> changes)
    {
        var reader = new NetlinkMessageReader(datagram);
        while (reader.TryRead(out var message))
        {
            if (RouteMessages.ParseChange(message) is { } change)
                changes.Add(change);
        }
    }
}
