namespace LvsHa.Cli.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SecretCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lvsha-cli-secret-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Config(string secretFile) =>
        WriteConfig($"cluster {{\n node_name d1\n listen 127.0.0.1 4053\n seed 127.0.0.1 4053\n secret_file {secretFile}\n}}\n");

    private string WriteConfig(string text)
    {
        var path = Path.Combine(_dir, "d1.conf");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Generate_NewFile_WritesA0600SecretThatCheckAccepts()
    {
        var secret = Path.Combine(_dir, "cluster.secret");
        var (code, output, error) = CheckCommandTests.Run("secret", "generate", secret);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("fingerprint", output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
        Assert.Matches("^lvsha-key:[A-Za-z0-9+/]{43}=\n$", File.ReadAllText(secret));

        var check = CheckCommandTests.Run("check", "-f", Config(secret));
        Assert.True(check.Code == ExitCodes.Ok, check.Err);
    }

    [Fact]
    public void Generate_ExistingFile_RefusedAndUntouched()
    {
        var secret = Path.Combine(_dir, "cluster.secret");
        File.WriteAllText(secret, "keep me");
        var (code, _, error) = CheckCommandTests.Run("secret", "generate", secret);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("not overwriting", error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(secret));
    }

    [Fact]
    public void Check_WeakOrOpenSecretFile_Fails()
    {
        var weak = Path.Combine(_dir, "weak.secret");
        File.WriteAllText(weak, "a long enough cluster secret\n");
        File.SetUnixFileMode(weak, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var (code, _, error) = CheckCommandTests.Run("check", "-f", Config(weak));
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("too weak", error, StringComparison.Ordinal);

        var open = Path.Combine(_dir, "open.secret");
        CheckCommandTests.Run("secret", "generate", open);
        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        (code, _, error) = CheckCommandTests.Run("check", "-f", Config(open));
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("chmod 600", error, StringComparison.Ordinal);
    }
}
