using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using LvsHa.Health.Model;

namespace LvsHa.Health.Checkers;

/// <summary>HTTP_GET and SSL_GET: one GET per url, each on its own connection, like keepalived.</summary>
/// <remarks>The request is written by hand (not HttpClient): keepalived sends one request per connection, follows no
/// redirect, pools nothing, reads to the end of the stream and hashes the raw body after the headers (as its genhash
/// tool does; no chunked decoding), and a checker must see exactly what the real server answers. TLS certificates are
/// not verified, as in keepalived. Unlike keepalived, whose connect_timeout bounds each I/O step, the attempt timeout
/// bounds the whole request (all urls), and the body is bounded in size.</remarks>
public sealed class HttpCheck : IHealthCheck
{
    private const int MaxHeaderBytes = 64 * 1024;
    private readonly HttpCheckSpec spec;
    private readonly CheckTarget target;
    private readonly string? fallbackVirtualHost;
    private readonly long maxBodyBytes;

    // The request of each url never changes: built once, not per check.
    private readonly byte[][] requests;

    /// <summary>Creates the checker.</summary>
    /// <param name="spec">The HTTP_GET/SSL_GET block.</param>
    /// <param name="target">Where to connect.</param>
    /// <param name="fallbackVirtualHost">virtualhost of the real server or virtual service.</param>
    /// <param name="maxBodyBytes">Bodies longer than this fail the check (bounds memory and time per check).</param>
    public HttpCheck(HttpCheckSpec spec, CheckTarget target, string? fallbackVirtualHost = null, long maxBodyBytes = 16 << 20)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Urls.Count == 0) throw new ArgumentException($"{spec.Kind} needs at least one url", nameof(spec));
        this.spec = spec;
        this.target = target;
        this.fallbackVirtualHost = fallbackVirtualHost;
        this.maxBodyBytes = maxBodyBytes;
        requests = spec.Urls.Select(url => Encoding.ASCII.GetBytes(BuildRequest(url.Path, VirtualHost(url)))).ToArray();
    }

    /// <inheritdoc/>
    public string Kind => spec.Kind;

    /// <inheritdoc/>
    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < spec.Urls.Count; i++)
        {
            var result = await CheckUrlAsync(spec.Urls[i], requests[i], cancellationToken).ConfigureAwait(false);
            if (!result.Up) return result;
        }

        return CheckResult.Pass(spec.Urls.Count == 1 ? $"{spec.Urls[0].Path} ok" : $"{spec.Urls.Count} urls ok");
    }

    private string? VirtualHost(HttpUrlSpec url) => url.VirtualHost ?? spec.VirtualHost ?? fallbackVirtualHost;

    private async Task<CheckResult> CheckUrlAsync(HttpUrlSpec url, byte[] request, CancellationToken cancellationToken)
    {
        var virtualHost = VirtualHost(url);
        Socket socket;
        try
        {
            socket = await target.ConnectTcpAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            return CheckResult.Fail($"{Kind} connect to {target} failed: {e.Message}");
        }

        using (socket)
        {
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            try
            {
                if (spec.UseTls)
                {
                    var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                    stream = ssl;
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                    {
                        // An empty target host sends no SNI extension; enable_sni sends the virtual host.
                        TargetHost = spec.EnableSni ? virtualHost ?? string.Empty : string.Empty,
#pragma warning disable CA5359 // keepalived's SSL_GET does not verify the real server's certificate either.
                        RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
                    }, cancellationToken).ConfigureAwait(false);
                }

                await stream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                return await ReadResponseAsync(stream, url, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or AuthenticationException)
            {
                return CheckResult.Fail($"{Kind} {url.Path} on {target}: {e.Message}");
            }
            finally
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The request keepalived 2.2.7's checker sends (check_http.c): User-Agent KeepAliveClient, Connection:
    /// close for 1.0C and 1.1, then Host: the virtual host, else the address with its port (IPv6 in brackets).</summary>
    internal string BuildRequest(string path, string? virtualHost)
    {
        var host = virtualHost ?? (target.Remote.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{target.Remote.Address}]:{target.Remote.Port}"
            : $"{target.Remote.Address}:{target.Remote.Port}");
        var version = spec.Protocol == HttpProtocol.Http11 ? "1.1" : "1.0";
        var close = spec.Protocol == HttpProtocol.Http10 ? string.Empty : "Connection: close\r\n";
        return $"GET {path} HTTP/{version}\r\nUser-Agent: KeepAliveClient\r\n{close}Host: {host}\r\n\r\n";
    }

    private async Task<CheckResult> ReadResponseAsync(Stream stream, HttpUrlSpec url, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            return await ReadResponseAsync(stream, url, buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<CheckResult> ReadResponseAsync(Stream stream, HttpUrlSpec url, byte[] pooled, CancellationToken cancellationToken)
    {
        var buffer = pooled;
        var filled = 0;
        var headerEnd = -1;
        while (headerEnd < 0)
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length >= MaxHeaderBytes) return CheckResult.Fail($"{Kind} {url.Path}: response header too long");
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var n = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return CheckResult.Fail(filled == 0
                    ? $"{Kind} {url.Path} on {target}: connection closed without a response"
                    : $"{Kind} {url.Path} on {target}: connection closed inside the response header");
            }

            filled += n;
            headerEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
        }

        if (!TryParseStatus(buffer.AsSpan(0, headerEnd), out var status))
            return CheckResult.Fail($"{Kind} {url.Path} on {target}: malformed status line");
        if (!url.Accepts(status))
            return CheckResult.Fail($"{Kind} {url.Path} on {target}: status {status} not accepted");

        // keepalived reads to the end of the stream whether or not it checks a digest, and hashes the body up to
        // Content-Length when the header gives one.
        var contentLength = ContentLength(buffer.AsSpan(0, headerEnd));
        using var md5 = url.Digest is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        long bodyBytes = 0;
        void Hash(byte[] data, int offset, int count)
        {
            var hashed = contentLength is { } limit ? (int)Math.Clamp(limit - bodyBytes, 0, count) : count;
            md5?.AppendData(data, offset, hashed);
            bodyBytes += count;
        }

        Hash(buffer, headerEnd + 4, filled - (headerEnd + 4));
        while (true)
        {
            var n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            if (bodyBytes + n > maxBodyBytes)
                return CheckResult.Fail($"{Kind} {url.Path} on {target}: body longer than {maxBodyBytes} bytes");
            Hash(buffer, 0, n);
        }

        if (md5 is null || url.Digest is null) return CheckResult.Pass($"{url.Path} status {status}");
        var digest = Convert.ToHexStringLower(md5.GetHashAndReset());
        return string.Equals(digest, url.Digest, StringComparison.OrdinalIgnoreCase)
            ? CheckResult.Pass($"{url.Path} status {status} digest ok")
            : CheckResult.Fail($"{Kind} {url.Path} on {target}: digest {digest} differs from {url.Digest.ToLowerInvariant()}");
    }

    /// <summary>The Content-Length header's value, or null when absent or malformed.</summary>
    internal static long? ContentLength(ReadOnlySpan<byte> header)
    {
        foreach (var range in header.Split("\r\n"u8))
        {
            var line = header[range];
            var colon = line.IndexOf((byte)':');
            if (colon < 0 || !System.Text.Ascii.EqualsIgnoreCase(line[..colon].Trim((byte)' '), "Content-Length"u8)) continue;
            return long.TryParse(Encoding.ASCII.GetString(line[(colon + 1)..].Trim((byte)' ')), out var value) && value >= 0 ? value : null;
        }

        return null;
    }

    /// <summary>Parses "HTTP/x.y NNN ..." from the header block.</summary>
    internal static bool TryParseStatus(ReadOnlySpan<byte> header, out int status)
    {
        status = 0;
        var lineEnd = header.IndexOf("\r\n"u8);
        var line = lineEnd < 0 ? header : header[..lineEnd];
        if (!line.StartsWith("HTTP/"u8)) return false;
        var space = line.IndexOf((byte)' ');
        if (space < 0 || line.Length < space + 4) return false;
        var code = line.Slice(space + 1, 3);
        foreach (var b in code)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            status = status * 10 + (b - '0');
        }

        return line.Length == space + 4 || line[space + 4] == (byte)' ';
    }
}
