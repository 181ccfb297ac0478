namespace LvsHa.Director.Metrics;

/// <summary>`metrics_listen ADDRESS PORT` of global_defs: where the Prometheus endpoint listens.</summary>
/// <param name="Address">An IP address of this director (or a name resolving to one).</param>
/// <param name="Port">TCP port (0: any free port, for tests).</param>
public sealed record MetricsListenOptions(string Address, int Port)
{
    /// <inheritdoc/>
    public override string ToString() => Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}
