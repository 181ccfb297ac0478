using System.Net;
using System.Net.Sockets;

namespace LvsHa.Health.Checkers;

/// <summary>Where a checker connects to and from (connect_ip/connect_port over the real server, bindto/bind_port).</summary>
public sealed record CheckTarget(IPEndPoint Remote, IPAddress? BindAddress = null, int? BindPort = null)
{
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

    /// <summary>A socket of the remote's family, bound to bindto/bind_port when given.</summary>
    internal Socket NewSocket(SocketType type, ProtocolType protocol)
    {
        var socket = new Socket(Remote.AddressFamily, type, protocol);
        try
        {
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

    /// <summary>"address:port" for reasons and logs.</summary>
    public override string ToString() => Remote.ToString();
}
