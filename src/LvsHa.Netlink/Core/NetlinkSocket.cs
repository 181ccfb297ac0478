using System.Runtime.InteropServices;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace LvsHa.Netlink.Core;

/// <summary>
/// An AF_NETLINK socket in a SafeHandle: blocking send/recv (the kernel answers at once), EINTR retried in
/// <see cref="Retry"/> only, every other errno turned into a <see cref="NetlinkException"/>.
/// </summary>
internal sealed unsafe class NetlinkSocket : IDisposable
{
    private const int SockaddrNlLength = 12;

    private readonly FileDescriptorHandle _handle;

    private NetlinkSocket(FileDescriptorHandle handle, NetlinkProtocol protocol, uint portId)
    {
        _handle = handle;
        Protocol = protocol;
        PortId = portId;
    }

    public NetlinkProtocol Protocol { get; }

    /// <summary>The port id the kernel assigned at bind (nl_pid).</summary>
    public uint PortId { get; }

    public SafeHandle Handle => _handle;

    /// <summary>
    /// Opens a socket subscribed to <paramref name="groups"/> (RTMGRP_* bits). With
    /// <paramref name="networkNamespacePath"/> the socket is created inside that namespace (it stays bound to it).
    /// </summary>
    public static NetlinkSocket Open(NetlinkProtocol protocol, uint groups = 0, string? networkNamespacePath = null) =>
        networkNamespacePath is null
            ? OpenHere(protocol, groups)
            : NetworkNamespace.Run(networkNamespacePath, () => OpenHere(protocol, groups));

    private static NetlinkSocket OpenHere(NetlinkProtocol protocol, uint groups)
    {
        var fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, (int)protocol);
        if (fd < 0)
            throw Failure(errno, $"opening a netlink socket (protocol {protocol})");
        var handle = new FileDescriptorHandle(fd);
        try
        {
            byte* address = stackalloc byte[SockaddrNlLength];
            new Span<byte>(address, SockaddrNlLength).Clear();
            *(ushort*)address = (ushort)AF_NETLINK;
            *(uint*)(address + 8) = groups;
            if (bind(fd, (sockaddr*)address, SockaddrNlLength) < 0)
                throw Failure(errno, "binding the netlink socket");
            socklen_t length = SockaddrNlLength;
            if (getsockname(fd, (sockaddr*)address, &length) < 0)
                throw Failure(errno, "reading the netlink socket's port id");
            var socketObject = new NetlinkSocket(handle, protocol, *(uint*)(address + 4));
            // Extended acks give rtnetlink's error text; capped acks keep a batch's error replies small.
            socketObject.TrySetOption(SOL_NETLINK, NetlinkSocketOption.ExtAck, 1);
            socketObject.TrySetOption(SOL_NETLINK, NetlinkSocketOption.CapAck, 1);
            return socketObject;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Asks for a receive buffer of <paramref name="bytes"/> (forced past rmem_max when privileged); returns what the kernel granted.</summary>
    public int SetReceiveBufferSize(int bytes)
    {
        if (!TrySetOption(SOL_SOCKET, SO_RCVBUFFORCE, bytes))
            TrySetOption(SOL_SOCKET, SO_RCVBUF, bytes);
        return GetOption(SOL_SOCKET, SO_RCVBUF);
    }

    /// <summary>A receive that waits longer than this fails instead of hanging (a lost answer).</summary>
    public void SetReceiveTimeout(TimeSpan timeout)
    {
        var value = stackalloc long[2];
        value[0] = (long)timeout.TotalSeconds;
        value[1] = timeout.Milliseconds * 1000L;
        using var use = new HandleUse(_handle);
        if (setsockopt(use.Fd, SOL_SOCKET, SO_RCVTIMEO, value, 16) < 0)
            throw Failure(errno, "setting the netlink receive timeout");
    }

    public void Send(ReadOnlySpan<byte> data)
    {
        using var use = new HandleUse(_handle);
        fixed (byte* pointer = data)
        {
            long sent;
            do
            {
                sent = send(use.Fd, pointer, (size_t)data.Length, 0);
            }
            while (Retry(sent, "sending a netlink request"));
            if (sent != data.Length)
                throw new NetlinkException($"sending a netlink request: {sent} of {data.Length} bytes sent");
        }
    }

    /// <summary>Receives one datagram; a datagram larger than the buffer is an error, not a silent cut.</summary>
    public int Receive(Span<byte> buffer)
    {
        using var use = new HandleUse(_handle);
        fixed (byte* pointer = buffer)
        {
            long received;
            do
            {
                received = recv(use.Fd, pointer, (size_t)buffer.Length, MSG_TRUNC);
            }
            while (Retry(received, "receiving a netlink answer"));
            if (received > buffer.Length)
                throw new NetlinkException($"receiving a netlink answer: a {received}-byte datagram did not fit the {buffer.Length}-byte buffer");
            return (int)received;
        }
    }

    /// <summary>
    /// Hands the descriptor to a <see cref="System.Net.Sockets.Socket"/> so the runtime's epoll-based async receive
    /// can wait for events with cancellation; this object no longer owns it.
    /// </summary>
    public System.Net.Sockets.Socket ToAsyncSocket()
    {
        var fd = _handle.DangerousGetHandle();
        _handle.SetHandleAsInvalid();
        return new System.Net.Sockets.Socket(new System.Net.Sockets.SafeSocketHandle(fd, ownsHandle: true));
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>The one place EINTR is retried: true = interrupted, call again; false = success; otherwise throws.</summary>
    internal static bool Retry(long result, string operation)
    {
        if (result >= 0)
            return false;
        var error = errno;
        if (error == EINTR)
            return true;
        throw Failure(error, operation);
    }

    internal static NetlinkException Failure(int error, string operation) =>
        error == EAGAIN
            ? new NetlinkException(error, operation, "no answer from the kernel in time")
            : new NetlinkException(error, operation);

    private bool TrySetOption(int level, int name, int value)
    {
        using var use = new HandleUse(_handle);
        return setsockopt(use.Fd, level, name, &value, sizeof(int)) == 0;
    }

    private int GetOption(int level, int name)
    {
        using var use = new HandleUse(_handle);
        int value = 0;
        socklen_t length = sizeof(int);
        if (getsockopt(use.Fd, level, name, &value, &length) < 0)
            throw Failure(errno, "reading a netlink socket option");
        return value;
    }
}

/// <summary>An owned file descriptor, closed exactly once.</summary>
internal sealed class FileDescriptorHandle : SafeHandle
{
    public FileDescriptorHandle(int fd) : base(new IntPtr(-1), ownsHandle: true)
    {
        SetHandle(new IntPtr(fd));
    }

    public override bool IsInvalid => handle.ToInt64() < 0;

    protected override bool ReleaseHandle() => close((int)handle) == 0;
}

/// <summary>Keeps the fd alive (not closed by a concurrent Dispose) while a syscall uses it.</summary>
internal readonly ref struct HandleUse
{
    private readonly SafeHandle _handle;

    public HandleUse(SafeHandle handle)
    {
        _handle = handle;
        var added = false;
        handle.DangerousAddRef(ref added);
        Fd = (int)handle.DangerousGetHandle();
    }

    public int Fd { get; }

    public void Dispose() => _handle.DangerousRelease();
}
