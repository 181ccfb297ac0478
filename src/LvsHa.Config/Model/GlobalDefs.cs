namespace LvsHa.Config;

/// <summary>The `global_defs` block (the parts LvsHa uses).</summary>
public sealed record GlobalDefs
{
    /// <summary>An empty global_defs (none written).</summary>
    public static GlobalDefs Empty { get; } = new() { Location = new SourceLocation("", 0, 0) };

    /// <summary>`router_id`, or null.</summary>
    public string? RouterId { get; init; }

    /// <summary>`lvs_sync_daemon`, or null.</summary>
    public LvsSyncDaemon? LvsSyncDaemon { get; init; }

    /// <summary>`metrics_listen ADDR PORT` (LvsHa), or null.</summary>
    public NetworkEndpoint? MetricsListen { get; init; }

    /// <summary>`script_user` (default user for scripts), or null.</summary>
    public string? ScriptUser { get; init; }

    /// <summary>`enable_script_security`.</summary>
    public bool EnableScriptSecurity { get; init; }

    /// <summary>Where the block starts.</summary>
    public required SourceLocation Location { get; init; }
}
