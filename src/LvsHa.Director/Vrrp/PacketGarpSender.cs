using System.Net;
using System.Net.Sockets;
using LvsHa.Config;
using LvsHa.Director.Instances;
using LvsHa.Netlink.Route;
using LvsHa.Vrrp;
using LvsHa.Vrrp.Wire;

namespace LvsHa.Director.Vrrp;

/// <summary>
/// Announces an instance's VIPs on a packet socket: gratuitous ARP for IPv4, unsolicited neighbour advertisements
/// for IPv6, from the MAC of each VIP's interface, paced by <see cref="GarpSchedule"/>.
/// </summary>
public sealed class PacketGarpSender : IGarpSender
{
    private readonly IAddressManager _addresses;
    private readonly RunningInstances _instances;
    private readonly TimeProvider _time;

    /// <summary>Creates the sender for the running instances.</summary>
    public PacketGarpSender(IAddressManager addresses, RunningInstances instances, TimeProvider time)
    {
        _addresses = addresses;
        _instances = instances;
        _time = time;
    }

    /// <inheritdoc />
    public async Task SendAsync(string instance, SendGratuitousArps burst, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(burst);
        var config = _instances[instance];
        var vips = NetlinkVipManager.VipsOf(config).ToList();
        var deviceOf = new Dictionary<IPAddress, string>();
        foreach (var vip in vips)
            deviceOf.TryAdd(vip.Address, vip.Device ?? config.Interface);
        var links = new Dictionary<string, NetworkLink>(StringComparer.Ordinal);
        foreach (var device in deviceOf.Values.Distinct(StringComparer.Ordinal))
        {
            links[device] = await _addresses.GetLinkAsync(device, cancellationToken).ConfigureAwait(false)
                ?? throw new DirectorConfigException($"vrrp_instance {instance}: no interface {device} to announce VIPs on");
        }

        var schedule = GarpSchedule.Expand(
            new SendGratuitousArps(burst.Repeat, burst.ArpInterval, burst.NaInterval), [.. deviceOf.Keys]);
        using var socket = PacketSocket.Open();
        var start = _time.GetTimestamp();
        foreach (var packet in schedule)
        {
            var wait = packet.Offset - _time.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            var link = links[deviceOf[packet.Vip]];
            if (link.MacAddress is not { } mac)
                throw new DirectorConfigException($"vrrp_instance {instance}: interface {link.Name} has no MAC address");
            socket.Send(link.Index, Frame(mac, packet.Vip));
        }
    }

    private static byte[] Frame(System.Net.NetworkInformation.PhysicalAddress mac, IPAddress vip) =>
        vip.AddressFamily == AddressFamily.InterNetworkV6
            ? UnsolicitedNeighborAdvertisement.Build(mac, vip, router: false)
            : GratuitousArp.Build(mac, vip);
}
