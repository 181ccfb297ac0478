using System.Net.Sockets;
using System.Text;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;
using LvsHa.Health.Tests.Support;

namespace LvsHa.Health.Tests.Checkers;

public class SmtpUdpCheckTests
{
    private static TcpTestServer Smtp(string banner, string heloReply, List<string> seen, string quitReply = "221 bye\r\n") => new(async (socket, ct) =>
    {
        await using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(banner), ct);
        var line = await reader.ReadLineAsync(ct);
        lock (seen) seen.Add(line ?? "<eof>");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(heloReply), ct);
        line = await reader.ReadLineAsync(ct);
        lock (seen) seen.Add(line ?? "<eof>");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(quitReply), ct);
    });

    [Fact]
    public async Task SmtpCheck_BannerAndHelo_UpWithHeloName()
    {
        var seen = new List<string>();
        await using var server = Smtp("220-first\r\n220 ready\r\n", "250 hi\r\n", seen);

        var result = await new SmtpCheck(new SmtpCheckSpec { HeloName = "director.test" }, new CheckTarget(server.Endpoint)).CheckAsync(CancellationToken.None);

        Assert.True(result.Up, result.Reason);
        await Task.Delay(100);
        lock (seen) Assert.Equal(["HELO director.test", "QUIT"], seen);
    }

    [Fact]
    public async Task SmtpCheck_NoAnswerToQuit_Down()
    {
        await using var server = Smtp("220 ready\r\n", "250 hi\r\n", [], quitReply: "");

        var result = await new SmtpCheck(new SmtpCheckSpec(), new CheckTarget(server.Endpoint)).CheckAsync(CancellationToken.None);

        Assert.False(result.Up);
        Assert.Contains("no answer to QUIT", result.Reason);
    }

    [Fact]
    public async Task SmtpCheck_Banner554_Down()
    {
        await using var server = Smtp("554 go away\r\n", "250 hi\r\n", []);

        var result = await new SmtpCheck(new SmtpCheckSpec(), new CheckTarget(server.Endpoint)).CheckAsync(CancellationToken.None);

        Assert.False(result.Up);
        Assert.Contains("banner 554", result.Reason);
    }

    [Fact]
    public async Task SmtpCheck_HeloRejected_Down()
    {
        await using var server = Smtp("220 ready\r\n", "501 bad\r\n", []);

        var result = await new SmtpCheck(new SmtpCheckSpec(), new CheckTarget(server.Endpoint)).CheckAsync(CancellationToken.None);

        Assert.False(result.Up);
        Assert.Contains("HELO answered 501", result.Reason);
    }

    private static UdpCheck Udp(UdpCheckSpec spec, System.Net.IPEndPoint target) => new(spec, new CheckTarget(target), TimeSpan.FromMilliseconds(400));

    [Fact]
    public async Task UdpCheck_SilentServer_UpWithoutRequireReply()
    {
        await using var server = new UdpTestServer(_ => null);

        var result = await Udp(new UdpCheckSpec(), server.Endpoint).CheckAsync(CancellationToken.None);

        Assert.True(result.Up, result.Reason);
    }

    [Fact]
    public async Task UdpCheck_SilentServerRequireReply_Down()
    {
        await using var server = new UdpTestServer(_ => null);

        var result = await Udp(new UdpCheckSpec { RequireReply = true }, server.Endpoint).CheckAsync(CancellationToken.None);

        Assert.False(result.Up);
        Assert.Contains("no reply", result.Reason);
    }

    [Fact]
    public async Task UdpCheck_ClosedPort_DownFromIcmp()
    {
        var closed = new ClosedPort(SocketType.Dgram);

        var result = await Udp(new UdpCheckSpec(), closed.Endpoint).CheckAsync(CancellationToken.None);

        Assert.False(result.Up);
        Assert.Contains("refused", result.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UdpCheck_ReplyPattern_MatchAndMismatch()
    {
        byte[]? received = null;
        await using var server = new UdpTestServer(p => { received = p; return [0xAB, 0x12, 0x7F]; });

        // Pattern "AB 1X": the X nibble is a wildcard.
        var good = new UdpCheckSpec { Payload = new byte[] { 1, 2, 3 }, RequireReply = true, ReplyNibbles = [0xA, 0xB, 0x1, null] };
        var bad = good with { ReplyNibbles = [0xA, 0xC] };

        Assert.True((await Udp(good, server.Endpoint).CheckAsync(CancellationToken.None)).Up);
        Assert.Equal([1, 2, 3], received);
        Assert.False((await Udp(bad, server.Endpoint).CheckAsync(CancellationToken.None)).Up);
        Assert.False((await Udp(good with { MaxReplyLength = 2 }, server.Endpoint).CheckAsync(CancellationToken.None)).Up);
    }
}
