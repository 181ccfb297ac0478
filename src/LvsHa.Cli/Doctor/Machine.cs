using System.Globalization;
using System.Net.Sockets;
using LvsHa.Config;
using LvsHa.Director.Security;

namespace LvsHa.Cli.Doctor;

/// <summary>This machine as doctor reads it: /proc/sys, /sys/module, /sys/class/net, the module index, TCP.</summary>
public sealed class Machine : IMachine
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);
    private readonly Lazy<string> _moduleIndex = new(ReadModuleIndex);

    /// <inheritdoc />
    public bool IpvsLoaded => File.Exists("/proc/net/ip_vs");

    /// <inheritdoc />
    public string? Read(string key)
    {
        // "MODULE PARAMETER" is a module parameter, anything else a sysctl key.
        var parts = key.Split(' ');
        var path = parts.Length == 2 ? $"/sys/module/{parts[0]}/parameters/{parts[1]}" : "/proc/sys/" + key.Replace('.', '/');
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public bool SchedulerAvailable(string scheduler) =>
        Directory.Exists($"/sys/module/ip_vs_{scheduler}")
        || _moduleIndex.Value.Contains($"/ip_vs_{scheduler}.ko", StringComparison.Ordinal);

    /// <inheritdoc />
    public InterfaceFacts? Interface(string name)
    {
        var folder = $"/sys/class/net/{name}";
        if (name.Contains('/', StringComparison.Ordinal) || !Directory.Exists(folder))
            return null;
        const int up = 0x1, multicast = 0x1000; // IFF_UP, IFF_MULTICAST
        var flags = int.Parse(File.ReadAllText($"{folder}/flags").Trim().Replace("0x", "", StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        // operstate is "unknown" for interfaces without carrier reporting (dummy, lo): only "down" counts as down.
        var operational = File.ReadAllText($"{folder}/operstate").Trim() != "down";
        return new InterfaceFacts((flags & up) != 0 && operational, (flags & multicast) != 0);
    }

    /// <inheritdoc />
    public string? Reach(NetworkEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        using var client = new TcpClient(endpoint.Host.Contains(':', StringComparison.Ordinal) ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);
        try
        {
            return client.ConnectAsync(endpoint.Host, endpoint.Port).Wait(ConnectTimeout) ? null : $"no answer within {ConnectTimeout.TotalSeconds:0} s";
        }
        catch (AggregateException e) when (e.InnerException is SocketException s)
        {
            return s.Message;
        }
    }

    /// <inheritdoc />
    public string? SecretProblem(string path)
    {
        try
        {
            ClusterSecret.ReadChecked(path);
            return null;
        }
        catch (ClusterSecretException e)
        {
            return e.Message;
        }
    }

    /// <summary>modules.dep and modules.builtin of the running kernel: the modules it can load or has built in.</summary>
    private static string ReadModuleIndex()
    {
        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var text = new System.Text.StringBuilder();
        foreach (var file in new[] { "modules.dep", "modules.builtin" })
        {
            var path = $"/lib/modules/{release}/{file}";
            if (File.Exists(path))
                text.Append(File.ReadAllText(path));
        }
        return text.ToString();
    }
}
