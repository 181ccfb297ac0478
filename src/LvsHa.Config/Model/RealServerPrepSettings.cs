namespace LvsHa.Config;

/// <summary>The LvsHa `real_server_prep { }` block: how real servers are reached over SSH and prepared.</summary>
public sealed record RealServerPrepSettings
{
    /// <summary>Defaults used when the block is absent.</summary>
    public static RealServerPrepSettings Default { get; } = new() { Location = new SourceLocation("", 0, 0) };

    /// <summary>`user` (default root).</summary>
    public string User { get; init; } = "root";

    /// <summary>`port` (default 22).</summary>
    public int Port { get; init; } = 22;

    /// <summary>`identity_file`, or null.</summary>
    public string? IdentityFile { get; init; }

    /// <summary>`known_hosts_file`, or null.</summary>
    public string? KnownHostsFile { get; init; }

    /// <summary>`persist on|off`: make the preparation survive a reboot (default on).</summary>
    public bool Persist { get; init; } = true;

    /// <summary>`auto_prepare on|off`: prepare real servers when the director starts (default off).</summary>
    public bool AutoPrepare { get; init; }

    /// <summary>Where the block starts.</summary>
    public required SourceLocation Location { get; init; }
}
