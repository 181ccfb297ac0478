using System.Security.Cryptography;
using System.Text;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;
using LvsHa.Health.Tests.Support;

namespace LvsHa.Health.Tests.Checkers;

public class HttpCheckTests
{
    private const string Body = "hello from the real server\n";
#pragma warning disable CA5351 // keepalived's digest is MD5 by definition; it is a content check, not security.
    private static readonly string BodyMd5 = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(Body)));
#pragma warning restore CA5351

    private static HttpCheckSpec Spec(params HttpUrlSpec[] urls) => new() { Urls = urls };

    private static async Task<CheckResult> Run(HttpCheckSpec spec, HttpTestServer server, TimeSpan? timeout = null)
    {
        var timing = CheckerTiming.Resolve(spec with { Timing = new() { ConnectTimeout = timeout ?? TimeSpan.FromSeconds(5), Retry = 0 } }, TimingKeys.None, TimingKeys.None);
        return await new CheckRunner(new HttpCheck(spec, new CheckTarget(server.Endpoint)), timing, TimeProvider.System)
            .AttemptAsync(null, CancellationToken.None);
    }

    [Fact]
    public async Task CheckAsync_Status200_Up()
    {
        await using var server = new HttpTestServer(_ => HttpReply.Ok(Body));

        var result = await Run(Spec(new HttpUrlSpec("/health")), server);

        Assert.True(result.Up, result.Reason);
        var request = Assert.Single(server.Requests);
        Assert.Equal($"GET /health HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 127.0.0.1:{server.Endpoint.Port}\r\n\r\n", request);
    }

    [Fact]
    public async Task CheckAsync_Status500_DownWithStatus()
    {
        await using var server = new HttpTestServer(_ => new HttpReply(500, []));

        var result = await Run(Spec(new HttpUrlSpec("/")), server);

        Assert.False(result.Up);
        Assert.Contains("status 500", result.Reason);
    }

    [Fact]
    public async Task CheckAsync_StatusInConfiguredRanges_Up()
    {
        await using var server = new HttpTestServer(_ => new HttpReply(503, []));

        var result = await Run(Spec(new HttpUrlSpec("/", StatusCodes: [new(200, 200), new(500, 503)])), server);

        Assert.True(result.Up, result.Reason);
    }

    [Fact]
    public async Task CheckAsync_DigestMatches_Up()
    {
        await using var server = new HttpTestServer(_ => HttpReply.Ok(Body));

        var result = await Run(Spec(new HttpUrlSpec("/", Digest: BodyMd5)), server);

        Assert.True(result.Up, result.Reason);
    }

    [Fact]
    public async Task CheckAsync_WrongBody_DigestMismatchDown()
    {
        await using var server = new HttpTestServer(_ => HttpReply.Ok("something else"));

        var result = await Run(Spec(new HttpUrlSpec("/", Digest: BodyMd5)), server);

        Assert.False(result.Up);
        Assert.Contains("digest", result.Reason);
    }

    [Fact]
    public async Task CheckAsync_AcceptThenHang_TimesOut()
    {
        await using var server = new HttpTestServer(_ => HttpReply.Hanging);

        var result = await Run(Spec(new HttpUrlSpec("/")), server, TimeSpan.FromMilliseconds(500));

        Assert.False(result.Up);
        Assert.Contains("timed out", result.Reason);
    }

    [Fact]
    public async Task CheckAsync_CloseAtOnce_Down()
    {
        await using var server = new TcpTestServer((s, _) => { s.Dispose(); return Task.CompletedTask; });

        var result = await new HttpCheck(Spec(new HttpUrlSpec("/")), new CheckTarget(server.Endpoint)).CheckAsync(CancellationToken.None);

        // Closed before or while the request is written: either "closed without a response" or a reset.
        Assert.False(result.Up);
        Assert.Contains(server.Endpoint.ToString(), result.Reason);
    }

    [Fact]
    public async Task CheckAsync_SecondUrlFails_Down()
    {
        await using var server = new HttpTestServer(r => r.StartsWith("GET /b ", StringComparison.Ordinal) ? new HttpReply(404, []) : HttpReply.Ok(Body));

        var result = await Run(Spec(new HttpUrlSpec("/a"), new HttpUrlSpec("/b")), server);

        Assert.False(result.Up);
        Assert.Contains("/b", result.Reason);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task CheckAsync_VirtualHostAndProtocol11_HostAndConnectionClose()
    {
        await using var server = new HttpTestServer(_ => HttpReply.Ok(Body));
        var spec = Spec(new HttpUrlSpec("/", VirtualHost: "www.example.test")) with { Protocol = HttpProtocol.Http11, VirtualHost = "other.test" };

        var result = await Run(spec, server);

        Assert.True(result.Up, result.Reason);
        Assert.Equal("GET / HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: www.example.test\r\n\r\n", Assert.Single(server.Requests));
    }

    [Fact]
    public async Task CheckAsync_Protocol10C_ConnectionClose()
    {
        await using var server = new HttpTestServer(_ => HttpReply.Ok(Body));

        await Run(Spec(new HttpUrlSpec("/")) with { Protocol = HttpProtocol.Http10Close }, server);

        Assert.Contains("GET / HTTP/1.0\r\n", server.Requests[0]);
        Assert.Contains("Connection: close\r\n", server.Requests[0]);
    }

    [Fact]
    public async Task CheckAsync_SslSelfSigned_UpWithoutVerification()
    {
        await using var server = new HttpTestServer(_ => HttpReply.Ok(Body), tls: true);

        var result = await Run(Spec(new HttpUrlSpec("/", Digest: BodyMd5)) with { UseTls = true }, server);

        Assert.True(result.Up, result.Reason);
        Assert.Equal([string.Empty], server.ServerNames);
    }

    [Fact]
    public async Task CheckAsync_SslEnableSni_SendsVirtualHostAsServerName()
    {
        await using var server = new HttpTestServer(_ => HttpReply.Ok(Body), tls: true);

        var result = await Run(Spec(new HttpUrlSpec("/")) with { UseTls = true, EnableSni = true, VirtualHost = "sni.example.test" }, server);

        Assert.True(result.Up, result.Reason);
        Assert.Equal(["sni.example.test"], server.ServerNames);
    }

    [Fact]
    public async Task CheckAsync_SslAgainstPlainServer_Down()
    {
        await using var server = new HttpTestServer(_ => HttpReply.Ok(Body));

        var result = await Run(Spec(new HttpUrlSpec("/")) with { UseTls = true }, server, TimeSpan.FromSeconds(2));

        Assert.False(result.Up);
    }

    [Fact]
    public async Task CheckAsync_BodyOverBound_Down()
    {
        await using var server = new HttpTestServer(_ => HttpReply.Ok(new string('x', 100_000)));
        var spec = Spec(new HttpUrlSpec("/", Digest: BodyMd5));

        var result = await new HttpCheck(spec, new CheckTarget(server.Endpoint), maxBodyBytes: 10_000).CheckAsync(CancellationToken.None);

        Assert.False(result.Up);
        Assert.Contains("body longer than 10000 bytes", result.Reason);
    }

    [Fact]
    public async Task CheckAsync_HeadersThenHang_TimesOutLikeKeepalived()
    {
        await using var server = new TcpTestServer(async (socket, ct) =>
        {
            await socket.SendAsync("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray(), ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        var spec = Spec(new HttpUrlSpec("/"));
        var timing = CheckerTiming.Resolve(spec with { Timing = new() { ConnectTimeout = TimeSpan.FromMilliseconds(500) } }, TimingKeys.None, TimingKeys.None);

        var result = await new CheckRunner(new HttpCheck(spec, new CheckTarget(server.Endpoint)), timing, TimeProvider.System).AttemptAsync(null, CancellationToken.None);

        Assert.False(result.Up);
        Assert.Contains("timed out", result.Reason);
    }

    [Fact]
    public async Task CheckAsync_BytesBeyondContentLength_NotHashed()
    {
        await using var server = new TcpTestServer(async (socket, ct) =>
        {
            // Read the request first: closing with unread data would reset the connection.
            await socket.ReceiveAsync(new byte[4096], ct);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.0 200 OK\r\ncontent-length: {Body.Length}\r\n\r\n{Body}trailing junk"), ct);
        });

        var result = await new HttpCheck(Spec(new HttpUrlSpec("/", Digest: BodyMd5)), new CheckTarget(server.Endpoint)).CheckAsync(CancellationToken.None);

        Assert.True(result.Up, result.Reason);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK", 200)]
    [InlineData("HTTP/1.0 503", 503)]
    public void TryParseStatus_Valid_Parsed(string line, int expected)
    {
        Assert.True(HttpCheck.TryParseStatus(Encoding.ASCII.GetBytes(line + "\r\nX: y"), out var status));
        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("HTTP/1.1")]
    [InlineData("HTTP/1.1 20")]
    [InlineData("HTTP/1.1 2x0 OK")]
    [InlineData("HTTP/1.1 2000")]
    [InlineData("SSH-2.0-OpenSSH")]
    public void TryParseStatus_Malformed_False(string line)
    {
        Assert.False(HttpCheck.TryParseStatus(Encoding.ASCII.GetBytes(line), out _));
    }
}
