using LvsHa.Health.Checkers;
using LvsHa.Health.Model;

namespace LvsHa.Health.Tests.Checkers;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MiscCheckTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lvsha-health-misc-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Script(string name, string body, bool executable = true)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, executable
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            : UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private static Task<CheckResult> Run(MiscCheckSpec spec, TimeSpan? timeout = null)
    {
        var timing = CheckerTiming.Resolve(spec with { Timeout = timeout ?? TimeSpan.FromSeconds(10) }, TimingKeys.None, TimingKeys.None);
        return new CheckRunner(new MiscCheck(spec), timing, TimeProvider.System).AttemptAsync(null, CancellationToken.None);
    }

    [Theory]
    [InlineData(0, false, true, null)]
    [InlineData(1, false, false, null)]
    [InlineData(2, false, false, null)]
    [InlineData(7, false, false, null)]
    [InlineData(0, true, true, null)]
    [InlineData(1, true, false, null)]
    [InlineData(2, true, true, 0)]
    [InlineData(7, true, true, 5)]
    [InlineData(255, true, true, 253)]
    public async Task CheckAsync_ExitStatus_KeepalivedVerdict(int exit, bool dynamic, bool up, int? weight)
    {
        var script = Script($"exit{exit}", $"exit {exit}");

        var result = await Run(new MiscCheckSpec(script) { Dynamic = dynamic });

        Assert.Equal(up, result.Up);
        Assert.Equal(weight, result.DynamicWeight);
        Assert.Contains($"exited {exit}", result.Reason);
    }

    [Fact]
    public async Task CheckAsync_Arguments_PassedWithoutShell()
    {
        var output = Path.Combine(dir, "args.out");
        var script = Script("args", $"printf '%s|' \"$@\" > {output}");

        var result = await Run(new MiscCheckSpec($"{script} \"two words\" '$HOME' x\\ y"));

        Assert.True(result.Up, result.Reason);
        Assert.Equal("two words|$HOME|x y|", await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task CheckAsync_Timeout_DownAndWholeProcessGroupKilled()
    {
        var pids = Path.Combine(dir, "pids");
        var script = Script("hang", $"sleep 30 & echo $! > {pids}\necho $$ >> {pids}\nwait");

        var result = await Run(new MiscCheckSpec(script), TimeSpan.FromMilliseconds(800));

        Assert.False(result.Up);
        Assert.True(result.TimedOut);
        Assert.Contains("timed out", result.Reason);
        Assert.InRange(result.Latency.TotalSeconds, 0.7, 5);
        var started = (await File.ReadAllLinesAsync(pids)).Select(int.Parse).ToArray();
        Assert.Equal(2, started.Length);
        await Task.Delay(300);
        Assert.All(started, pid => Assert.False(IsAlive(pid), $"process {pid} survived the timeout"));
    }

    [Fact]
    public async Task CheckAsync_TimeoutIgnoringSigterm_KilledAfterGracePeriod()
    {
        var pids = Path.Combine(dir, "pids");
        var script = Script("stubborn", $"trap '' TERM\nsleep 30 & echo $! > {pids}\necho $$ >> {pids}\nwhile true; do wait; done");

        var result = await Run(new MiscCheckSpec(script), TimeSpan.FromMilliseconds(500));

        Assert.False(result.Up);
        Assert.InRange(result.Latency.TotalSeconds, 2.4, 6);
        await Task.Delay(300);
        Assert.All((await File.ReadAllLinesAsync(pids)).Select(int.Parse), pid => Assert.False(IsAlive(pid), $"process {pid} survived SIGKILL"));
    }

    [Fact]
    public async Task CheckAsync_MissingScript_DownWithClearReason()
    {
        var result = await Run(new MiscCheckSpec(Path.Combine(dir, "nope.sh")));

        Assert.False(result.Up);
        Assert.Contains("not found", result.Reason);
    }

    [Fact]
    public async Task CheckAsync_NotExecutable_DownWithClearReason()
    {
        var script = Script("noexec", "exit 0", executable: false);

        var result = await Run(new MiscCheckSpec(script));

        Assert.False(result.Up);
        Assert.Contains("not executable", result.Reason);
    }

    [Fact]
    public async Task CheckAsync_UnterminatedQuote_DownWithReasonInsteadOfThrowing()
    {
        var result = await Run(new MiscCheckSpec("/bin/true \"open"));

        Assert.False(result.Up);
        Assert.Contains("unterminated", result.Reason);
    }

    private static bool IsAlive(int pid)
    {
        // A zombie (state Z) has exited; only a running/sleeping process counts.
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Runs, as <paramref name="user"/>, a script that writes its uid and gid, and returns the two lines.
    /// Needs root (setpriv changes ids); the temporary folder is opened up so that the user can run and write.</summary>
    private async Task<string[]> IdsAs(string user)
    {
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);
        var output = Path.Combine(dir, "ids");
        var script = Script("ids.sh", $"id -u > {output}; id -g >> {output}");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        var resolved = ScriptUser.Resolve(user, out var error) ?? throw new InvalidOperationException(error);

        var result = await Run(new MiscCheckSpec(script) { User = resolved });

        Assert.True(result.Up, result.Reason);
        return File.ReadAllLines(output);
    }

    [Fact]
    public async Task CheckAsync_User_ScriptRunsWithThatUsersAndGroupsIds() =>
        Assert.Equal(["65534", "1"], await IdsAs("nobody daemon"));

    [Fact]
    public async Task CheckAsync_UserWithoutGroup_UsersPrimaryGroup() =>
        Assert.Equal(["65534", "65534"], await IdsAs("nobody"));

    [Theory]
    [InlineData("lvsha-no-such-user", "no such user 'lvsha-no-such-user'")]
    [InlineData("nobody lvsha-no-such-group", "no such group 'lvsha-no-such-group'")]
    [InlineData("a b c", "is not 'USER [GROUP]'")]
    public void Resolve_Unknown_Reason(string text, string reason)
    {
        Assert.Null(ScriptUser.Resolve(text, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
