using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace LvsHa.Health.Checkers;

/// <summary>Non-blocking TCP connects completed by one epoll thread for the whole process, as keepalived's checker
/// thread does: connect(2) returns EINPROGRESS, the socket waits in epoll for EPOLLOUT, and the thread reads SO_ERROR
/// and completes the connect inline, so the check's continuation (close, result, next schedule) runs there too.</summary>
/// <remarks>Why not <see cref="Socket.ConnectAsync(EndPoint, CancellationToken)"/>: .NET's socket engine hands every
/// completion to the thread pool, and at thousands of checks a second the pool's workers wake, finish in
/// microseconds and spin (sched_yield) before sleeping again; that spinning cost as much CPU as the checks. The code
/// after a connect is short and never blocks (the scheduler only takes its locks and hands decisions to the sink), so
/// running it on this thread is safe. Only TCP_CHECK uses it: the other checkers keep doing I/O on the socket.</remarks>
internal static partial class TcpConnector
{
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const uint EpollOut = 0x004;
    private const uint EpollOneShot = 1u << 30;
    private const int EpollCloexec = 0x80000;
    private const int InProgress = 115;
    private const int Interrupted = 4;
    private const int SolSocket = 1;
    private const int SoError = 4;
    private const int MaxEvents = 256;

    // struct epoll_event is packed on x86-64 (12 bytes), naturally aligned elsewhere (16 bytes).
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;
    private static readonly ConcurrentDictionary<long, PendingConnect> Pending = new();
    private static readonly Lazy<int> Epoll = new(StartEpollThread, LazyThreadSafetyMode.ExecutionAndPublication);
    private static long nextId;

    /// <summary>Connects <paramref name="socket"/> (fresh, possibly bound) to <paramref name="remote"/>.</summary>
    /// <exception cref="SocketException">The connection failed (the message is the system's, e.g. "Connection refused").</exception>
    /// <exception cref="OperationCanceledException">Cancelled (the attempt timeout).</exception>
    public static Task ConnectAsync(Socket socket, IPEndPoint remote, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var epoll = Epoll.Value;
        socket.Blocking = false;
        var fd = (int)socket.SafeHandle.DangerousGetHandle();
        var address = SocketAddress(remote);
        if (Connect(fd, address, address.Length) == 0) return Task.CompletedTask;
        var errno = Marshal.GetLastPInvokeError();
        if (errno != InProgress) return Task.FromException(Failure(errno));

        var pending = new PendingConnect(Interlocked.Increment(ref nextId), fd);
        Pending[pending.Id] = pending;

        // Registered before the socket enters epoll, so that a completion always finds the registration to drop.
        if (cancellationToken.CanBeCanceled)
            pending.Registration = cancellationToken.UnsafeRegister(static (state, ct) => ((PendingConnect)state!).Cancel(ct), pending);
        var ev = new byte[EventSize];
        BitConverter.TryWriteBytes(ev.AsSpan(0, 4), EpollOut | EpollOneShot);
        BitConverter.TryWriteBytes(ev.AsSpan(DataOffset, 8), pending.Id);
        if (EpollCtl(epoll, EpollCtlAdd, fd, ev) != 0 && Pending.TryRemove(pending.Id, out _))
        {
            pending.Registration.Unregister();
            pending.TrySetException(Failure(Marshal.GetLastPInvokeError()));
        }

        return pending.Task;
    }

    private static int StartEpollThread()
    {
        var epoll = EpollCreate1(EpollCloexec);
        if (epoll < 0) throw new SocketException((int)SocketError.SocketError, $"epoll_create1: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        new Thread(() =>
        {
            JoinProcessNetworkNamespace();
            Run(epoll);
        })
        { IsBackground = true, Name = "lvsha-tcp-check" }.Start();
        return epoll;
    }

