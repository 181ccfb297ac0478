namespace LvsHa.Director.Instances;

/// <summary>
/// The logic of one vrrp instance, without I/O: the VRRP state machine plugs in here. The actor feeds it every
/// input (the machine's own <see cref="LvsHa.Vrrp.VrrpInput"/>s, and <see cref="TrackerResult"/>) and carries out the
/// actions it returns (the machine's own <see cref="LvsHa.Vrrp.VrrpAction"/>s), in order.
/// </summary>
public interface IVrrpInstanceBehavior
{
    /// <summary>Current state name (for status and logs), e.g. BACKUP.</summary>
    string State { get; }

    /// <summary>Effective priority for status, when the behavior has one.</summary>
    int? Priority => null;

    /// <summary>The master this instance follows (its address), for status, when known.</summary>
    string? Master => null;

    /// <summary>The VIPs this instance holds while master, for status.</summary>
    IReadOnlyList<string> Vips => [];

    /// <summary>Tracker states for status (null when the behavior has none).</summary>
    IReadOnlyList<TrackerStatus>? Trackers => null;

    /// <summary>Handles <paramref name="input"/> at <paramref name="now"/>; returns the state machine's actions to carry out, in order.</summary>
    IReadOnlyList<LvsHa.Vrrp.VrrpAction> Handle(LvsHa.Vrrp.VrrpInput input, DateTimeOffset now);
}
