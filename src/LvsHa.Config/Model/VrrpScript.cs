namespace LvsHa.Config;

/// <summary>A `vrrp_script NAME { ... }` block: a periodic check that changes instance priority or faults it.</summary>
public sealed record VrrpScript
{
    /// <summary>Script name (referenced by track_script).</summary>
    public required string Name { get; init; }

    /// <summary>Command line (`script`).</summary>
    public required string Script { get; init; }

    /// <summary>`interval` (default 1 s).</summary>
    public required TimeSpan Interval { get; init; }

    /// <summary>`timeout` (default: the interval).</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>`weight` (-253..253, default 0 = fault on failure).</summary>
    public int Weight { get; init; }

    /// <summary>`weight N reverse`: the weight applies the other way round (keepalived's weight multiplier -1).</summary>
    public bool WeightReverse { get; init; }

    /// <summary>`init_fail`: the script counts as failed until it has succeeded `rise` times.</summary>
    public bool InitFail { get; init; }

    /// <summary>`rise` (default 1).</summary>
    public required int Rise { get; init; }

    /// <summary>`fall` (default 1).</summary>
    public required int Fall { get; init; }

    /// <summary>`user`, or null.</summary>
    public string? User { get; init; }

    /// <summary>Where the block starts.</summary>
    public required SourceLocation Location { get; init; }
}
