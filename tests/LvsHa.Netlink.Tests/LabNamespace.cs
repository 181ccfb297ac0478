using System.Diagnostics;

namespace LvsHa.Netlink.Tests;

/// <summary>
/// A network namespace created for one test (lvsha-nl-PID-RANDOM) with a veth pair lvsha-a/lvsha-b, both up and
/// with no route anywhere; deleted on Dispose. `ip -n` is the independent reader of what the code did.
/// </summary>
internal sealed class LabNamespace : IDisposable
{
    public LabNamespace()
    {
        Name = $"lvsha-nl-{Environment.ProcessId}-{Random.Shared.Next(100000, 999999)}";
        Ip($"netns add {Name}");
        try
        {
            In("link add lvsha-a type veth peer name lvsha-b");
            In("link set lvsha-a up");
            In("link set lvsha-b up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    public string Path => "/run/netns/" + Name;

    /// <summary>`ip -n NAME ARGS`; throws with ip's stderr when it fails.</summary>
    public string In(string arguments) => Ip($"-n {Name} {arguments}");

    public static string Ip(string arguments) => Run("ip", arguments);

    public static string Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`{file} {arguments}` failed ({process.ExitCode}): {error.Trim()}");
        return output.Result;
    }

    public void Dispose()
    {
        try
        {
            Ip($"netns del {Name}");
        }
        catch (InvalidOperationException)
        {
            // Already gone; nothing else to clean.
        }
    }
}
