namespace LvsHa.Config;

/// <summary>A loaded, validated LvsHa configuration: keepalived's blocks plus LvsHa's own.</summary>
public sealed record LvsHaConfig
{
    /// <summary>The main file it was loaded from.</summary>
    public required string SourceFile { get; init; }

    /// <summary>`global_defs` (empty when absent).</summary>
    public required GlobalDefs Global { get; init; }

    /// <summary>`virtual_server` blocks in file order.</summary>
    public required IReadOnlyList<VirtualServer> VirtualServers { get; init; }

    /// <summary>`virtual_server_group` blocks.</summary>
    public required IReadOnlyList<VirtualServerGroup> VirtualServerGroups { get; init; }

    /// <summary>`vrrp_instance` blocks.</summary>
    public required IReadOnlyList<VrrpInstance> VrrpInstances { get; init; }

    /// <summary>`vrrp_script` blocks.</summary>
    public required IReadOnlyList<VrrpScript> VrrpScripts { get; init; }

    /// <summary>`track_file` (and `vrrp_track_file`) blocks.</summary>
    public IReadOnlyList<TrackFile> TrackFiles { get; init; } = [];

    /// <summary>`vrrp_sync_group` blocks.</summary>
    public required IReadOnlyList<VrrpSyncGroup> VrrpSyncGroups { get; init; }

    /// <summary>`cluster` block, or null when absent (single director).</summary>
    public ClusterSettings? Cluster { get; init; }

    /// <summary>`bgp` block, or null when absent (no VIP is announced by BGP).</summary>
    public BgpSettings? Bgp { get; init; }

    /// <summary>`real_server_prep` block (defaults when absent).</summary>
    public required RealServerPrepSettings RealServerPrep { get; init; }
}
