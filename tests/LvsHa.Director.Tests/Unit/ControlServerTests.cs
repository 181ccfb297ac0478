using System.Net.Sockets;
using System.Text;
using LvsHa.Director.Control;
using LvsHa.Director.Instances;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsHa.Director.Tests.Unit;

public sealed class ControlServerTests : IAsyncLifetime, IDisposable
{
    private static readonly StatusReport Report = new(
        "d1",
        "akka.ssl.tcp://lvsha@10.0.0.1:2552",
        new QuorumReport(true, 2, 3, "majority"),
        [new MemberReport("akka.ssl.tcp://lvsha@10.0.0.1:2552", "Up", true, ["director"]), new MemberReport("akka.ssl.tcp://lvsha@10.0.0.2:2552", "Up", false, ["director"])],
        [new InstanceStatus("VI_1", 51, "BACKUP", 10, 9, 1, new Dictionary<string, DateTimeOffset> { ["d2"] = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero) }, new(true, 2, 3))]);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"lvsha-dir-ctl-{Guid.NewGuid():N}");
    private ControlServer? _server;

    private string SocketPath => Path.Combine(_folder, "run", "lvsha.sock");

    private sealed class FixedStatus : IStatusSource
    {
        public Task<StatusReport> GetStatusAsync(CancellationToken cancellationToken) => Task.FromResult(Report);
    }

    public async Task InitializeAsync()
    {
        _server = new ControlServer(SocketPath, new FixedStatus(), NullLogger<ControlServer>.Instance);
        await _server.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!File.Exists(SocketPath) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        await _server!.StopAsync(CancellationToken.None);
        Directory.Delete(_folder, recursive: true);
    }

    public void Dispose() => _server?.Dispose();

    [Fact]
    public async Task GetStatusAsync_RunningServer_ReturnsTheReportRoundTripped()
    {
        var status = await new ControlClient(SocketPath).GetStatusAsync();
        Assert.Equal(Report.NodeName, status.NodeName);
        Assert.Equal(Report.Quorum, status.Quorum);
        Assert.Equal(Report.Members.Select(m => (m.Address, m.Status, m.Reachable, m.Roles.Single())), status.Members.Select(m => (m.Address, m.Status, m.Reachable, m.Roles.Single())));
        var instance = Assert.Single(status.Instances);
        Assert.Equal(("VI_1", 51, "BACKUP", 10L, 9L, 1L), (instance.Name, instance.VirtualRouterId, instance.State, instance.AdvertsSent, instance.AdvertsAccepted, instance.AdvertsRejected));
        Assert.Equal(Report.Instances[0].LastAdvertBySender, instance.LastAdvertBySender);
    }

    [Fact]
    public void Socket_CreatedByServer_IsRootOnly()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(SocketPath)!));
    }

    [Fact]
    public async Task SendAsync_UnknownCommand_ErrorReply()
    {
        var response = await new ControlClient(SocketPath).SendAsync(new ControlRequest("launch"));
        Assert.False(response.Ok);
        Assert.Contains("unknown command 'launch'", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RawLine_Malformed_ErrorReplyAndServerKeepsServing()
    {
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
            await socket.SendAsync(Encoding.UTF8.GetBytes("{not json\n"));
            var buffer = new byte[4096];
            var read = await socket.ReceiveAsync(buffer);
            Assert.Contains("malformed request", Encoding.UTF8.GetString(buffer, 0, read), StringComparison.Ordinal);
        }

        Assert.Equal("d1", (await new ControlClient(SocketPath).GetStatusAsync()).NodeName);
    }

    [Fact]
    public async Task GetStatusAsync_NoDaemon_ControlClientExceptionNamingThePath()
    {
        var missing = Path.Combine(_folder, "nobody.sock");
        var error = await Assert.ThrowsAsync<ControlClientException>(() => new ControlClient(missing).GetStatusAsync());
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }
}
