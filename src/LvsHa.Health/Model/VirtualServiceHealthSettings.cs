using System.Net;

namespace LvsHa.Health.Model;

/// <summary>What health checking needs to know about one virtual_server block.</summary>
/// <param name="Name">How the daemon names the service (e.g. "10.0.0.1:80/TCP"); carried in every decision.</param>
public sealed record VirtualServiceHealthSettings(string Name)
{
    /// <summary>The real servers.</summary>
    public IReadOnlyList<RealServerHealthSettings> RealServers { get; init; } = [];

    /// <summary>quorum: minimum live weight sum (keepalived's default 1).</summary>
    public long Quorum { get; init; } = 1;

    /// <summary>hysteresis around the quorum (default 0).</summary>
    public long Hysteresis { get; init; }

    /// <summary>quorum_up script.</summary>
    public ScriptCommand? QuorumUp { get; init; }

    /// <summary>quorum_down script.</summary>
    public ScriptCommand? QuorumDown { get; init; }

    /// <summary>sorry_server: swapped in for all real servers while the quorum is lost.</summary>
    public IPEndPoint? SorryServer { get; init; }

    /// <summary>sorry_server_inhibit: the sorry server stays in the table at weight 0 while not needed.</summary>
    public bool SorryServerInhibit { get; init; }

    /// <summary>omega: at stop, run the quorum_down and notify_down scripts.</summary>
    public bool Omega { get; init; }

    /// <summary>inhibit_on_failure set on the virtual service (applies to every real server).</summary>
    public bool InhibitOnFailure { get; init; }

    /// <summary>virtualhost of the virtual_server block, the last fallback for HTTP/SSL checkers.</summary>
    public string? VirtualHost { get; init; }

    /// <summary>Timing defaults of the virtual_server block (delay_loop, alpha, retry, ...).</summary>
    public TimingKeys Timing { get; init; } = TimingKeys.None;
}
