using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LvsHa.Config.Tests;

/// <summary>
/// Runs the real keepalived 2.2.7 (`keepalived -t`) on the same files LvsHa loads: what keepalived accepts, LvsHa
/// accepts, and a set of broken files is refused by both. keepalived checks that interfaces exist, so it runs in a
/// network namespace of this test with eth0/eth1; LvsHa's own keywords are removed from its copy.
/// </summary>
public sealed partial class KeepalivedAgreementTests : IClassFixture<KeepalivedAgreementTests.Namespace>
{
    private readonly Namespace _ns;

    public KeepalivedAgreementTests(Namespace ns) => _ns = ns;

    public static TheoryData<string> AcceptedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(TestSupport.SamplesDirectory(), "d*.conf", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(f);
        foreach (var f in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Keepalived", "accepted"), "*.conf").Order(StringComparer.Ordinal))
            data.Add(f);
        return data;
    }

    public static TheoryData<string> RefusedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Keepalived", "refused"), "*.conf").Order(StringComparer.Ordinal))
            data.Add(f);
        return data;
    }

    [Fact]
    public void TestFiles_ExistInBothSets()
    {
        Assert.True(AcceptedFiles().Count >= 13);
        Assert.True(RefusedFiles().Count >= 8);
    }

    [Theory]
    [MemberData(nameof(AcceptedFiles))]
    public void Check_AcceptedByKeepalived_AcceptedByLvsHa(string file)
    {
        var (rc, output) = _ns.KeepalivedCheck(file);
        Assert.True(rc == 0, $"keepalived -t refused {file} (rc {rc}):\n{output}");
        var r = ConfigLoader.Load(file);
        Assert.True(r.Success, $"LvsHa refused {file}:\n" + string.Join('\n', r.Diagnostics));
        Assert.Empty(r.Warnings);
    }

    [Theory]
    [MemberData(nameof(RefusedFiles))]
    public void Check_RefusedByKeepalived_RefusedByLvsHa(string file)
    {
        var (rc, output) = _ns.KeepalivedCheck(file);
        Assert.True(rc != 0, $"keepalived -t accepted {file}:\n{output}");
        var r = ConfigLoader.Load(file);
        Assert.False(r.Success, $"LvsHa accepted {file}");
        Assert.All(r.Errors, e => Assert.Equal(file, e.Location.File));
    }

    [GeneratedRegex(@"^(cluster|real_server_prep)\s*\{.*?^\}[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex LvsHaBlocks();

    [GeneratedRegex(@"^[ \t]*(ssh_host|metrics_listen)\b.*$", RegexOptions.Multiline)]
    private static partial Regex LvsHaKeywords();

    /// <summary>keepalived's copy of a configuration: LvsHa's own keywords removed, includes kept relative.</summary>
    public static string StripLvsHaKeywords(string text) => LvsHaKeywords().Replace(LvsHaBlocks().Replace(text, ""), "");

    /// <summary>A network namespace with veth eth0/eth1 for keepalived -t, deleted on dispose.</summary>
    public sealed class Namespace : IDisposable
    {
        private readonly string _name = $"lvsha-config-{Environment.ProcessId}-{Random.Shared.Next(1_000_000)}";

        public Namespace()
        {
            if (!File.Exists("/usr/sbin/keepalived"))
                throw new InvalidOperationException("keepalived is not installed (apt-get install keepalived): these tests need /usr/sbin/keepalived");
            if (Environment.UserName != "root")
                throw new InvalidOperationException("these tests need root to create a network namespace for keepalived -t");
            Ip($"netns add {_name}");
            Ip($"-n {_name} link add eth0 type veth peer name eth1");
            Ip($"-n {_name} link set eth0 up");
            Ip($"-n {_name} link set eth1 up");
        }

        private static void Ip(string args)
        {
            var (rc, output) = Run("ip", args, null);
            if (rc != 0)
                throw new InvalidOperationException($"ip {args} failed ({rc}): {output}");
        }

        public (int Rc, string Output) KeepalivedCheck(string file)
        {
            var dir = Path.Combine(Path.GetTempPath(), "lvsha-config-ka-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                foreach (var f in Directory.EnumerateFiles(Path.GetDirectoryName(file)!, "*.conf"))
                    File.WriteAllText(Path.Combine(dir, Path.GetFileName(f)), StripLvsHaKeywords(File.ReadAllText(f)));
                return Run("ip", $"netns exec {_name} keepalived -t -l -D -f {Path.Combine(dir, Path.GetFileName(file))}", dir);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        private static (int, string) Run(string program, string args, string? cwd)
        {
            var psi = new ProcessStartInfo(program, args)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = cwd ?? Environment.CurrentDirectory,
            };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(30_000))
            {
                p.Kill(entireProcessTree: true);
                return (-1, "timed out");
            }
            return (p.ExitCode, stdout.Result + stderr.Result);
        }

        public void Dispose() => Run("ip", $"netns del {_name}", null);
    }
}
