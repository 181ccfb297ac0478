using System.Net;
using System.Net.Sockets;

namespace LvsHa.Health.Checkers;

/// <summary>Where a checker connects to and from (connect_ip/connect_port over the real server, bindto/bind_port,
/// bind_if, fwmark).</summary>
/// <param name="Remote">Address and port connected to.</param>
/// <param name="BindAddress">bindto: source address.</param>
/// <param name="BindPort">bind_port: source port.</param>
/// <param name="BindInterface">bind_if: the socket sends and receives only through this interface
/// (SO_BINDTODEVICE), so routes through other interfaces are not used.</param>
/// <param name="Mark">fwmark: the firewall mark of the check's packets (SO_MARK), for policy routing and filtering.</param>
public sealed partial record CheckTarget(IPEndPoint Remote, IPAddress? BindAddress = null, int? BindPort = null, string? BindInterface = null, uint? Mark = null)
{
    private const int SolSocket = 1;
    private const int SoBindToDevice = 25;
    private const int SoMark = 36;

    /// <summary>Opens a TCP connection to <see cref="Remote"/>, bound as configured.</summary>
    internal async Task<Socket> ConnectTcpAsync(CancellationToken cancellationToken)
    {
        var socket = NewSocket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(Remote, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>When set (lab tests), sockets are created in this network namespace (e.g. /run/netns/NAME) instead of
    /// the calling thread's; the check itself runs on ordinary threads.</summary>
    internal string? NetworkNamespacePath { get; init; }

    /// <summary>A socket of the remote's family, bound to bindto/bind_port when given.</summary>
    internal Socket NewSocket(SocketType type, ProtocolType protocol)
    {
        var socket = NetworkNamespacePath is null
            ? new Socket(Remote.AddressFamily, type, protocol)
            : NetworkNamespace.CreateSocket(NetworkNamespacePath, Remote.AddressFamily, type, protocol);
        try
        {
            if (BindInterface is not null) BindToInterface(socket, BindInterface);
            if (Mark is { } mark) SetMark(socket, mark);
            if (BindAddress is not null || BindPort is not null)
            {
                var any = Remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
                if (BindPort is not null) socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(BindAddress ?? any, BindPort ?? 0));
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>SO_MARK (needs CAP_NET_ADMIN).</summary>
    internal static void SetMark(Socket socket, uint mark) =>
        socket.SetRawSocketOption(SolSocket, SoMark, BitConverter.GetBytes(mark));

    /// <summary>SO_BINDTODEVICE: the interface name, NUL-terminated (needs CAP_NET_RAW).</summary>
    private static void BindToInterface(Socket socket, string name)
    {
        var value = new byte[System.Text.Encoding.ASCII.GetByteCount(name) + 1];
        System.Text.Encoding.ASCII.GetBytes(name, value);
        try
        {
            socket.SetRawSocketOption(SolSocket, SoBindToDevice, value);
        }
        catch (SocketException e)
        {
            // .NET has no text for ENODEV ("Unknown socket error"): name the cause in the operator's words
            // (if_nametoindex looks in the calling thread's namespace, which is the socket's in the daemon).
            throw new SocketException((int)e.SocketErrorCode, IfNameToIndex(name) == 0
                ? $"bind_if {name}: no such interface"
                : $"bind_if {name}: {e.Message}");
        }
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "if_nametoindex", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial uint IfNameToIndex(string name);

    /// <summary>"address:port" for reasons and logs.</summary>
    public override string ToString() => Remote.ToString();
}
