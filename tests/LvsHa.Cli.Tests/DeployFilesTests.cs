using System.Diagnostics;
using System.Text.RegularExpressions;
using LvsHa.Config;

namespace LvsHa.Cli.Tests;

/// <summary>What deploy/ and samples/ ship: every LvsHa configuration passes `lvsha check`, the example is two
/// VIP directors plus a witness, the sysctl files are well-formed and explained, the systemd unit verifies.</summary>
public sealed partial class DeployFilesTests
{
    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "deploy")))
            dir = dir.Parent;
        Assert.True(dir is not null, "deploy/ not found above " + AppContext.BaseDirectory);
        return dir!.FullName;
    }

    /// <summary>Every LvsHa configuration file: *.conf under samples/ and deploy/, except the sysctl.d,
    /// modules-load.d and modprobe.d files (other syntaxes that also must end in .conf).</summary>
    public static TheoryData<string> ConfigFiles()
    {
        var root = Root();
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "deploy"), "*.conf", SearchOption.AllDirectories)
                     .Concat(Directory.EnumerateFiles(Path.Combine(root, "samples"), "*.conf", SearchOption.AllDirectories))
                     .Where(f => !f.Contains("/deploy/sysctl/", StringComparison.Ordinal) && !f.Contains("/deploy/modules-load.d/", StringComparison.Ordinal)
                                 && !f.Contains("/deploy/modprobe.d/", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ConfigFiles))]
    public void Check_EveryShippedConfiguration_ExitsZeroSilently(string file)
    {
        var temp = Directory.CreateTempSubdirectory("lvsha-deploy-").FullName;
        try
        {
            using var director = new DirectorNamespace(); // the shipped directors have eth0 and eth1
            var (code, output, error) = director.Lvsha("check", "-f", CheckCommandTests.WithOwnSecret(Path.Combine(Root(), file), temp));

            Assert.True(code == ExitCodes.Ok, file + "\n" + error);
            Assert.Equal("", error);
            Assert.Equal("", output);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [Fact]
    public void ConfigFiles_CoverDeployExampleAndEverySample()
    {
        var files = ((IEnumerable<object[]>)ConfigFiles()).Select(row => (string)row[0]).ToArray();

        Assert.Contains("deploy/example/witness.conf", files);
        Assert.Contains("deploy/example/d1.conf", files);
        Assert.Contains("samples/web-dr-wlc/services.conf", files);
        Assert.True(files.Length >= 4 + 12, string.Join('\n', files));
    }

    [Fact]
    public void Example_TwoVipDirectorsAndAWitness_SameClusterMajorityGuardSecretAndMetrics()
    {
        var example = Path.Combine(Root(), "deploy", "example");
        var configs = new[] { "d1", "d2", "witness" }.ToDictionary(n => n, n => ConfigLoader.LoadOrThrow(Path.Combine(example, n + ".conf")));

        foreach (var (name, config) in configs)
        {
            var cluster = config.Cluster;
            Assert.NotNull(cluster);
            Assert.Equal(name, cluster.NodeName);
            Assert.Equal(SplitBrainGuard.Majority, cluster.SplitBrainGuard);
            Assert.Equal("/etc/lvsha/cluster.secret", cluster.SecretFile);
            // The witness is the first seed everywhere, and every director lists all three.
            Assert.Equal(["10.0.0.3:4053", "10.0.0.1:4053", "10.0.0.2:4053"], cluster.Seeds.Select(s => s.ToString()));
            Assert.Equal((cluster.Listen.Host, 9105), (config.Global.MetricsListen?.Host, config.Global.MetricsListen?.Port));
        }

        Assert.Empty(configs["witness"].VrrpInstances);
        Assert.Empty(configs["witness"].VirtualServers);
        var d1 = Assert.Single(configs["d1"].VrrpInstances);
        var d2 = Assert.Single(configs["d2"].VrrpInstances);
        Assert.Equal((d1.Name, d1.VirtualRouterId), (d2.Name, d2.VirtualRouterId));
        Assert.True(d1.Priority > d2.Priority);
        Assert.Equal(configs["d1"].VirtualServers.Count, configs["d2"].VirtualServers.Count);
        Assert.NotEmpty(configs["d1"].VirtualServers);
    }

    [Fact]
    public void Sysctl_EveryFile_KeyEqualsValueLinesEachExplainedByAComment()
    {
        var files = Directory.GetFiles(Path.Combine(Root(), "deploy", "sysctl"), "*.conf");
        Assert.Contains(files, f => f.EndsWith("90-lvsha-director.conf", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("91-lvsha-nat.conf", StringComparison.Ordinal));

        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            var keys = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                if (line.Length == 0 || line.StartsWith('#'))
                    continue;
                var match = SysctlLine().Match(line);
                Assert.True(match.Success, $"{file}:{i + 1}: not `key = value`: {line}");
                Assert.True(keys.Add(match.Groups[1].Value), $"{file}:{i + 1}: {match.Groups[1].Value} set twice");
                // The block a setting belongs to starts with a comment saying why.
                var start = i;
                while (start > 0 && lines[start - 1].Length > 0)
                    start--;
                Assert.True(lines[start].StartsWith('#'), $"{file}:{i + 1}: {match.Groups[1].Value} has no comment saying why");
            }
        }

        var nat = File.ReadAllText(Path.Combine(Root(), "deploy", "sysctl", "91-lvsha-nat.conf"));
        Assert.Contains("net.ipv4.ip_forward = 1", nat, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SystemdUnit_NotifyWatchdogRestartCapabilities_VerifiesCleanly()
    {
        var unit = File.ReadAllText(Path.Combine(Root(), "deploy", "systemd", "lvsha.service"));
        foreach (var line in new[] { "Type=notify", "WatchdogSec=10s", "Restart=on-failure", "KillMode=mixed", "NotifyAccess=main" })
            Assert.Contains("\n" + line + "\n", unit, StringComparison.Ordinal);
        var capabilities = unit.Split('\n').Single(l => l.StartsWith("CapabilityBoundingSet=", StringComparison.Ordinal));
        Assert.Contains("CAP_NET_ADMIN", capabilities, StringComparison.Ordinal);
        Assert.Contains("CAP_NET_RAW", capabilities, StringComparison.Ordinal);
        var families = unit.Split('\n').Single(l => l.StartsWith("RestrictAddressFamilies=", StringComparison.Ordinal));
        Assert.Contains("AF_NETLINK", families, StringComparison.Ordinal);
        Assert.Contains("AF_PACKET", families, StringComparison.Ordinal);
        Assert.DoesNotContain("MemoryDenyWriteExecute=yes", unit, StringComparison.Ordinal);

        // systemd-analyze checks every key and value; the binary is swapped for one that exists here.
        var folder = Directory.CreateTempSubdirectory("lvsha-unit-");
        try
        {
            var copy = Path.Combine(folder.FullName, "lvsha.service");
            File.WriteAllText(copy, unit.Replace("/usr/local/bin/lvsha", "/bin/true", StringComparison.Ordinal));
            var analyze = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
            Assert.True(analyze is not null, "this test needs systemd-analyze (package systemd)");
            var info = new ProcessStartInfo(analyze) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "verify", "--man=no", copy })
                info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Equal("", (await output + error).Trim());
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"^([a-z0-9_]+(\.[a-z0-9_]+)+) = (\S+)$")]
    private static partial Regex SysctlLine();
}
