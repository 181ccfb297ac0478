using System.Diagnostics;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Netlink.Tests.Ipvs;

/// <summary>The ip_vs kernel's one table, shared by the kernel tests (which therefore run one at a time).</summary>
[CollectionDefinition(Name)]
public sealed class IpvsKernelCollection : ICollectionFixture<IpvsKernelFixture>
{
    public const string Name = "IPVS kernel table";
}

/// <summary>Opens the client once (a missing ip_vs fails every kernel test with the client's own explanation).</summary>
public sealed class IpvsKernelFixture : IDisposable
{
    private readonly Lazy<IpvsClient> _client = new(() => IpvsClient.Open());

    public IpvsClient Client => _client.Value;

    /// <summary>Runs ipvsadm (the independent reader/writer); throws with its stderr when it fails.</summary>
    public static string Ipvsadm(string arguments, string? input = null, string? networkNamespace = null)
    {
        var (file, args) = networkNamespace is null ? ("ipvsadm", arguments) : ("ip", $"netns exec {networkNamespace} ipvsadm {arguments}");
        using var process = Process.Start(new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
        }) ?? throw new InvalidOperationException("could not start ipvsadm");
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`ipvsadm {arguments}` failed ({process.ExitCode}): {error.Trim()}");
        return output.Result;
    }

    /// <summary>`ipvsadm -Sn`, sorted: the canonical table.</summary>
    public static List<string> SavedRules(string? networkNamespace = null) =>
        Ipvsadm("-Sn", null, networkNamespace).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        if (_client.IsValueCreated)
            _client.Value.Dispose();
    }
}
