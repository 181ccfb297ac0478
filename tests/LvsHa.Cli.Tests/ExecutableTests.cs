namespace LvsHa.Cli.Tests;

/// <summary>Runs the built `lvsha` executable as a process, as operators and outside tests do.</summary>
public class ExecutableTests
{
    private static (int Code, string Out, string Err) Lvsha(params string[] args)
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "lvsha");
        Assert.True(File.Exists(exe), "the lvsha executable is not next to the tests: " + exe);
        return DirectorNamespace.Exec(exe, args);
    }

    [Fact]
    public void Lvsha_CheckSample_ExitsZero()
    {
        var dir = Directory.CreateTempSubdirectory("lvsha-cli-").FullName;
        try
        {
            using var director = new DirectorNamespace(); // where its eth0 and eth1 exist
            var (code, _, error) = director.Lvsha("check", "-f", CheckCommandTests.WithOwnSecret(Path.Combine(CheckCommandTests.Samples(), "web-dr-wlc", "d1.conf"), dir));
            Assert.True(code == 0, error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Lvsha_CheckBrokenFile_ExitsOneWithoutStackTrace()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lvsha-cli-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, "virtual_server 10.0.0.1 80 {\n lb_algo nope\n");
        try
        {
            var (code, _, error) = Lvsha("check", "-f", path);
            Assert.Equal(1, code);
            Assert.Contains($"{path}:2:10: error: unknown scheduler 'nope'", error, StringComparison.Ordinal);
            Assert.Contains($"{path}:1:1: error: unbalanced braces", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Lvsha_UsageError_ExitsTwo()
    {
        Assert.Equal(2, Lvsha("check", "--frobnicate").Code);
    }
}