    /// <summary>A new thread inherits its creator's network namespace, and the first connect may come from a thread
    /// that visits another one (<see cref="NetworkNamespace"/>): this thread, which runs the checks' continuations,
    /// moves to the process's own namespace (the main thread's) so that no later socket is created elsewhere.</summary>
    private static void JoinProcessNetworkNamespace()
    {
        try
        {
            var own = new FileInfo("/proc/thread-self/ns/net").LinkTarget;
            var process = new FileInfo("/proc/self/ns/net").LinkTarget;
            if (own == process) return;
            using var target = File.OpenHandle("/proc/self/ns/net");
            _ = SetNs((int)target.DangerousGetHandle(), 0x40000000);
        }
        catch (IOException)
        {
            // No /proc: stay where created.
        }
    }

    private static void Run(int epoll)
    {
        var events = new byte[EventSize * MaxEvents];
        while (true)
        {
            var count = EpollWait(epoll, events, MaxEvents, -1);
            if (count < 0)
            {
                if (Marshal.GetLastPInvokeError() == Interrupted) continue;
                Thread.Sleep(10); // Never spin on a persistent error; each connect still ends by its timeout.
                continue;
            }

            for (var i = 0; i < count; i++)
            {
                var id = BitConverter.ToInt64(events, (i * EventSize) + DataOffset);
                if (Pending.TryRemove(id, out var pending)) pending.Complete();
            }
        }
    }

    private static SocketException Failure(int errno) => new((int)ToSocketError(errno), Marshal.GetPInvokeErrorMessage(errno));

    private static SocketError ToSocketError(int errno) => errno switch
    {
        111 => SocketError.ConnectionRefused,
        101 => SocketError.NetworkUnreachable,
        113 => SocketError.HostUnreachable,
        110 => SocketError.TimedOut,
        99 => SocketError.AddressNotAvailable,
        1 or 13 => SocketError.AccessDenied,
        _ => SocketError.SocketError,
    };

    /// <summary>struct sockaddr_in / sockaddr_in6 of an endpoint.</summary>
    private static byte[] SocketAddress(IPEndPoint endpoint)
    {
        var ipv6 = endpoint.AddressFamily == AddressFamily.InterNetworkV6;
        var address = new byte[ipv6 ? 28 : 16];
        BitConverter.TryWriteBytes(address.AsSpan(0, 2), (ushort)(ipv6 ? 10 : 2));
        address[2] = (byte)(endpoint.Port >> 8);
        address[3] = (byte)endpoint.Port;
        if (ipv6)
        {
            endpoint.Address.TryWriteBytes(address.AsSpan(8, 16), out _);
            BitConverter.TryWriteBytes(address.AsSpan(24, 4), (uint)endpoint.Address.ScopeId);
        }
        else
        {
            endpoint.Address.TryWriteBytes(address.AsSpan(4, 4), out _);
        }

        return address;
    }

    private sealed class PendingConnect(long id, int fd) : TaskCompletionSource(TaskCreationOptions.None)
    {
        public long Id { get; } = id;

        public CancellationTokenRegistration Registration { get; set; }

        /// <summary>On the epoll thread: the connect finished; SO_ERROR says how.</summary>
        public void Complete()
        {
            Registration.Unregister();
            var error = 0;
            var length = sizeof(int);
            if (GetSockOpt(fd, SolSocket, SoError, ref error, ref length) != 0) error = Marshal.GetLastPInvokeError();
            if (error == 0) TrySetResult();
            else TrySetException(Failure(error));
        }

        /// <summary>On the canceller's thread: the attempt timed out first. The socket leaves epoll here; the caller
        /// closes it.</summary>
        public void Cancel(CancellationToken cancellationToken)
        {
            if (!Pending.TryRemove(Id, out _)) return;
            _ = EpollCtl(Epoll.Value, EpollCtlDel, fd, new byte[EventSize]);
            TrySetCanceled(cancellationToken);
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epoll, int operation, int fd, byte[] ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWait(int epoll, byte[] events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static partial int Connect(int fd, byte[] address, int length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static partial int GetSockOpt(int fd, int level, int name, ref int value, ref int length);
}
