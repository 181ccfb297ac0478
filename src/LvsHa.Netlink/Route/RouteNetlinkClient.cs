using LvsHa.Netlink.Core;

namespace LvsHa.Netlink.Route;

/// <summary>
/// Addresses and links over rtnetlink (NETLINK_ROUTE) in one network namespace. Open with <see cref="Open"/>;
/// calls are serialised and run synchronously (the kernel answers at once).
/// </summary>
public sealed class RouteNetlinkClient : IAddressManager, IDisposable
{
    private readonly object _gate = new();
    private readonly NetlinkConnection _connection;

    private RouteNetlinkClient(NetlinkConnection connection)
    {
        _connection = connection;
    }

    /// <summary>Opens a route socket here, or inside <paramref name="networkNamespacePath"/> (e.g. /run/netns/NAME).</summary>
    public static RouteNetlinkClient Open(string? networkNamespacePath = null) =>
        new(new NetlinkConnection(NetlinkSocket.Open(NetlinkProtocol.Route, 0, networkNamespacePath)));

    public Task<IReadOnlyList<InterfaceAddress>> GetAddressesAsync(int? interfaceIndex = null, CancellationToken cancellationToken = default) =>
        Run<IReadOnlyList<InterfaceAddress>>(() =>
        {
            var addresses = new List<InterfaceAddress>();
            Dump(RouteMessages.WriteAddressDump, "listing addresses", (in NetlinkMessage message) =>
            {
                if (message.Type == Rtm.NewAddr && RouteMessages.ParseAddress(message) is { } address
                    && (interfaceIndex is null || address.InterfaceIndex == interfaceIndex))
                    addresses.Add(address);
            });
            return addresses;
        }, cancellationToken);

    public Task AddAddressAsync(InterfaceAddress address, CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            ArgumentNullException.ThrowIfNull(address);
            Request((w, s) => RouteMessages.WriteAddAddress(w, s, address), $"adding address {address}", null);
            return true;
        }, cancellationToken);

    public Task DeleteAddressAsync(InterfaceAddress address, CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            ArgumentNullException.ThrowIfNull(address);
            Request((w, s) => RouteMessages.WriteDeleteAddress(w, s, address), $"deleting address {address}", null);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<NetworkLink>> GetLinksAsync(CancellationToken cancellationToken = default) =>
        Run<IReadOnlyList<NetworkLink>>(() =>
        {
            var links = new List<NetworkLink>();
            Dump(RouteMessages.WriteLinkDump, "listing links", (in NetlinkMessage message) =>
            {
                if (message.Type == Rtm.NewLink)
                    links.Add(RouteMessages.ParseLink(message));
            });
            return links;
        }, cancellationToken);

    public Task<NetworkLink?> GetLinkAsync(string name, CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            NetworkLink? link = null;
            try
            {
                Request((w, s) => RouteMessages.WriteGetLinkByName(w, s, name), $"looking up link {name}", (in NetlinkMessage message) =>
                {
                    if (message.Type == Rtm.NewLink)
                        link = RouteMessages.ParseLink(message);
                });
            }
            catch (NetlinkException e) when (e.Errno == Errno.ENODEV)
            {
                return null;
            }
            return link;
        }, cancellationToken);

    public void Dispose()
    {
        lock (_gate)
            _connection.Dispose();
    }

    private void Request(Action<NetlinkWriter, uint> build, string subject, NetlinkReplyHandler? onReply) =>
        _connection.Request(build, onReply, Refusal(subject));

    private void Dump(Action<NetlinkWriter, uint> build, string subject, NetlinkReplyHandler onReply) =>
        _connection.Request(build, onReply, Refusal(subject));

    private static NetlinkErrorFactory Refusal(string subject) => (errno, text) => new NetlinkException(errno, subject, text);

    private Task<T> Run<T>(Func<T> action, CancellationToken cancellationToken) =>
        SynchronousCall.Run(_gate, action, cancellationToken);
}
