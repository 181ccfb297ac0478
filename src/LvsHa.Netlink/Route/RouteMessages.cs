using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using LvsHa.Netlink.Core;

namespace LvsHa.Netlink.Route;

/// <summary>rtnetlink message numbers (include/uapi/linux/rtnetlink.h, if_addr.h, if_link.h).</summary>
internal static class Rtm
{
    public const ushort NewLink = 16;
    public const ushort DelLink = 17;
    public const ushort GetLink = 18;
    public const ushort NewAddr = 20;
    public const ushort DelAddr = 21;
    public const ushort GetAddr = 22;

    public const uint GroupLink = 0x1;
    public const uint GroupIpv4Address = 0x10;
    public const uint GroupIpv6Address = 0x100;

    public const int IfAddrMsgLength = 8;
    public const int IfInfoMsgLength = 16;

    public const ushort IfaAddress = 1;
    public const ushort IfaLocal = 2;
    public const ushort IfaLabel = 3;
    public const ushort IfaBroadcast = 4;
    public const ushort IfaFlags = 8;

    public const ushort IflaAddress = 1;
    public const ushort IflaIfname = 3;
    public const ushort IflaMtu = 4;
    public const ushort IflaOperState = 16;
    public const ushort IflaCarrier = 33;

    public const uint IffUp = 0x1;
    public const uint IffLowerUp = 0x10000;

    public const byte AfUnspec = 0;
    public const byte AfInet = 2;
    public const byte AfInet6 = 10;
}

/// <summary>Builds rtnetlink address/link requests and decodes replies and events; pure, tested byte for byte.</summary>
internal static class RouteMessages
{
    public static void WriteAddAddress(NetlinkWriter writer, uint sequence, InterfaceAddress address) =>
        WriteAddress(writer, sequence, Rtm.NewAddr, NlMsgFlags.Request | NlMsgFlags.Ack | NlMsgFlags.Create | NlMsgFlags.Excl, address);

    public static void WriteDeleteAddress(NetlinkWriter writer, uint sequence, InterfaceAddress address) =>
        WriteAddress(writer, sequence, Rtm.DelAddr, NlMsgFlags.Request | NlMsgFlags.Ack, address);

    public static void WriteAddressDump(NetlinkWriter writer, uint sequence)
    {
        var start = writer.BeginMessage(Rtm.GetAddr, NlMsgFlags.Request | NlMsgFlags.Dump, sequence);
        writer.WriteBytes(stackalloc byte[Rtm.IfAddrMsgLength]);
        writer.EndMessage(start);
    }

    public static void WriteLinkDump(NetlinkWriter writer, uint sequence)
    {
        var start = writer.BeginMessage(Rtm.GetLink, NlMsgFlags.Request | NlMsgFlags.Dump, sequence);
        writer.WriteBytes(stackalloc byte[Rtm.IfInfoMsgLength]);
        writer.EndMessage(start);
    }

    public static void WriteGetLinkByName(NetlinkWriter writer, uint sequence, string name)
    {
        var start = writer.BeginMessage(Rtm.GetLink, NlMsgFlags.Request | NlMsgFlags.Ack, sequence);
        writer.WriteBytes(stackalloc byte[Rtm.IfInfoMsgLength]);
        writer.PutString(Rtm.IflaIfname, name);
        writer.EndMessage(start);
    }

    /// <summary>A link or address message (reply or event); null for message types this layer does not model.</summary>
    public static NetworkChange? ParseChange(in NetlinkMessage message) => message.Type switch
    {
        Rtm.NewLink => new LinkChange(ParseLink(message), false),
        Rtm.DelLink => new LinkChange(ParseLink(message), true),
        Rtm.NewAddr => ParseAddress(message) is { } added ? new AddressChange(added, false) : null,
        Rtm.DelAddr => ParseAddress(message) is { } removed ? new AddressChange(removed, true) : null,
        _ => null,
    };

