using System.Net;
using System.Net.Sockets;
using System.Text;
using LvsHa.Director.Vrrp;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace LvsHa.Director.Metrics;

/// <summary>
/// Serves GET /metrics (Prometheus text format 0.0.4) on exactly the configured address: a small HTTP/1.1 server,
/// one request per connection. Not HttpListener: its managed implementation matches requests by Host header, so a
/// scrape by host name instead of the configured address would get 404. Registered before the ActorSystem, so a
/// port in use stops `lvsha run` before it joins the cluster or touches a VIP.
/// </summary>
public sealed partial class MetricsHttpServer : IHostedService, IDisposable
{
    /// <summary>The path Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    private const int MaxRequestBytes = 8192;

    /// <summary>Connections served at once; more are closed at once. A scraper needs one: the cap keeps clients that
    /// connect and stay silent (each may hold its connection for <see cref="RequestTimeout"/>) from using up the
    /// director's sockets and memory.</summary>
    public const int MaxConnections = 16;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly MetricsListenOptions listen;
    private readonly CollectorRegistry registry;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim connections = new(MaxConnections, MaxConnections); // not disposed: serving tasks may release it late
    private Socket? socket;
    private Task? accepting;
    private int disposed;

    /// <summary>Creates the server; nothing listens until <see cref="StartAsync"/>.</summary>
    public MetricsHttpServer(MetricsListenOptions listen, CollectorRegistry registry, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(listen);
        this.listen = listen;
        this.registry = registry;
        this.logger = logger;
    }

    /// <summary>Where the server listens (with the port the kernel chose when 0 was asked).</summary>
    public IPEndPoint? LocalEndPoint => socket?.LocalEndPoint as IPEndPoint;

    /// <summary>Binds and starts accepting.</summary>
    /// <exception cref="DirectorConfigException">The address cannot be bound (port in use, address not on this director).</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = new IPEndPoint(Resolve(listen.Address), listen.Port);
        var listening = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listening.Bind(endpoint);
            listening.Listen(64);
        }
        catch (SocketException e)
        {
            listening.Dispose();
            var why = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "the port is already in use (another lvsha or exporter listens there; stop it or choose another port)",
                SocketError.AddressNotAvailable => "the address is not on any interface of this director",
                SocketError.AccessDenied => "permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)",
                _ => e.Message,
            };
            throw new DirectorConfigException($"metrics_listen {listen}: cannot listen: {why}", e);
        }

        socket = listening;
        LogListening(logger, $"http://{IpvsEndpoint(LocalEndPoint!)}{Path}");
        accepting = AcceptAsync(listening, stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting; requests in flight finish on their own.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref disposed) == 1)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        socket?.Dispose();
        if (accepting is not null)
        {
            await accepting.ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // The container disposes it twice (as itself and as the hosted service it also is).
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        stopping.Cancel();
        socket?.Dispose();
        stopping.Dispose();
    }

    private static IPAddress Resolve(string address) =>
        IPAddress.TryParse(address, out var parsed)
            ? parsed
            : Dns.GetHostAddresses(address).FirstOrDefault()
                ?? throw new DirectorConfigException($"metrics_listen {address}: the name does not resolve to an address");

    private static string IpvsEndpoint(IPEndPoint endpoint) =>
        endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]:{endpoint.Port}" : $"{endpoint.Address}:{endpoint.Port}";

    private async Task AcceptAsync(Socket listening, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listening.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of file descriptors and the like: keep serving once it passes.
                LogAcceptFailed(logger, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!connections.Wait(0, CancellationToken.None))
            {
                client.Dispose();
                continue;
            }

            _ = ServeAsync(client, cancellationToken);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        try
        {
            await ServeOneAsync(client, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            connections.Release();
        }
    }

    private async Task ServeOneAsync(Socket client, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        await using var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            var requestLine = await ReadRequestLineAsync(stream, timeout.Token).ConfigureAwait(false);
            var parts = requestLine?.Split(' ') ?? [];
            if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            {
                await RespondAsync(stream, "400 Bad Request", "text/plain", "bad request\n"u8.ToArray(), head: false, timeout.Token).ConfigureAwait(false);
                return;
            }

            var (method, target) = (parts[0], parts[1]);
            var path = target.Split('?', 2)[0];
            var head = method == "HEAD";
            if (method != "GET" && !head)
            {
                await RespondAsync(stream, "405 Method Not Allowed", "text/plain", "only GET\n"u8.ToArray(), head, timeout.Token).ConfigureAwait(false);
            }
            else if (path != Path)
            {
                await RespondAsync(stream, "404 Not Found", "text/plain", Encoding.ASCII.GetBytes($"metrics are at {Path}\n"), head, timeout.Token).ConfigureAwait(false);
            }
            else
            {
                using var body = new MemoryStream();
                await registry.CollectAndExportAsTextAsync(body, timeout.Token).ConfigureAwait(false);
                await RespondAsync(stream, "200 OK", "text/plain; version=0.0.4; charset=utf-8", body.ToArray(), head, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // The scraper went away or was too slow; nothing to answer.
        }
        catch (Exception e)
        {
            LogScrapeFailed(logger, e, e.Message);
            try
            {
                await RespondAsync(stream, "500 Internal Server Error", "text/plain", Encoding.UTF8.GetBytes(e.Message + "\n"), head: false, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ignored) when (ignored is IOException or SocketException or OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Reads the request head (up to the blank line) and returns its first line; null when it is too long or cut off.</summary>
    private static async Task<string?> ReadRequestLineAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            length += read;
            var head = buffer.AsSpan(0, length);
            if (head.IndexOf("\r\n\r\n"u8) >= 0 || head.IndexOf("\n\n"u8) >= 0)
            {
                var end = head.IndexOf((byte)'\n');
                return Encoding.ASCII.GetString(head[..end]).TrimEnd('\r');
            }
        }

        return null;
    }

    private static async Task RespondAsync(NetworkStream stream, string status, string contentType, byte[] body, bool head, CancellationToken cancellationToken)
    {
        var header = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        if (!head)
        {
            await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        }

        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 4600, Level = LogLevel.Information, Message = "Metrics served at {Url}")]
    private static partial void LogListening(ILogger logger, string url);

    [LoggerMessage(EventId = 4602, Level = LogLevel.Warning, Message = "Metrics: accepting a connection failed: {Reason}")]
    private static partial void LogAcceptFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4603, Level = LogLevel.Error, Message = "Metrics: a scrape failed: {Reason}")]
    private static partial void LogScrapeFailed(ILogger logger, Exception exception, string reason);
}
