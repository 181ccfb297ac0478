using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;
using LvsHa.Health.Tests.Support;

namespace LvsHa.Health.Tests.Checkers;

public class DnsCheckTests
{
    private static byte[] Answer(byte[] query, int rcode, int idDelta = 0)
    {
        var reply = (byte[])query.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(reply, (ushort)(BinaryPrimitives.ReadUInt16BigEndian(query) + idDelta));
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), (ushort)(0x8180 | rcode));
        return reply;
    }

    private static Task<CheckResult> Run(DnsCheckSpec spec, System.Net.IPEndPoint target, double timeoutSeconds = 2)
    {
        var timing = CheckerTiming.Resolve(spec with { Timing = new() { ConnectTimeout = TimeSpan.FromSeconds(timeoutSeconds), Retry = 0 } }, TimingKeys.None, TimingKeys.None);
        return new CheckRunner(new DnsCheck(spec, new CheckTarget(target)), timing, TimeProvider.System).AttemptAsync(null, CancellationToken.None);
    }

    [Fact]
    public void Build_DefaultSoaRoot_GoldenBytes()
    {
        Assert.Equal(
            Convert.FromHexString("1234010000010000000000000000060001"),
            DnsQuery.Build(0x1234, ".", "SOA"));
    }

    [Fact]
    public void Build_AaaaName_GoldenBytes()
    {
        Assert.Equal(
            Convert.FromHexString("abcd01000001000000000000" + "03777777076578616d706c650474657374" + "00" + "001c0001"),
            DnsQuery.Build(0xabcd, "www.example.test.", "aaaa"));
    }

    [Theory]
    [InlineData("x..y")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234.test")]
    public void Build_BadName_ArgumentException(string name)
    {
        Assert.Throws<ArgumentException>(() => DnsQuery.Build(1, name, "A"));
    }

    [Fact]
    public void Build_UnknownType_ArgumentException()
    {
        Assert.Throws<ArgumentException>(() => DnsQuery.Build(1, ".", "SRVX"));
    }

    [FsCheck.Xunit.Property]
    public Property TryReadReply_AnyBytes_NeverThrows(byte[] bytes, ushort id) =>
        Prop.ToProperty(DnsQuery.TryReadReply(bytes ?? [], id, out var rcode) ? rcode is >= 0 and <= 15 : rcode == -1);

    [Fact]
    public async Task CheckAsync_NoErrorAnswer_UpAndQueryAsConfigured()
    {
        byte[]? seen = null;
        await using var server = new UdpTestServer(q => Answer(seen = q, 0));

        var result = await Run(new DnsCheckSpec { Type = "A", Name = "rs.example.test" }, server.Endpoint);

        Assert.True(result.Up, result.Reason);
        Assert.Equal(DnsQuery.Build(BinaryPrimitives.ReadUInt16BigEndian(seen), "rs.example.test", "A"), seen);
    }

    [Fact]
    public async Task CheckAsync_ServFail_DownWithRcode()
    {
        await using var server = new UdpTestServer(q => Answer(q, 2));

        var result = await Run(new DnsCheckSpec(), server.Endpoint);

        Assert.False(result.Up);
        Assert.Contains("rcode 2", result.Reason);
    }

    [Fact]
    public async Task CheckAsync_WrongIdOnly_TimesOut()
    {
        await using var server = new UdpTestServer(q => Answer(q, 0, idDelta: 1));

        var result = await Run(new DnsCheckSpec(), server.Endpoint, 0.5);

        Assert.False(result.Up);
        Assert.Contains("timed out", result.Reason);
    }

    [Fact]
    public async Task CheckAsync_PortClosed_DownFromIcmp()
    {
        var closed = new ClosedPort(System.Net.Sockets.SocketType.Dgram);

        var result = await Run(new DnsCheckSpec(), closed.Endpoint);

        Assert.False(result.Up);
        Assert.Contains("refused", result.Reason, StringComparison.OrdinalIgnoreCase);
    }
}
