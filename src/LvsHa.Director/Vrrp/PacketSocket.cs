using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace LvsHa.Director.Vrrp;

/// <summary>An AF_PACKET SOCK_RAW socket that sends whole Ethernet frames out of one interface (send only).</summary>
public sealed unsafe class PacketSocket : IDisposable
{
    // struct sockaddr_ll: family u16, protocol u16 (network order), ifindex i32, hatype u16, pkttype u8, halen u8, addr[8].
    private const int SockaddrLlLength = 20;
    private const int EIntr = 4;

    private readonly SafeFileDescriptor _fd;

    private PacketSocket(SafeFileDescriptor fd) => _fd = fd;

    /// <summary>Opens the socket (needs CAP_NET_RAW). Protocol 0: it receives nothing, so nothing queues up.</summary>
    /// <exception cref="IOException">socket() failed.</exception>
    public static PacketSocket Open()
    {
        var fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
        if (fd < 0)
            throw Failure("opening a packet socket");
        return new PacketSocket(new SafeFileDescriptor(fd));
    }

    /// <summary>Sends <paramref name="frame"/> (Ethernet header included) out of interface <paramref name="interfaceIndex"/>.</summary>
    /// <exception cref="IOException">sendto() failed.</exception>
    public void Send(int interfaceIndex, ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 14)
            throw new ArgumentException("an Ethernet frame has at least 14 bytes", nameof(frame));
        byte* address = stackalloc byte[SockaddrLlLength];
        var span = new Span<byte>(address, SockaddrLlLength);
        span.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)AF_PACKET);
        frame.Slice(12, 2).CopyTo(span[2..]); // EtherType, already network order
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], interfaceIndex);
        span[11] = 6;
        frame[..6].CopyTo(span[12..]); // destination MAC
        var added = false;
        try
        {
            _fd.DangerousAddRef(ref added);
            var fd = (int)_fd.DangerousGetHandle();
            fixed (byte* data = frame)
            {
                while (true)
                {
                    var sent = sendto(fd, data, frame.Length, 0, (sockaddr*)address, SockaddrLlLength);
                    if (sent >= 0)
                        return;
                    if (errno != EIntr)
                        throw Failure($"sending a frame on interface #{interfaceIndex}");
                }
            }
        }
        finally
        {
            if (added)
                _fd.DangerousRelease();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _fd.Dispose();

    private static IOException Failure(string what)
    {
        var code = errno;
        return new IOException($"{what}: {Marshal.GetPInvokeErrorMessage(code)} (errno {code})");
    }

    private sealed class SafeFileDescriptor : SafeHandle
    {
        public SafeFileDescriptor(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

        public override bool IsInvalid => handle.ToInt64() < 0;

        protected override bool ReleaseHandle() => close((int)handle) == 0;
    }
}
