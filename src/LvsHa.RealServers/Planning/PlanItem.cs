namespace LvsHa.RealServers.Planning;

/// <summary>What an item looks like on a host: the observed value in words and whether it is as desired.</summary>
public readonly record struct ItemObservation(string Observed, bool IsRight);

/// <summary>
/// One thing prepare sees to on a host (a sysctl, a VIP, a file, ...): the desired value, how to observe it (also used
/// to verify after applying) and the commands that bring it there. No commands and not right means it cannot be fixed
/// by prepare (the NAT route check): the item fails with <see cref="Problem"/>. A <see cref="SkipReason"/> marks an item
/// the host cannot have (no systemctl to enable the boot unit): reported, not failed.
/// </summary>
public sealed record PlanItem(
    string Name,
    string Desired,
    Func<HostState, ItemObservation> Observe,
    IReadOnlyList<RemoteCommand> Commands,
    string? Problem = null,
    string? SkipReason = null)
{
    /// <summary>Whether the item can be brought right by running its commands.</summary>
    public bool IsFixable => Commands.Count > 0;
}

/// <summary>The items for one host, or the reason the host cannot be prepared at all.</summary>
public sealed record HostPlan(IReadOnlyList<PlanItem> Items, string? HostError = null);
