using LvsHa.Director.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LvsHa.Director.Tests.Unit;

public sealed class DirectorHostTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lvsha-dir-host-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private DirectorOptions Clustered(string secretFile) => new()
    {
        NodeName = "d1",
        ControlSocketPath = Path.Combine(_folder, "d1.sock"),
        Cluster = new ClusterOptions { ListenAddress = "127.0.0.1", ListenPort = 0, SecretFile = secretFile },
    };

    [Fact]
    public async Task RunAsync_SecretFileMissing_ExitsWithSecretExitCodeBeforeStarting()
    {
        var code = await DirectorHost.RunAsync(Clustered(Path.Combine(_folder, "missing")));
        Assert.Equal(DirectorHost.SecretExitCode, code);
        Assert.False(File.Exists(Path.Combine(_folder, "d1.sock")));
    }

    [Fact]
    public async Task RunAsync_SecretFileReadableByOthers_ExitsWithSecretExitCode()
    {
        var secret = Path.Combine(_folder, "secret");
        await File.WriteAllTextAsync(secret, "a long enough cluster secret");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Equal(DirectorHost.SecretExitCode, await DirectorHost.RunAsync(Clustered(secret)));
    }

    [Fact]
    public async Task RunAsync_ClusterPortInUse_ExitsOneBeforeStarting()
    {
        using var other = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        other.Start();
        var secret = Path.Combine(_folder, "secret");
        LvsHa.Director.Security.ClusterSecret.WriteNew(secret);
        var options = Clustered(secret) with
        {
            Cluster = Clustered(secret).Cluster! with { ListenPort = ((System.Net.IPEndPoint)other.LocalEndpoint).Port },
        };

        Assert.Equal(DirectorHost.StartFailureExitCode, await DirectorHost.RunAsync(options));
        Assert.False(File.Exists(Path.Combine(_folder, "d1.sock")));
    }

    [Fact]
    public async Task RunAsync_BackgroundServiceFails_StopsWithFailureExitCode()
    {
        var options = new DirectorOptions { NodeName = "solo", ControlSocketPath = Path.Combine(_folder, "solo.sock") };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var code = await DirectorHost.RunAsync(options, services => services.AddHostedService<FailingService>(), timeout.Token);
        Assert.False(timeout.IsCancellationRequested, "the director did not stop when a background service failed");
        Assert.Equal(DirectorHost.ActorSystemLostExitCode, code);
    }

    [Fact]
    public async Task RunAsync_StopRequested_ExitsZero()
    {
        var options = new DirectorOptions { NodeName = "solo", ControlSocketPath = Path.Combine(_folder, "solo.sock") };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        Assert.Equal(0, await DirectorHost.RunAsync(options, stop.Token));
    }

    private sealed class FailingService : Microsoft.Extensions.Hosting.BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(1000, stoppingToken);
            throw new InvalidOperationException("a background service failed");
        }
    }
}
