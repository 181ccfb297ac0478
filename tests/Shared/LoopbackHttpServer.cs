using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LvsHa.Testing;

/// <summary>A minimal real HTTP server on a loopback address (answers every request with 200 "ok"); can be stopped
/// and started again on the same port, as a real server going down and coming back.</summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private static readonly byte[] Response = Encoding.ASCII.GetBytes("HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    private readonly IPAddress _address;
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _loop;

    public LoopbackHttpServer(IPAddress address) => _address = address;

    public int Port { get; private set; }

    public void Start()
    {
        var listener = new TcpListener(_address, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _stop = new CancellationTokenSource();
        _loop = AcceptAsync(listener, _stop.Token);
    }

    public async Task StopAsync()
    {
        if (_listener is null)
            return;
        await _stop!.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop!;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        _stop.Dispose();
        _listener.Dispose();
        _listener = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var socket = await listener.AcceptSocketAsync(cancellationToken);
            _ = ServeAsync(socket);
        }
    }

    private static async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                var buffer = new byte[4096];
                var received = 0;
                while (received < buffer.Length)
                {
                    var n = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None);
                    if (n == 0)
                        break;
                    received += n;
                    if (Encoding.ASCII.GetString(buffer, 0, received).Contains("\r\n\r\n", StringComparison.Ordinal))
                        break;
                }
                await socket.SendAsync(Response, SocketFlags.None);
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }
        }
    }
}
