using System.Diagnostics;

namespace LvsHa.Cli.Tests;

/// <summary>
/// A network namespace shaped like the shipped configurations' directors (interfaces eth0 and eth1, a veth pair),
/// for running the `lvsha` executable where the interfaces a config names exist, as `check` requires. Removed on
/// dispose. Needs root (the test suite runs as root; without it the creation fails with the reason).
/// </summary>
internal sealed class DirectorNamespace : IDisposable
{
    public DirectorNamespace()
    {
        Name = $"lvsha-cli-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        Ip("netns", "add", Name);
        Ip("-n", Name, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
        Ip("-n", Name, "link", "set", "eth0", "up");
        Ip("-n", Name, "link", "set", "eth1", "up");
    }

    public string Name { get; }

    /// <summary>Runs the built lvsha executable inside the namespace.</summary>
    public (int Code, string Out, string Err) Lvsha(params string[] args) =>
        Exec("ip", ["netns", "exec", Name, Path.Combine(AppContext.BaseDirectory, "lvsha"), .. args]);

    public void Dispose() => Exec("ip", ["netns", "del", Name]);

    private static void Ip(params string[] args)
    {
        var (code, _, error) = Exec("ip", args);
        Assert.True(code == 0, $"ip {string.Join(' ', args)}: {error}");
    }

    /// <summary>Runs a program to its end (at most a minute): exit code, standard output, standard error.</summary>
    internal static (int Code, string Out, string Err) Exec(string program, string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), $"{program} did not exit");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
