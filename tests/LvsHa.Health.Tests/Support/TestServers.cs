using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace LvsHa.Health.Tests.Support;

/// <summary>A TCP listener on a loopback address (ephemeral port) that hands every accepted connection to a handler.</summary>
internal sealed class TcpTestServer : IAsyncDisposable
{
    private readonly Socket listener;
    private readonly CancellationTokenSource stop = new();
    private readonly Task acceptLoop;
    private readonly Func<Socket, CancellationToken, Task> handler;
    private readonly List<Task> connections = [];
    private int accepted;

    public TcpTestServer(Func<Socket, CancellationToken, Task> handler, string address = "127.0.0.1")
    {
        this.handler = handler;
        listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
        listener.Listen(64);
        Endpoint = (IPEndPoint)listener.LocalEndPoint!;
        acceptLoop = AcceptLoopAsync();
    }

    public IPEndPoint Endpoint { get; }

    public int Accepted => Volatile.Read(ref accepted);

    /// <summary>Accepts and closes at once.</summary>
    public static TcpTestServer AcceptAndClose(string address = "127.0.0.1") =>
        new((s, _) => { s.Dispose(); return Task.CompletedTask; }, address);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await listener.AcceptAsync(stop.Token);
                Interlocked.Increment(ref accepted);
                lock (connections) connections.Add(RunHandlerAsync(socket));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task RunHandlerAsync(Socket socket)
    {
        try
        {
            await handler(socket, stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Dispose();
        await acceptLoop;
        Task[] pending;
        lock (connections) pending = connections.ToArray();
        await Task.WhenAll(pending);
        stop.Dispose();
    }
}

/// <summary>A hand-written HTTP/1.x server (optionally TLS with a self-signed certificate) answering one request per
/// connection; records the requests and the TLS server names it saw.</summary>
internal sealed class HttpTestServer : IAsyncDisposable
{
    private readonly TcpTestServer server;
    private readonly List<string> requests = [];
    private readonly List<string> serverNames = [];

    public HttpTestServer(Func<string, HttpReply> respond, bool tls = false, string address = "127.0.0.1")
    {
        var certificate = tls ? SelfSigned() : null;
        server = new TcpTestServer(async (socket, ct) =>
        {
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            await using var _ = stream;
            if (certificate is not null)
            {
                var ssl = new SslStream(stream);
                stream = ssl;
                try
                {
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, ct);
                }
                catch (System.Security.Authentication.AuthenticationException)
                {
                    return;
                }

                lock (serverNames) serverNames.Add(ssl.TargetHostName);
            }

            var request = await ReadHeaderAsync(stream, ct);
            if (request is null) return;
            lock (requests) requests.Add(request);
            var reply = respond(request);
            if (reply.Hang)
            {
                await Task.Delay(Timeout.Infinite, ct);
                return;
            }

            var head = $"HTTP/1.1 {reply.Status} X\r\nContent-Length: {reply.Body.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct);
            await stream.WriteAsync(reply.Body, ct);
            await stream.FlushAsync(ct);
        }, address);
    }

    public IPEndPoint Endpoint => server.Endpoint;

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (requests) return requests.ToArray();
        }
    }

    public IReadOnlyList<string> ServerNames
    {
        get
        {
            lock (serverNames) return serverNames.ToArray();
        }
    }

    public static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=lvsha-health-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // Re-import so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    private static async Task<string?> ReadHeaderAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[8192];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(filled), ct);
            if (n == 0) return null;
            filled += n;
            var text = Encoding.ASCII.GetString(buffer, 0, filled);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal)) return text;
        }

        return null;
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}

/// <summary>What the HTTP test server answers.</summary>
internal sealed record HttpReply(int Status, byte[] Body, bool Hang = false)
{
    public static HttpReply Ok(string body) => new(200, Encoding.UTF8.GetBytes(body));

    public static readonly HttpReply Hanging = new(0, [], Hang: true);
}

/// <summary>A UDP socket on loopback answering each datagram through a handler (null = no answer).</summary>
internal sealed class UdpTestServer : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public UdpTestServer(Func<byte[], byte[]?> respond, string address = "127.0.0.1")
    {
        socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
        Endpoint = (IPEndPoint)socket.LocalEndPoint!;
        loop = Task.Run(async () =>
        {
            var buffer = new byte[65536];
            try
            {
                while (true)
                {
                    var r = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), stop.Token);
                    var reply = respond(buffer.AsSpan(0, r.ReceivedBytes).ToArray());
                    if (reply is not null) await socket.SendToAsync(reply, r.RemoteEndPoint, stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        });
    }

    public IPEndPoint Endpoint { get; }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        socket.Dispose();
        await loop;
        stop.Dispose();
    }
}

/// <summary>Ports that refuse: a socket bound on loopback without listening (TCP RST / UDP ICMP port unreachable).</summary>
internal sealed class ClosedPort : IDisposable
{
    private readonly Socket socket;

    public ClosedPort(SocketType type = SocketType.Stream, string address = "127.0.0.1")
    {
        socket = new Socket(AddressFamily.InterNetwork, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
        Endpoint = (IPEndPoint)socket.LocalEndPoint!;
        if (type == SocketType.Dgram)
        {
            // Holding the port with a bound UDP socket would swallow datagrams: release it so the kernel answers ICMP.
            socket.Dispose();
        }
    }

    public IPEndPoint Endpoint { get; }

    public void Dispose() => socket.Dispose();
}
