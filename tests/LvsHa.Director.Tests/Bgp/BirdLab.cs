using System.Diagnostics;

namespace LvsHa.Director.Tests.Bgp;

/// <summary>Runs the real BIRD 2 for the tests (tests/lab/install-deps.sh installs Debian's bird2).</summary>
internal static class BirdLab
{
    public static (int Code, string Output) Run(string program, params string[] args)
    {
        Assert.True(File.Exists(program), $"{program} is missing: install Debian's bird2 (tests/lab/install-deps.sh does)");
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), $"{program} did not finish");
        return (process.ExitCode, output.Result + error.Result);
    }
}
