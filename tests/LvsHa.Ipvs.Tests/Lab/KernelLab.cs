namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>Requirements of the tests that need a real ip_vs kernel ([Trait("Category", "Kernel")]).</summary>
public static class KernelLab
{
    /// <summary>Exists exactly when the running kernel (and network namespace) has IPVS.</summary>
    public const string IpvsProcFile = "/proc/net/ip_vs";

    /// <summary>How to get such a kernel on a machine without one.</summary>
    public const string Hint = "run through tests/lab/run-kernel-tests.sh (or tests/lab/vm/run-in-vm.sh)";

    /// <summary>The schedulers Debian's 6.1 kernel ships as modules (no twos before 6.7).</summary>
    public static readonly IReadOnlyList<string> Schedulers =
        ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh"];

    /// <summary>Whether this process runs on an ip_vs kernel.</summary>
    public static bool HasIpvs => File.Exists(IpvsProcFile);

    /// <summary>Fails the test with the reason when there is no ip_vs kernel or no root (never a silent skip).</summary>
    public static void RequireIpvs()
    {
        if (!HasIpvs)
        {
            Assert.Fail($"needs an ip_vs kernel ({IpvsProcFile} is missing): {Hint}");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Fail($"needs root to program IPVS: {Hint}");
        }
    }
}
