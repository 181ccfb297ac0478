using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LvsHa.Vrrp.Wire;

/// <summary>What one vrrp_instance puts on the wire and accepts from it (keepalived 2.2.7's rules).</summary>
public sealed record VrrpWireSettings
{
    /// <summary>virtual_router_id.</summary>
    public required byte VirtualRouterId { get; init; }

    /// <summary>VRRP version, 2 (RFC 3768, IPv4 only, whole seconds) or 3 (RFC 5798).</summary>
    public required int Version { get; init; }

    /// <summary>The source of our adverts (mcast_src_ip / unicast_src_ip, else the interface's primary address).</summary>
    public required IPAddress LocalAddress { get; init; }

    /// <summary>The addresses adverts carry (virtual_ipaddress, not the excluded ones), all of one family.</summary>
    public required IReadOnlyList<IPAddress> Vips { get; init; }

    /// <summary>advert_int: VRRPv2 refuses adverts with another interval, as keepalived does.</summary>
    public required TimeSpan AdvertInterval { get; init; }

    /// <summary>unicast_peer: adverts go to each of them instead of the multicast group; empty for multicast.</summary>
    public IReadOnlyList<IPAddress> UnicastPeers { get; init; } = [];

    /// <summary>The multicast group (vrrp_mcast_group4/6; 224.0.0.18 / ff02::12 by default).</summary>
    public IPAddress? MulticastGroup { get; init; }

    /// <summary>VRRPv2 auth_type PASS password (at most 8 bytes), or null for none.</summary>
    public string? Password { get; init; }

    /// <summary>vrrp_skip_check_adv_addr: a backup does not re-check the address list of adverts from its current master.</summary>
    public bool SkipCheckAdvertAddresses { get; init; }

    /// <summary>True when adverts go to unicast peers.</summary>
    public bool Unicast => UnicastPeers.Count > 0;

    /// <summary>The IP family of the instance.</summary>
    public AddressFamily Family => LocalAddress.AddressFamily;

    /// <summary>The group adverts go to when not unicast.</summary>
    public IPAddress Group => MulticastGroup ?? (Family == AddressFamily.InterNetworkV6 ? VrrpV3Codec.MulticastGroupV6 : VrrpV3Codec.MulticastGroupV4);
}

/// <summary>A VRRP packet as a raw socket received it.</summary>
/// <param name="Source">IP source address.</param>
/// <param name="Destination">IP destination address (the group, or our own address for unicast).</param>
/// <param name="TimeToLive">IPv4 TTL or IPv6 hop limit; -1 when unknown.</param>
/// <param name="Message">The VRRP message (the IP payload).</param>
public sealed record ReceivedVrrpPacket(IPAddress Source, IPAddress Destination, int TimeToLive, ReadOnlyMemory<byte> Message);

/// <summary>Why a received advert was dropped (counted and logged once per sender and reason).</summary>
public enum AdvertDropReason
{
    /// <summary>Too short, wrong length for its address count, wrong type, VRID 0.</summary>
    Malformed,

    /// <summary>Checksum mismatch.</summary>
    BadChecksum,

    /// <summary>TTL / hop limit not 255 on a multicast advert (RFC 5798 5.1.1.3).</summary>
    BadTtl,

    /// <summary>Another VRRP version than the instance's.</summary>
    WrongVersion,

    /// <summary>VRRPv2 auth type or password differs from ours.</summary>
    AuthenticationMismatch,

    /// <summary>VRRPv2 advert interval differs from ours (keepalived drops these to avoid two masters).</summary>
    IntervalMismatch,

    /// <summary>The sender's address list differs from our virtual_ipaddress list.</summary>
    AddressListMismatch,

    /// <summary>A multicast advert to a unicast instance, or the reverse.</summary>
    UnicastMismatch,

    /// <summary>Not our address family.</summary>
    WrongFamily,
}

/// <summary>The verdict on one received packet: an input for the state machine, or why it was dropped.</summary>
/// <param name="Advert">The advert, when accepted.</param>
/// <param name="Drop">Why it was dropped, when it was.</param>
/// <param name="Detail">What exactly was wrong, for the log.</param>
public sealed record WireVerdict(AdvertReceived? Advert, AdvertDropReason? Drop, string Detail = "")
{
    /// <summary>Our own advert looped back: neither accepted nor a fault.</summary>
    public static readonly WireVerdict Own = new(null, null);
}

/// <summary>
/// One vrrp_instance's adverts on the wire (pure): builds the packets it sends and judges the ones it receives with
/// keepalived's checks (vrrp.c vrrp_check_packet): length, TTL 255 unless unicast, version, VRRPv2 authentication
/// and interval, checksum, multicast vs unicast, and the address list.
/// </summary>
public sealed class VrrpWire
{
    private readonly VrrpWireSettings _settings;
    private readonly byte[] _authData = new byte[VrrpV2Codec.AuthDataLength];
    private readonly HashSet<IPAddress> _vips;

