using LvsHa.Director.Hosting;

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
}
