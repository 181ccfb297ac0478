using LvsHa.Config.Syntax;

namespace LvsHa.Config.Tests.Syntax;

/// <summary>include never hangs, never reads a device or /proc, never follows a cycle, and stops at a total size.</summary>
public class IncludeSafetyTests
{
    [Fact]
    public void ParseFile_IncludeCycle_IsAnErrorNamingTheChain()
    {
        using var dir = new TempDir();
        dir.Write("a.conf", "include b.conf\n");
        dir.Write("b.conf", "router_id x\ninclude   c.conf\n");
        dir.Write("c.conf", "include a.conf\n");
        var d = Assert.Single(SyntaxParser.ParseFile(Path.Combine(dir.Path, "a.conf")).Diagnostics);
        string a = Path.Combine(dir.Path, "a.conf"), b = Path.Combine(dir.Path, "b.conf"), c = Path.Combine(dir.Path, "c.conf");
        Assert.Equal($"include 'a.conf': include loop {a} -> {b} -> {c} -> {a}; not followed", d.Message);
        Assert.Equal(new SourceLocation(c, 1, 9), d.Location);
    }

    [Fact]
    public void ParseFile_SameFileTwiceOutsideAChain_IsReadTwice()
    {
        using var dir = new TempDir();
        dir.Write("rs.conf", "weight 1\n");
        var main = dir.Write("main.conf", "include rs.conf\ninclude rs.conf\n");
        var r = SyntaxParser.ParseFile(main);
        Assert.Empty(r.Diagnostics);
        Assert.Equal(2, r.Statements.Count);
    }

    [Theory]
    [InlineData("/dev/zero", "under /dev")]
    [InlineData("/dev/null", "under /dev")]
    [InlineData("/proc/self/status", "under /proc")]
    [InlineData("/sys/kernel/mm/transparent_hugepage/enabled", "under /sys")]
    public void ParseFile_IncludeOfPseudoFile_IsAnError(string path, string why)
    {
        using var dir = new TempDir();
        var main = dir.Write("main.conf", $"router_id x\ninclude {path}\n");
        var d = Assert.Single(SyntaxParser.ParseFile(main).Diagnostics);
        Assert.Equal(new SourceLocation(main, 2, 9), d.Location);
        Assert.Contains($"not a regular file ({why})", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParseFile_IncludeOfFifo_IsAnErrorNotAHang()
    {
        using var dir = new TempDir();
        var fifo = Path.Combine(dir.Path, "pipe.conf");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo))
            mk.WaitForExit();
        var main = dir.Write("main.conf", "include pipe.conf\n");
        var r = await Task.Run(() => SyntaxParser.ParseFile(main)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("not a regular file (a FIFO)", Assert.Single(r.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFile_SymlinkToDevice_IsAnError()
    {
        using var dir = new TempDir();
        File.CreateSymbolicLink(Path.Combine(dir.Path, "zero.conf"), "/dev/zero");
        var main = dir.Write("main.conf", "include zero.conf\n");
        Assert.Contains("not a regular file", Assert.Single(SyntaxParser.ParseFile(main).Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MainFileIsADevice_IsAnError()
    {
        var r = ConfigLoader.Load("/dev/zero");
        Assert.False(r.Success);
        Assert.Contains("not a regular file", Assert.Single(r.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFile_TotalAboveTheCap_IsAnErrorAtTheInclude()
    {
        using var dir = new TempDir();
        var big = dir.Write("big.conf", "");
        using (var f = new FileStream(big, FileMode.Create))
            f.SetLength(SyntaxParser.MaxTotalBytes / 2 + 1);
        var main = dir.Write("main.conf", "include big.conf\ninclude big.conf\n");
        var d = Assert.Single(SyntaxParser.ParseFile(main).Diagnostics, x => x.Message.Contains("MiB", StringComparison.Ordinal));
        Assert.Equal(new SourceLocation(main, 2, 9), d.Location);
        Assert.Contains("larger than 64 MiB in total", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParseFile_ExponentialIncludeTree_StopsAtTheFileCount()
    {
        using var dir = new TempDir();
        // Each level includes the next one ten times: 10^6 reads of empty files without a limit.
        for (int i = 0; i < 6; i++)
            dir.Write($"l{i}.conf", string.Concat(Enumerable.Repeat($"include l{i + 1}.conf\n", 10)));
        dir.Write("l6.conf", "");
        var r = await Task.Run(() => SyntaxParser.ParseFile(Path.Combine(dir.Path, "l0.conf"))).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(r.Diagnostics, d => d.Message.Contains($"more than {SyntaxParser.MaxFiles} configuration files", StringComparison.Ordinal));
    }
}
