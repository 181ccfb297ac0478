using System.Diagnostics;

namespace LvsHa.Director.Tests.Lab;

/// <summary>Runs lab set-up commands (ip, nft) and fails loudly with their output.</summary>
internal static class LabCommand
{
    public static string Run(string file, params string[] args)
    {
        var (code, output) = TryRun(file, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"`{file} {string.Join(' ', args)}` failed ({code}): {output}");
        }

        return output;
    }

    public static (int Code, string Output) TryRun(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Fails (never skips) when the lab cannot run on this machine.</summary>
    public static void RequireLab()
    {
        Assert.True(Environment.UserName == "root" || geteuid() == 0, "lab tests need root (network namespaces, nftables)");
        foreach (var tool in new[] { "/usr/sbin/ip", "/usr/sbin/nft" })
        {
            Assert.True(File.Exists(tool) || File.Exists(tool.Replace("/usr/sbin", "/sbin")), $"lab tests need {tool} (iproute2, nftables)");
        }
    }

    /// <summary>Fails (never skips) when <paramref name="tool"/> is not installed.</summary>
    public static void RequireTool(string tool) =>
        Assert.True(
            new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin" }.Any(d => File.Exists(Path.Combine(d, tool))),
            $"this lab test needs {tool} (tests/lab/install-deps.sh installs it)");

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();
}
