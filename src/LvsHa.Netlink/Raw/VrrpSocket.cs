using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using LvsHa.Netlink.Core;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace LvsHa.Netlink.Raw;

/// <summary>A VRRP packet as the kernel delivered it: addresses, TTL / hop limit and the VRRP message's length in the buffer.</summary>
/// <param name="Source">IP source.</param>
/// <param name="Destination">IP destination (the group, or our address for unicast adverts).</param>
/// <param name="TimeToLive">IPv4 TTL or IPv6 hop limit, -1 when the kernel did not say.</param>
/// <param name="Offset">Where the VRRP message starts in the receive buffer.</param>
/// <param name="Length">Its length.</param>
public readonly record struct VrrpDatagram(IPAddress Source, IPAddress Destination, int TimeToLive, int Offset, int Length);

/// <summary>
/// Raw IP protocol 112 sockets of one interface and family, as keepalived uses them: a receive socket bound to the
/// device and joined to the multicast groups (unbound to an address, or the kernel would filter the group's packets
/// out), and one send socket per source address (bound to it, TTL / hop limit 255, multicast out of this interface,
/// no loopback of our own adverts). Blocking receive: the caller runs <see cref="Receive"/> on a thread of its own;
/// <see cref="Dispose"/> wakes it.
/// </summary>
public sealed unsafe class VrrpSocket : IDisposable
{
    /// <summary>IP protocol number of VRRP.</summary>
    public const int Protocol = 112;

    private const int IpTos = 1;           // IP_TOS
    private const int TosNetworkControl = 0xC0; // keepalived's precedence for adverts
    private const int Ipv6RecvPktInfo = 49; // IPV6_RECVPKTINFO
    private const int Ipv6PktInfo = 50;     // IPV6_PKTINFO
    private const int Ipv6RecvHopLimit = 51; // IPV6_RECVHOPLIMIT
    private const int Ipv6HopLimit = 52;    // IPV6_HOPLIMIT

    private readonly FileDescriptorHandle _receiver;
    private readonly Dictionary<IPAddress, FileDescriptorHandle> _senders = [];
    private readonly HashSet<IPAddress> _joined = [];
    private readonly object _sendersLock = new();
    private volatile bool _disposed;

    private VrrpSocket(string interfaceName, int interfaceIndex, AddressFamily family, FileDescriptorHandle receiver)
    {
        InterfaceName = interfaceName;
        InterfaceIndex = interfaceIndex;
        Family = family;
        _receiver = receiver;
    }

    /// <summary>The interface.</summary>
    public string InterfaceName { get; }

    /// <summary>Its index.</summary>
    public int InterfaceIndex { get; }

    /// <summary>IPv4 or IPv6.</summary>
    public AddressFamily Family { get; }

    private bool V6 => Family == AddressFamily.InterNetworkV6;

    private int Level => V6 ? IPPROTO_IPV6 : IPPROTO_IP;

