namespace LvsHa.Config;

/// <summary>A `vrrp_sync_group NAME { group { ... } }`: instances that change state together.</summary>
public sealed record VrrpSyncGroup
{
    /// <summary>Group name.</summary>
    public required string Name { get; init; }

    /// <summary>Names of the member vrrp_instances.</summary>
    public required IReadOnlyList<string> Instances { get; init; }

    /// <summary>`notify`, or null.</summary>
    public NotifyScript? Notify { get; init; }

    /// <summary>`notify_master`, or null.</summary>
    public NotifyScript? NotifyMaster { get; init; }

    /// <summary>`notify_backup`, or null.</summary>
    public NotifyScript? NotifyBackup { get; init; }

    /// <summary>`notify_fault`, or null.</summary>
    public NotifyScript? NotifyFault { get; init; }

    /// <summary>`notify_stop`, or null.</summary>
    public NotifyScript? NotifyStop { get; init; }

    /// <summary>Whether group state changes are mailed (resolved as <see cref="VrrpInstance.SmtpAlert"/>).</summary>
    public bool SmtpAlert { get; init; }

    /// <summary>Where the block starts.</summary>
    public required SourceLocation Location { get; init; }
}