    /// <summary>Creates the wire side of an instance.</summary>
    public VrrpWire(VrrpWireSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Version is not (2 or 3))
            throw new ArgumentException("VRRP version must be 2 or 3", nameof(settings));
        if (settings.Version == 2 && settings.Family != AddressFamily.InterNetwork)
            throw new ArgumentException("VRRPv2 runs over IPv4 only", nameof(settings));
        _settings = settings;
        _vips = [.. settings.Vips];
        if (settings.Password is { } password)
            Encoding.ASCII.GetBytes(password, 0, Math.Min(password.Length, VrrpV2Codec.AuthDataLength), _authData, 0);
    }

    /// <summary>The settings.</summary>
    public VrrpWireSettings Settings => _settings;

    /// <summary>Where each advert goes: the multicast group, or every unicast peer.</summary>
    public IReadOnlyList<IPAddress> Destinations => _settings.Unicast ? _settings.UnicastPeers : [_settings.Group];

    /// <summary>The advert for <paramref name="destination"/> (VRRPv3's checksum covers the destination).</summary>
    public byte[] Build(byte priority, TimeSpan advertInterval, IPAddress destination)
    {
        ArgumentNullException.ThrowIfNull(destination);

        // An instance without VIPs of its family still advertises (keepalived sends its adverts regardless); the
        // packet then names the source address so it stays well formed.
        IReadOnlyList<IPAddress> addresses = _settings.Vips.Count > 0 ? _settings.Vips : [_settings.LocalAddress];
        return _settings.Version == 2
            ? VrrpV2Codec.Encode(new VrrpV2Packet(
                _settings.VirtualRouterId, priority, (byte)Math.Clamp((int)Math.Round(advertInterval.TotalSeconds), 1, 255),
                _settings.Password is null ? VrrpV2AuthType.None : VrrpV2AuthType.SimplePassword, _authData, addresses))
            : VrrpV3Codec.Encode(
                new VrrpV3Packet(_settings.VirtualRouterId, priority, VrrpTiming.ToCentiseconds(advertInterval), addresses),
                _settings.LocalAddress, destination);
    }

    /// <summary>
    /// Judges <paramref name="packet"/> (already known to carry our VRID). <paramref name="currentMaster"/> is the
    /// master a backup follows: with vrrp_skip_check_adv_addr its adverts skip the address-list check.
    /// </summary>
    public WireVerdict Check(ReceivedVrrpPacket packet, IPAddress? currentMaster)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (packet.Source.AddressFamily != _settings.Family || packet.Destination.AddressFamily != _settings.Family)
            return Drop(AdvertDropReason.WrongFamily, $"{packet.Source.AddressFamily} packet for an {_settings.Family} instance");
        if (packet.Source.Equals(_settings.LocalAddress))
            return WireVerdict.Own;
        var message = packet.Message.Span;
        if (message.Length < 8)
            return Drop(AdvertDropReason.Malformed, $"{message.Length} bytes");
        if (message[0] >> 4 != _settings.Version)
            return Drop(AdvertDropReason.WrongVersion, $"VRRPv{message[0] >> 4}, ours is VRRPv{_settings.Version}");
        if (!_settings.Unicast && packet.TimeToLive is >= 0 and not 255)
            return Drop(AdvertDropReason.BadTtl, $"TTL {packet.TimeToLive}, expected 255");

        byte priority;
        TimeSpan interval;
        IReadOnlyList<IPAddress> addresses;
        try
        {
            if (_settings.Version == 2)
            {
                var v2 = VrrpV2Codec.Decode(message);
                if (v2.AuthType != (_settings.Password is null ? VrrpV2AuthType.None : VrrpV2AuthType.SimplePassword))
                    return Drop(AdvertDropReason.AuthenticationMismatch, $"auth type {(int)v2.AuthType}, ours is {(_settings.Password is null ? 0 : 1)}");
                if (_settings.Password is not null && !v2.AuthData.Span.SequenceEqual(_authData))
                    return Drop(AdvertDropReason.AuthenticationMismatch, "wrong auth_pass");
                if (TimeSpan.FromSeconds(v2.AdvertIntervalSeconds) != _settings.AdvertInterval)
                    return Drop(AdvertDropReason.IntervalMismatch, $"advert_int {v2.AdvertIntervalSeconds} s, ours is {_settings.AdvertInterval.TotalSeconds} s");
                (priority, interval, addresses) = (v2.Priority, TimeSpan.FromSeconds(v2.AdvertIntervalSeconds), v2.Addresses);
            }
            else
            {
                var v3 = VrrpV3Codec.Decode(message, packet.Source, packet.Destination);
                (priority, interval, addresses) = (v3.Priority, VrrpTiming.FromCentiseconds(v3.MaxAdvertIntervalCentiseconds), v3.Addresses);
            }
        }
        catch (VrrpFormatException e)
        {
            return Drop(e.ChecksumMismatch ? AdvertDropReason.BadChecksum : AdvertDropReason.Malformed, e.Message);
        }

        if (IsMulticast(packet.Destination) == _settings.Unicast)
            return Drop(AdvertDropReason.UnicastMismatch, _settings.Unicast ? "multicast advert to a unicast_peer instance" : "unicast advert to a multicast instance");
        var skip = _settings.SkipCheckAdvertAddresses && packet.Source.Equals(currentMaster);
        if (!skip && _settings.Vips.Count > 0 && (addresses.Count != _vips.Count || !addresses.All(_vips.Contains)))
            return Drop(AdvertDropReason.AddressListMismatch, $"advert names {string.Join(' ', addresses)}, ours are {string.Join(' ', _settings.Vips)}");
        return new WireVerdict(new AdvertReceived(packet.Source, priority, interval), null);
    }

    private static bool IsMulticast(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6
        ? address.IsIPv6Multicast
        : (address.GetAddressBytes()[0] & 0xF0) == 0xE0;

    private static WireVerdict Drop(AdvertDropReason reason, string detail) => new(null, reason, detail);
}
