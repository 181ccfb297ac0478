using LvsHa.Config;

namespace LvsHa.Ipvs;

/// <summary>What health checking currently says about one real server of a virtual server.</summary>
/// <param name="Alive">All its checkers pass (a real server without checkers is always alive).</param>
/// <param name="Weight">Its effective weight (the configured one, or a MISC_CHECK dynamic weight).</param>
public sealed record RealServerHealth(bool Alive, int Weight);

/// <summary>
/// The health state the wanted IPVS table is computed from. The daemon's health actors keep the live one; at
/// start-up (and for <c>lvsha apply</c>) <see cref="StartupHealth"/> gives keepalived's initial state.
/// </summary>
public interface IServiceHealth
{
    RealServerHealth Of(VirtualServer virtualServer, RealServer realServer);

    /// <summary>True while the virtual server has quorum (its live weight is enough; see keepalived's quorum).</summary>
    bool HasQuorum(VirtualServer virtualServer);
}

/// <summary>
/// keepalived's state at start, before any check has finished: a real server is alive unless one of its checkers
/// is in alpha mode; quorum is up only when the live weight reaches quorum + hysteresis.
/// </summary>
public sealed class StartupHealth : IServiceHealth
{
    public static readonly StartupHealth Instance = new();

    public RealServerHealth Of(VirtualServer virtualServer, RealServer realServer)
    {
        ArgumentNullException.ThrowIfNull(realServer);
        return new RealServerHealth(!realServer.Checkers.Any(c => c.Alpha), realServer.Weight);
    }

    public bool HasQuorum(VirtualServer virtualServer)
    {
        ArgumentNullException.ThrowIfNull(virtualServer);
        long liveWeight = 0;
        foreach (var realServer in virtualServer.RealServers)
        {
            var health = Of(virtualServer, realServer);
            if (health.Alive)
                liveWeight += health.Weight;
        }
        return liveWeight >= (long)virtualServer.Quorum + virtualServer.Hysteresis;
    }
}