    /// <summary>Opens the receive socket on <paramref name="interfaceName"/> (needs CAP_NET_RAW); <see cref="Join"/> adds groups.</summary>
    /// <exception cref="NetlinkException">The interface does not exist, or a socket call failed (the message names both).</exception>
    public static VrrpSocket Open(string interfaceName, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        var index = Raw.InterfaceIndex.Of(interfaceName);
        if (index == 0)
            throw Failure(Marshal.GetLastPInvokeError(), $"looking up interface {interfaceName} for VRRP");
        var handle = NewSocket(family, interfaceName);
        var socket = new VrrpSocket(interfaceName, index, family, handle);
        try
        {
            if (family == AddressFamily.InterNetworkV6)
            {
                using var use = new HandleUse(handle);
                socket.SetInt(use.Fd, IPPROTO_IPV6, Ipv6RecvPktInfo, 1, "IPV6_RECVPKTINFO");
                socket.SetInt(use.Fd, IPPROTO_IPV6, Ipv6RecvHopLimit, 1, "IPV6_RECVHOPLIMIT");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Joins multicast <paramref name="group"/> on this interface (once per group).</summary>
    /// <exception cref="NetlinkException">The kernel refused.</exception>
    public void Join(IPAddress group)
    {
        ArgumentNullException.ThrowIfNull(group);
        lock (_sendersLock)
        {
            if (!_joined.Add(group))
                return;
        }

        using var use = new HandleUse(_receiver);
        Join(use.Fd, group);
    }

    /// <summary>Sends <paramref name="message"/> from <paramref name="source"/> to <paramref name="destination"/> out of this interface.</summary>
    /// <exception cref="NetlinkException">sendto failed (e.g. the source address is gone, the link is down).</exception>
    public void Send(ReadOnlySpan<byte> message, IPAddress source, IPAddress destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var sender = Sender(source);
        using var use = new HandleUse(sender);
        byte* address = stackalloc byte[28];
        var length = WriteSockaddr(new Span<byte>(address, 28), destination);
        fixed (byte* data = message)
        {
            while (true)
            {
                var sent = sendto(use.Fd, data, message.Length, 0, (sockaddr*)address, length);
                if (sent >= 0)
                    return;
                var error = errno;
                if (error != Errno.EINTR)
                    throw Failure(error, $"sending a VRRP advert from {source} to {destination}");
            }
        }
    }

    /// <summary>
    /// Waits for the next VRRP packet and copies it into <paramref name="buffer"/>; null once the socket is disposed.
    /// Packets that are too short to carry an IP header are skipped.
    /// </summary>
    /// <exception cref="NetlinkException">recvmsg failed for another reason than EINTR or disposal.</exception>
    public VrrpDatagram? Receive(Span<byte> buffer)
    {
        byte* name = stackalloc byte[28];
        byte* control = stackalloc byte[128];
        while (!_disposed)
        {
            var added = false;
            try
            {
                _receiver.DangerousAddRef(ref added);
                var fd = (int)_receiver.DangerousGetHandle();
                fixed (byte* data = buffer)
                {
                    iovec io = default;
                    io.iov_base = data;
                    io.iov_len = (size_t)buffer.Length;
                    msghdr header = default;
                    header.msg_name = name;
                    header.msg_namelen = 28;
                    header.msg_iov = &io;
                    header.msg_iovlen = 1;
                    header.msg_control = control;
                    header.msg_controllen = 128;
                    var received = (int)recvmsg(fd, &header, 0);
                    if (received < 0)
                    {
                        var error = errno;
                        if (error == Errno.EINTR || _disposed)
                            continue;
                        throw Failure(error, "receiving VRRP packets");
                    }

                    if (_disposed)
                        return null;
                    var datagram = V6
                        ? FromIpv6(new ReadOnlySpan<byte>(name, 28), new ReadOnlySpan<byte>(control, (int)header.msg_controllen), received)
                        : FromIpv4(buffer[..received]);
                    if (datagram is not null)
                        return datagram;
                }
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            finally
            {
                if (added)
                    _receiver.DangerousRelease();
            }
        }

        return null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;

        // shutdown wakes a thread blocked in recvmsg (it returns 0); close alone would not.
        if (!_receiver.IsClosed)
        {
            using (var use = new HandleUse(_receiver))
                _ = shutdown(use.Fd, SHUT_RDWR);
            _receiver.Dispose();
        }

        lock (_sendersLock)
        {
            foreach (var sender in _senders.Values)
                sender.Dispose();
            _senders.Clear();
        }
    }

    private static FileDescriptorHandle NewSocket(AddressFamily family, string interfaceName)
    {
        var fd = socket(family == AddressFamily.InterNetworkV6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, Protocol);
        if (fd < 0)
            throw Failure(errno, $"opening a raw VRRP socket on {interfaceName}");
        var handle = new FileDescriptorHandle(fd);
        var name = Encoding.ASCII.GetBytes(interfaceName + "\0");
        fixed (byte* value = name)
        {
            if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, value, name.Length) < 0)
            {
                var error = errno;
                handle.Dispose();
                throw Failure(error, $"binding the VRRP socket to {interfaceName}");
            }
        }

        return handle;
    }

    private FileDescriptorHandle Sender(IPAddress source)
    {
        lock (_sendersLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_senders.TryGetValue(source, out var existing))
                return existing;
            var handle = NewSocket(Family, InterfaceName);
            try
            {
                using var use = new HandleUse(handle);
                if (V6)
                {
                    SetInt(use.Fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS");
                    SetInt(use.Fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
                    SetInt(use.Fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, InterfaceIndex, "IPV6_MULTICAST_IF");
                    SetInt(use.Fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
                }
                else
                {
                    SetInt(use.Fd, IPPROTO_IP, IP_MULTICAST_TTL, 255, "IP_MULTICAST_TTL");
                    SetInt(use.Fd, IPPROTO_IP, IP_TTL, 255, "IP_TTL");
                    SetInt(use.Fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
                    SetInt(use.Fd, IPPROTO_IP, IpTos, TosNetworkControl, "IP_TOS");
                    var request = stackalloc byte[12]; // struct ip_mreqn: group, address, ifindex
                    new Span<byte>(request, 12).Clear();
                    BinaryPrimitives.WriteInt32LittleEndian(new Span<byte>(request + 8, 4), InterfaceIndex);
                    if (setsockopt(use.Fd, IPPROTO_IP, IP_MULTICAST_IF, request, 12) < 0)
                        throw Failure(errno, $"setting IP_MULTICAST_IF on {InterfaceName}");
                }

                byte* address = stackalloc byte[28];
                var length = WriteSockaddr(new Span<byte>(address, 28), source);
                if (bind(use.Fd, (sockaddr*)address, length) < 0)
                    throw Failure(errno, $"binding the VRRP send socket to {source} on {InterfaceName} (is the address on the interface?)");
            }
            catch
            {
                handle.Dispose();
                throw;
            }

            _senders[source] = handle;
            return handle;
        }
    }

    private void Join(int fd, IPAddress group)
    {
        if (V6)
        {
            var request = stackalloc byte[20]; // struct ipv6_mreq: group, ifindex
            group.TryWriteBytes(new Span<byte>(request, 16), out _);
            BinaryPrimitives.WriteInt32LittleEndian(new Span<byte>(request + 16, 4), InterfaceIndex);
            if (setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, request, 20) < 0)
                throw Failure(errno, $"joining {group} on {InterfaceName}");
        }
        else
        {
            var request = stackalloc byte[12]; // struct ip_mreqn: group, address, ifindex
            new Span<byte>(request, 12).Clear();
            group.TryWriteBytes(new Span<byte>(request, 4), out _);
            BinaryPrimitives.WriteInt32LittleEndian(new Span<byte>(request + 8, 4), InterfaceIndex);
            if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, request, 12) < 0)
                throw Failure(errno, $"joining {group} on {InterfaceName}");
        }
    }

    private void SetInt(int fd, int level, int option, int value, string what)
    {
        if (setsockopt(fd, level, option, &value, sizeof(int)) < 0)
            throw Failure(errno, $"setting {what} on the VRRP socket of {InterfaceName}");
    }

    // struct sockaddr_in / sockaddr_in6 (scope = this interface, which link-local and ff02:: addresses need).
    private int WriteSockaddr(Span<byte> target, IPAddress address)
    {
        target.Clear();
        if (V6)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)AF_INET6);
            address.TryWriteBytes(target.Slice(8, 16), out _);
            BinaryPrimitives.WriteUInt32LittleEndian(target[24..], (uint)InterfaceIndex);
            return 28;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)AF_INET);
        address.TryWriteBytes(target.Slice(4, 4), out _);
        return 16;
    }

    // A raw IPv4 socket delivers the IP header with the payload.
    private static VrrpDatagram? FromIpv4(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 20 || packet[0] >> 4 != 4)
            return null;
        var headerLength = (packet[0] & 0x0F) * 4;
        if (headerLength < 20 || headerLength > packet.Length)
            return null;
        return new VrrpDatagram(
            new IPAddress(packet.Slice(12, 4)), new IPAddress(packet.Slice(16, 4)), packet[8], headerLength, packet.Length - headerLength);
    }

    // A raw IPv6 socket delivers the payload only: the source comes from msg_name, the destination and hop limit
    // from the IPV6_PKTINFO and IPV6_HOPLIMIT control messages.
    private static VrrpDatagram? FromIpv6(ReadOnlySpan<byte> name, ReadOnlySpan<byte> control, int length)
    {
        var source = new IPAddress(name.Slice(8, 16));
        IPAddress? destination = null;
        var hopLimit = -1;
        var word = sizeof(nint);
        var headerLength = Align(word + 8, word); // cmsg_len (size_t), cmsg_level, cmsg_type
        var offset = 0;
        while (offset + headerLength <= control.Length)
        {
            var cmsgLength = word == 8 ? (long)BinaryPrimitives.ReadUInt64LittleEndian(control[offset..]) : BinaryPrimitives.ReadUInt32LittleEndian(control[offset..]);
            if (cmsgLength < headerLength || offset + cmsgLength > control.Length)
                break;
            var level = BinaryPrimitives.ReadInt32LittleEndian(control[(offset + word)..]);
            var type = BinaryPrimitives.ReadInt32LittleEndian(control[(offset + word + 4)..]);
            var data = control.Slice(offset + headerLength, (int)cmsgLength - headerLength);
            if (level == IPPROTO_IPV6 && type == Ipv6PktInfo && data.Length >= 16)
                destination = new IPAddress(data[..16]);
            else if (level == IPPROTO_IPV6 && type == Ipv6HopLimit && data.Length >= 4)
                hopLimit = BinaryPrimitives.ReadInt32LittleEndian(data);
            offset += Align((int)cmsgLength, word);
        }

        return destination is null ? null : new VrrpDatagram(source, destination, hopLimit, 0, length);
    }

    private static int Align(int value, int to) => (value + to - 1) & ~(to - 1);

    private static NetlinkException Failure(int error, string operation) => NetlinkSocket.Failure(error, operation);
}
