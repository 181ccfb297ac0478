namespace LvsHa.Config;

/// <summary>A host (address or name) and port, as in `listen`, `seed` or `metrics_listen`.</summary>
/// <param name="Host">Address or host name as written.</param>
/// <param name="Port">Port.</param>
/// <param name="Location">Where it was written.</param>
public sealed record NetworkEndpoint(string Host, int Port, SourceLocation Location)
{
    /// <inheritdoc />
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
