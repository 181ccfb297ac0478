namespace LvsHa.RealServers.Model;

/// <summary>How a prepare run behaves: dry run, undo, host filter, parallelism, timeouts and retries.</summary>
/// <param name="DryRun">Read and plan only; change nothing.</param>
/// <param name="Undo">Remove what prepare added instead of adding it.</param>
/// <param name="Only">When not empty, only targets whose Host or address is in this set.</param>
/// <param name="Parallelism">How many hosts are worked on at once.</param>
/// <param name="PerHostTimeout">The bound on all the work for one host, connection included.</param>
/// <param name="Retries">How many times a failed connection is retried (the apply steps are never retried blindly).</param>
/// <param name="ConnectTimeout">The bound on one connection attempt.</param>
public sealed record PrepareOptions(
    bool DryRun = false,
    bool Undo = false,
    IReadOnlySet<string>? Only = null,
    int Parallelism = 4,
    TimeSpan? PerHostTimeout = null,
    int Retries = 2,
    TimeSpan? ConnectTimeout = null)
{
    /// <summary>The per-host bound, 2 minutes unless set.</summary>
    public TimeSpan EffectivePerHostTimeout => PerHostTimeout ?? TimeSpan.FromMinutes(2);

    /// <summary>The per-attempt connection bound, 10 seconds unless set.</summary>
    public TimeSpan EffectiveConnectTimeout => ConnectTimeout ?? TimeSpan.FromSeconds(10);
}
