namespace LvsHa.RealServers.Running;

/// <summary>The status of one item on one host.</summary>
public enum ItemStatus
{
    /// <summary>Was different, was changed, and reads back right.</summary>
    Changed,

    /// <summary>Was already as desired; nothing was run.</summary>
    AlreadyRight,

    /// <summary>Dry run: would be changed.</summary>
    WouldChange,

    /// <summary>A command failed, the read-back differs, or prepare cannot fix it (NAT route).</summary>
    Failed,

    /// <summary>Not possible on this host, reported (e.g. no systemctl to enable the boot unit).</summary>
    Skipped,
}

/// <summary>One item's result on one host.</summary>
public sealed record ItemReport(string Name, string Observed, string Desired, ItemStatus Status, string? Detail, IReadOnlyList<string> Commands);

/// <summary>One host's result: its items, or the error that stopped it before any change.</summary>
public sealed record HostReport(string Host, bool Failed, string? Error, IReadOnlyList<ItemReport> Items, TimeSpan Elapsed, int ConnectAttempts);

/// <summary>The result of a prepare run over all hosts.</summary>
public sealed record PrepareReport(IReadOnlyList<HostReport> Hosts, bool DryRun, bool Undo, TimeSpan Elapsed)
{
    /// <summary>Names given in <see cref="Model.PrepareOptions.Only"/> that match no target (likely typos).</summary>
    public IReadOnlyList<string> UnmatchedOnly { get; init; } = [];

    /// <summary>Whether any host failed (a host error or any failed item): the CLI exits non-zero.</summary>
    public bool AnyFailed => Hosts.Any(h => h.Failed);

    /// <summary>The process exit code the CLI should use: 0 all good, 1 any host failed.</summary>
    public int ExitCode => AnyFailed ? 1 : 0;
}
