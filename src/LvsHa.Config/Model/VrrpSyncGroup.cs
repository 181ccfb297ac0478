namespace LvsHa.Config;

/// <summary>A `vrrp_sync_group NAME { group { ... } }`: instances that change state together.</summary>
public sealed record VrrpSyncGroup
{
    /// <summary>Group name.</summary>
    public required string Name { get; init; }

    /// <summary>Names of the member vrrp_instances.</summary>
    public required IReadOnlyList<string> Instances { get; init; }

    /// <summary>`track_interface` entries: each is added to every member instance, with its weight (keepalived 2.2.7's
    /// sync_group_tracking_init). The members' <see cref="VrrpInstance.TrackInterfaces"/> already include them.</summary>
    public IReadOnlyList<TrackedInterface> TrackInterfaces { get; init; } = [];

    /// <summary>`track_script` entries, added to every member instance as <see cref="TrackInterfaces"/>.</summary>
    public IReadOnlyList<TrackedScript> TrackScripts { get; init; } = [];

    /// <summary>`track_file` entries, added to every member instance as <see cref="TrackInterfaces"/>.</summary>
    public IReadOnlyList<TrackedFile> TrackFiles { get; init; } = [];

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