    /// <summary>An ifaddrmsg and its attributes; null for families other than IPv4/IPv6.</summary>
    public static InterfaceAddress? ParseAddress(in NetlinkMessage message)
    {
        var header = message.Payload;
        if (header.Length < Rtm.IfAddrMsgLength)
            throw new NetlinkProtocolException($"address message with {header.Length} payload bytes");
        var family = header[0] switch
        {
            Rtm.AfInet => AddressFamily.InterNetwork,
            Rtm.AfInet6 => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unknown,
        };
        if (family == AddressFamily.Unknown)
            return null;
        var prefix = header[1];
        var flags = (InterfaceAddressFlags)header[2];
        var scope = (AddressScope)header[3];
        var index = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        IPAddress? local = null, address = null, broadcast = null;
        string? label = null;
        var attributes = message.Attributes(Rtm.IfAddrMsgLength);
        while (attributes.TryRead(out var attribute))
        {
            switch (attribute.Type)
            {
                case Rtm.IfaAddress: address = attribute.Address(family); break;
                case Rtm.IfaLocal: local = attribute.Address(family); break;
                case Rtm.IfaBroadcast: broadcast = attribute.Address(AddressFamily.InterNetwork); break;
                case Rtm.IfaLabel: label = attribute.String(); break;
                case Rtm.IfaFlags: flags = (InterfaceAddressFlags)attribute.U32(); break;
            }
        }
        // IFA_LOCAL is the interface's own address; IFA_ADDRESS the peer on point-to-point links (IPv6 sends only IFA_ADDRESS).
        var own = local ?? address ?? throw new NetlinkProtocolException("address message without an address");
        return new InterfaceAddress(index, own, prefix, label, scope, broadcast, flags);
    }

    public static NetworkLink ParseLink(in NetlinkMessage message)
    {
        var header = message.Payload;
        if (header.Length < Rtm.IfInfoMsgLength)
            throw new NetlinkProtocolException($"link message with {header.Length} payload bytes");
        var index = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        string? name = null;
        PhysicalAddress? mac = null;
        var mtu = 0;
        var operState = LinkOperationalState.Unknown;
        bool? carrier = null;
        var attributes = message.Attributes(Rtm.IfInfoMsgLength);
        while (attributes.TryRead(out var attribute))
        {
            switch (attribute.Type)
            {
                case Rtm.IflaIfname: name = attribute.String(); break;
                case Rtm.IflaAddress: mac = new PhysicalAddress(attribute.Value.ToArray()); break;
                case Rtm.IflaMtu: mtu = (int)attribute.U32(); break;
                case Rtm.IflaOperState: operState = (LinkOperationalState)attribute.U8(); break;
                case Rtm.IflaCarrier: carrier = attribute.U8() != 0; break;
            }
        }
        if (name is null)
            throw new NetlinkProtocolException($"link #{index} without a name");
        return new NetworkLink(index, name, (flags & Rtm.IffUp) != 0, carrier ?? (flags & Rtm.IffLowerUp) != 0, mac, operState, mtu, flags);
    }

    private static void WriteAddress(NetlinkWriter writer, uint sequence, ushort type, ushort flags, InterfaceAddress address)
    {
        var v6 = address.Address.AddressFamily == AddressFamily.InterNetworkV6;
        var start = writer.BeginMessage(type, flags, sequence);
        Span<byte> header = stackalloc byte[Rtm.IfAddrMsgLength];
        header[0] = v6 ? Rtm.AfInet6 : Rtm.AfInet;
        header[1] = (byte)address.PrefixLength;
        // Flags above 8 bits (noprefixroute, ...) only fit the IFA_FLAGS attribute, as iproute2 sends them.
        header[2] = (uint)address.Flags <= 0xff ? (byte)address.Flags : (byte)0;
        header[3] = (byte)address.Scope;
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], address.InterfaceIndex);
        writer.WriteBytes(header);
        writer.PutAddress(Rtm.IfaLocal, address.Address);
        writer.PutAddress(Rtm.IfaAddress, address.Address);
        if (!v6 && address.Broadcast is { } broadcast)
            writer.PutAddress(Rtm.IfaBroadcast, broadcast);
        if (!v6 && !string.IsNullOrEmpty(address.Label))
            writer.PutString(Rtm.IfaLabel, address.Label);
        if ((uint)address.Flags > 0xff)
            writer.PutU32(Rtm.IfaFlags, (uint)address.Flags);
        writer.EndMessage(start);
    }
}
