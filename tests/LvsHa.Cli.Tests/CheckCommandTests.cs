using System.Text.Json;
using System.Text.RegularExpressions;

namespace LvsHa.Cli.Tests;

public sealed partial class CheckCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lvsha-cli-" + Guid.NewGuid().ToString("N"));

    public CheckCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = LvsHaCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    internal static string Samples()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "samples")))
            dir = dir.Parent;
        Assert.True(dir is not null, "samples/ not found");
        return Path.Combine(dir!.FullName, "samples");
    }

    /// <summary>
    /// The copy of <paramref name="file"/> in <paramref name="tempRoot"/>, with the rest of its folder (its includes),
    /// whose secret_file is a fresh secret there: check reads the secret as run does, and the shipped files name
    /// /etc/lvsha/cluster.secret.
    /// </summary>
    internal static string WithOwnSecret(string file, string tempRoot)
    {
        var secret = NewSecret(tempRoot);
        var source = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var target = Path.Combine(tempRoot, Path.GetFileName(source));
        Directory.CreateDirectory(target);
        foreach (var f in Directory.EnumerateFiles(source))
            File.WriteAllText(Path.Combine(target, Path.GetFileName(f)), File.ReadAllText(f).Replace("/etc/lvsha/cluster.secret", secret, StringComparison.Ordinal));
        return Path.Combine(target, Path.GetFileName(file));
    }

    /// <summary>A usable secret_file (32 random bytes, base64, mode 600) in <paramref name="dir"/>; its path.</summary>
    internal static string NewSecret(string dir)
    {
        var secret = Path.Combine(dir, "cluster.secret");
        if (!File.Exists(secret))
        {
            File.WriteAllText(secret, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return secret;
    }

    [GeneratedRegex(@"^(?<file>[^:]+):(?<line>\d+):(?<col>\d+): (?<sev>error|warning): (?<msg>.+)$")]
    private static partial Regex DiagnosticLine();

    private const string ValidVs = "virtual_server 10.0.0.1 80 {\n protocol TCP\n lb_algo rr\n real_server 10.0.1.1 80 {\n }\n}\n";

    [Fact]
    public void Check_EverySample_ExitsZeroSilently()
    {
        using var director = new DirectorNamespace(); // the samples' directors have eth0 and eth1
        foreach (var sample in Directory.EnumerateFiles(Samples(), "d*.conf", SearchOption.AllDirectories))
        {
            var f = WithOwnSecret(sample, _dir);
            var (code, output, error) = director.Lvsha("check", "-f", f);
            Assert.True(code == ExitCodes.Ok, f + "\n" + error);
            Assert.Equal("", error);
            Assert.Equal("", output);
        }
    }

    [Fact]
    public void Check_MissingVrrpInterfaces_RefusedAtTheirLinesAsKeepalivedT()
    {
        var path = Write("noif.conf", "vrrp_instance VI_1 {\n interface lvsha-none0\n virtual_router_id 9\n track_interface {\n  lvsha-none1\n  lo\n }\n virtual_ipaddress {\n  10.1.1.1\n }\n}\n");
        var (code, _, error) = Run("check", "-f", path);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains($"{path}:1:1: error: vrrp_instance VI_1: interface lvsha-none0 does not exist on this machine", error, StringComparison.Ordinal);
        Assert.Contains($"{path}:5:3: error: vrrp_instance VI_1: track_interface lvsha-none1 does not exist on this machine", error, StringComparison.Ordinal);
        Assert.DoesNotContain("track_interface lo", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_UnusableSecretFile_IsRefusedAtItsLine()
    {
        var sample = Path.Combine(Samples(), "web-dr-wlc", "d1.conf");
        var line = File.ReadAllLines(sample).ToList().FindIndex(l => l.Contains("secret_file", StringComparison.Ordinal)) + 1;
        var copy = WithOwnSecret(sample, _dir);
        var missing = Path.Combine(Path.GetDirectoryName(copy)!, "missing.conf");
        File.WriteAllText(missing, File.ReadAllText(copy).Replace(Path.Combine(_dir, "cluster.secret"), Path.Combine(_dir, "none"), StringComparison.Ordinal));
        using var director = new DirectorNamespace();
        var (code, _, error) = director.Lvsha("check", "-f", missing);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.StartsWith($"{missing}:{line}:5: error: cannot read secret_file", error, StringComparison.Ordinal);

        File.SetUnixFileMode(Path.Combine(_dir, "cluster.secret"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        (code, _, error) = director.Lvsha("check", "-f", copy);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("readable or writable by group or others", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MiscCheckUserUnknownHere_IsRefusedAtItsCheckAsRunDoes()
    {
        var path = Write("u.conf", ValidVs.Replace(" real_server 10.0.1.1 80 {\n }", " real_server 10.0.1.1 80 {\n  MISC_CHECK {\n   misc_path /bin/true\n   user no-such-user-lvsha\n  }\n }", StringComparison.Ordinal));
        var (code, _, error) = Run("check", "-f", path);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.StartsWith($"{path}:5:3: error: script /bin/true cannot run as 'no-such-user-lvsha': no such user", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_VrrpScriptWithAnUnbalancedQuote_IsRefusedAtItsBlock()
    {
        // run used to start with it and end with exit code 0 at the script's first run.
        var path = Write("q.conf", "vrrp_script chk {\n script \"/bin/true 'x\"\n}\n");
        var (code, _, error) = Run("check", "-f", path);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.StartsWith($"{path}:1:1: error: script `/bin/true 'x`: unterminated ' quote", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ScriptSecurityAndARootScriptOthersCanReplace_IsRefused()
    {
        var folder = Directory.CreateTempSubdirectory("lvsha-check-script-");
        try
        {
            File.SetUnixFileMode(folder.FullName, (UnixFileMode)0x1FF);
            var script = Path.Combine(folder.FullName, "notify.sh");
            File.WriteAllText(script, "#!/bin/sh\n");
            File.SetUnixFileMode(script, (UnixFileMode)0x1ED);
            var text = $"global_defs {{\n script_user root\n enable_script_security\n}}\nvrrp_script chk {{\n script {script}\n}}\n";
            var path = Write("s.conf", text);
            var (code, _, error) = Run("check", "-f", path);
            Assert.Equal(ExitCodes.Failed, code);
            Assert.StartsWith($"{path}:5:1: error: script {script} runs as root but {folder.FullName}", error, StringComparison.Ordinal);

            // Without enable_script_security keepalived runs it and reports it: a warning.
            (code, _, error) = Run("check", "-f", Write("w.conf", text.Replace(" enable_script_security\n", "", StringComparison.Ordinal)));
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Contains("warning: script", error, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Check_WarningsOnly_ExitsZeroWithWarningsOnStderr()
    {
        var path = Write("w.conf", ValidVs.Replace(" lb_algo rr\n", " lb_algo rr\n snmp_name lb\n quorum 9\n", StringComparison.Ordinal));
        var (code, _, error) = Run("check", "-f", path);
        Assert.Equal(ExitCodes.Ok, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Equal("warning", DiagnosticLine().Match(l).Groups["sev"].Value));
        Assert.StartsWith($"{path}:4:2: warning: keyword 'snmp_name'", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Errors_ExitsOneWithEveryErrorAsFileLineCol()
    {
        var path = Write("e.conf", """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_algo fastest
                real_server 10.0.1.1 99999 {
                }
                real_server 10.0.1.2 80 {
                    weight many
                }
            }
            vrrp_instance VI {
                interface eth0
                virtual_router_id 256
            }
            """);
        var (code, output, error) = Run("check", "-f", path);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Equal("", output);
        var diagnostics = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => DiagnosticLine().Match(l)).Where(m => m.Success).ToList();
        var errors = diagnostics.Where(m => m.Groups["sev"].Value == "error").ToList();
        Assert.Equal([("3", "13"), ("4", "26"), ("7", "16"), ("12", "23")], errors.Select(m => (m.Groups["line"].Value, m.Groups["col"].Value)));
        Assert.StartsWith("unknown scheduler 'fastest'", errors[0].Groups["msg"].Value, StringComparison.Ordinal);
        Assert.StartsWith("real server port 99999 is out of range", errors[1].Groups["msg"].Value, StringComparison.Ordinal);
        Assert.StartsWith("invalid weight 'many'", errors[2].Groups["msg"].Value, StringComparison.Ordinal);
        Assert.StartsWith("virtual_router_id 256 is out of range 1..255", errors[3].Groups["msg"].Value, StringComparison.Ordinal);
        Assert.All(diagnostics, m => Assert.Equal(path, m.Groups["file"].Value));
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ErrorInIncludedFile_NamesIncludedFile()
    {
        var inc = Write("conf.d/vs.conf", "virtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.1.1 80 {\n weight 1\n}\n");
        var main = Write("main.conf", "include conf.d/*.conf\n");
        var (code, _, error) = Run("check", "-f", main);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.StartsWith($"{inc}:1:1: error: unbalanced braces", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MissingInclude_ExitsOne()
    {
        var main = Write("main.conf", "include nothere.conf\n");
        var (code, _, error) = Run("check", "-f", main);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.StartsWith($"{main}:1:9: error: include 'nothere.conf': file not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MissingFile_ExitsOne()
    {
        var (code, _, error) = Run("check", "-f", Path.Combine(_dir, "none.conf"));
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("none.conf:1:1: error: configuration file not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckDump_ValidConfig_PrintsNormalizedJson()
    {
        var path = Write("d.conf", "virtual_server 10.0.0.1 80 {\n protocol TCP\n lb_kind DR\n persistence_timeout\n real_server 10.0.1.1 8080 {\n  TCP_CHECK {\n  }\n }\n}\n"
            + $"cluster {{\n node_name d1\n listen 10.0.0.1 4053\n seed 10.0.0.2 4053\n secret_file {NewSecret(_dir)}\n}}\n");
        var (code, output, _) = Run("check", "--dump", "-f", path);
        Assert.Equal(ExitCodes.Ok, code);
        using var json = JsonDocument.Parse(output);
        var vs = json.RootElement.GetProperty("virtual_servers")[0];
        Assert.Equal("wlc", vs.GetProperty("scheduler").GetString());
        Assert.Equal("dr", vs.GetProperty("method").GetProperty("method").GetString());
        Assert.Equal(360, vs.GetProperty("persistence_timeout").GetInt32());
        Assert.Equal("10.0.0.1", vs.GetProperty("endpoints")[0].GetProperty("address").GetString());
        var rs = vs.GetProperty("real_servers")[0];
        Assert.Equal(80, rs.GetProperty("port").GetInt32());
        Assert.Equal(1, rs.GetProperty("weight").GetInt32());
        Assert.Equal(60, rs.GetProperty("delay_loop").GetDouble());
        var checker = rs.GetProperty("checkers")[0];
        Assert.Equal("TCP_CHECK", checker.GetProperty("checker").GetString());
        Assert.Equal(5, checker.GetProperty("connect_timeout").GetDouble());
        Assert.Equal($"{path}:5:2", rs.GetProperty("location").GetString());
        Assert.Equal("d1", json.RootElement.GetProperty("cluster").GetProperty("node_name").GetString());
        Assert.Equal("majority", json.RootElement.GetProperty("cluster").GetProperty("split_brain_guard").GetString());
    }

    [Fact]
    public void CheckDump_InvalidConfig_PrintsNoJson()
    {
        var path = Write("bad.conf", "virtual_server 10.0.0.1 80 {\n");
        var (code, output, _) = Run("check", "--dump", "-f", path);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Equal("", output);
    }

    [Fact]
    public void Check_WithoutFile_ReadsTheDefaultPathAndNamesIt()
    {
        var (code, _, error) = Run("check");
        Assert.StartsWith("lvsha: no -f FILE given: reading /etc/lvsha/lvsha.conf", error, StringComparison.Ordinal);
        if (!File.Exists("/etc/lvsha/lvsha.conf"))
        {
            Assert.Equal(ExitCodes.Failed, code);
            Assert.Contains("/etc/lvsha/lvsha.conf:1:1: error:", error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("check", "-f")]
    [InlineData("check", "--frobnicate", "-f", "x.conf")]
    [InlineData("chekc", "-f", "x.conf")]
    [InlineData]
    public void Run_UsageErrors_ExitTwo(params string[] args)
    {
        var (code, _, error) = Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("lvsha --help", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_Root_ListsCheckAndExitCodes()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("check", output, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_Check_DocumentsOptionsAndExitCodes()
    {
        var (code, output, _) = Run("check", "--help");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("--file", output, StringComparison.Ordinal);
        Assert.Contains("--dump", output, StringComparison.Ordinal);
        Assert.Contains("0 valid", output, StringComparison.Ordinal);
        Assert.Contains("1 invalid", output, StringComparison.Ordinal);
        Assert.Contains("2 usage error", output, StringComparison.Ordinal);
    }
}

public sealed class CheckCommandStrictTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lvsha-cli-strict-" + Guid.NewGuid().ToString("N"));

    public CheckCommandStrictTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void CheckDump_AuthPass_IsRedacted()
    {
        var path = Write("auth.conf", "vrrp_instance V {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {\n  10.1.1.1\n }\n authentication {\n  auth_type PASS\n  auth_pass s3cr3t\n }\n}\n");
        var (code, output, error) = CheckCommandTests.Run("check", "--dump", "-f", path);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.DoesNotContain("s3cr3t", output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(output);
        var auth = doc.RootElement.GetProperty("vrrp_instances")[0].GetProperty("authentication");
        Assert.Equal("***", auth.GetProperty("password").GetString());
        Assert.Equal("pass", auth.GetProperty("type").GetString());
    }

    [Fact]
    public void Check_UnknownKeyword_ExitsOneWithSuggestionAtItsPlace()
    {
        var path = Write("typo.conf", "virtual_server 10.0.0.1 80 {\n protocol TCP\n   lb_algoo rr\n real_server 10.0.1.1 80 {\n }\n}\n");
        var (code, _, error) = CheckCommandTests.Run("check", "-f", path);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.StartsWith($"{path}:3:4: error: unknown keyword 'lb_algoo' in virtual_server; did you mean 'lb_algo'?", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ConfigId_SelectsConditionalLines()
    {
        var path = Write("cond.conf", "virtual_server 10.0.0.1 80 {\n protocol TCP\n @d1 lb_algo rr\n @d2 lb_algo fastest\n real_server 10.0.1.1 80 {\n }\n}\n");
        Assert.Equal(ExitCodes.Ok, CheckCommandTests.Run("check", "--config-id", "d1", "-f", path).Code);
        var (code, _, error) = CheckCommandTests.Run("check", "--config-id", "d2", "-f", path);
        Assert.Equal(ExitCodes.Failed, code);
        Assert.StartsWith($"{path}:4:14: error: unknown scheduler 'fastest'", error, StringComparison.Ordinal);
    }
}
