using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LvsHa.Health.Checkers;

namespace LvsHa.Health.Tests.Lab;

/// <summary>Network namespaces of one lab test (names prefixed lvsha-health-), removed on Dispose even on failure,
/// and what the lab tests do in them.</summary>
internal sealed class LabNamespaces : IDisposable
{
    private readonly List<string> created = [];

    /// <summary>Runs a program; a failure (not root, tool missing) throws with its error output.</summary>
    public static void Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed (needs root and the tool): {error}");
    }

    /// <summary>`ip ARGUMENTS` (split on blanks).</summary>
    public static void Ip(string arguments) => Run("ip", arguments.Split(' '));

    /// <summary>Creates a namespace that Dispose removes.</summary>
    public void Add(string name)
    {
        Ip($"netns add {name}");
        created.Add(name);
    }

    /// <summary>A listener in a namespace that accepts and closes every connection.</summary>
    public static Socket Listen(string ns, IPEndPoint at)
    {
        var listener = NetworkNamespace.CreateSocket($"/run/netns/{ns}", at.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(at);
        listener.Listen(16);
        _ = Task.Run(async () =>
        {
            try
            {
                while (true) (await listener.AcceptAsync()).Dispose();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Closed by the test.
            }
        });
        return listener;
    }

    public void Dispose()
    {
        foreach (var ns in created)
        {
            try
            {
                Ip($"netns del {ns}");
            }
            catch (InvalidOperationException)
            {
                // Best effort; leftovers show by name.
            }
        }
    }
}
