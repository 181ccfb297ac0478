namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>The reference IPVS client (ipvsadm 1.31): an independent reader and writer of the kernel's table.</summary>
public static class Ipvsadm
{
    /// <summary>Runs ipvsadm with the given arguments and fails the test unless it succeeds.</summary>
    public static ProcessResult Run(params string[] arguments) => LabProcess.RunChecked("ipvsadm", arguments);

    /// <summary>The whole table as `ipvsadm -Sn | sort` (ordinal, like sort under LC_ALL=C): a canonical form that
    /// two programs producing the same table agree on line for line.</summary>
    public static IReadOnlyList<string> SaveSorted() =>
        [.. Run("-S", "-n").OutputLines.Order(StringComparer.Ordinal)];

    /// <summary>Removes every virtual service (ipvsadm -C).</summary>
    public static void Clear() => Run("-C");
}
