namespace LvsHa.Director.Bgp;

/// <summary>Where and how the announcer runs BIRD.</summary>
public sealed record BgpAnnouncerOptions
{
    /// <summary>Where Debian's bird2 package installs the BIRD 2 daemon.</summary>
    public const string DefaultBirdPath = "/usr/sbin/bird";

    /// <summary>The BIRD 2 daemon.</summary>
    public string BirdPath { get; init; } = DefaultBirdPath;

    /// <summary>The folder of BIRD's generated configuration, control socket and pid file (one per director).</summary>
    public required string RunDirectory { get; init; }

    /// <summary>Wait before restarting a BIRD that exited, and between attempts to reach its socket.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}
