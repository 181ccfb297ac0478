using System.Net;

namespace LvsHa.Health.Model;

/// <summary>What health checking needs to know about one real_server block.</summary>
/// <param name="Endpoint">The real server's address and port (the IPVS destination).</param>
/// <param name="Weight">weight (keepalived's default 1).</param>
public sealed record RealServerHealthSettings(IPEndPoint Endpoint, int Weight = 1)
{
    /// <summary>The checkers; a real server without any is always up.</summary>
    public IReadOnlyList<CheckerSpec> Checkers { get; init; } = [];

    /// <summary>inhibit_on_failure: set weight 0 instead of removing the destination.</summary>
    public bool InhibitOnFailure { get; init; }

    /// <summary>notify_up script.</summary>
    public ScriptCommand? NotifyUp { get; init; }

    /// <summary>notify_down script.</summary>
    public ScriptCommand? NotifyDown { get; init; }

    /// <summary>Timing defaults set in the real_server block.</summary>
    public TimingKeys Timing { get; init; } = TimingKeys.None;

    /// <summary>virtualhost of the real server block, the fallback for HTTP/SSL checkers.</summary>
    public string? VirtualHost { get; init; }
}
