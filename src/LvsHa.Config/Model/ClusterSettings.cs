namespace LvsHa.Config;

/// <summary>The LvsHa `cluster { }` block: how directors find each other.</summary>
public sealed record ClusterSettings
{
    /// <summary>`node_name`: this director's name.</summary>
    public required string NodeName { get; init; }

    /// <summary>`listen ADDR PORT`: where this node's cluster transport listens.</summary>
    public required NetworkEndpoint Listen { get; init; }

    /// <summary>`seed ADDR PORT` entries (repeatable).</summary>
    public required IReadOnlyList<NetworkEndpoint> Seeds { get; init; }

    /// <summary>`split_brain_guard majority|off` (default majority).</summary>
    public required SplitBrainGuard SplitBrainGuard { get; init; }

    /// <summary>`secret_file PATH`: shared secret of the cluster (required: cluster traffic is authenticated with it).</summary>
    public required string SecretFile { get; init; }

    /// <summary>Where `secret_file` is written (an unusable file is reported there).</summary>
    public required SourceLocation SecretFileLocation { get; init; }

    /// <summary>
    /// `heartbeat_pause SECONDS`: how long a peer director may stay silent before it counts as unreachable, or null
    /// for the default (1 s). Raise it on hosts that stall (busy or emulated VMs); the minority bound grows with it.
    /// </summary>
    public TimeSpan? HeartbeatPause { get; init; }

    /// <summary>
    /// `connect_timeout SECONDS`: bound on connecting to a peer director, TLS handshake included, or null for the
    /// default (15 s).
    /// </summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>Where the block starts.</summary>
    public required SourceLocation Location { get; init; }
}
