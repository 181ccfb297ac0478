namespace LvsHa.Vrrp;

/// <summary>One member of a vrrp_sync_group as the group sees it.</summary>
/// <param name="Name">The vrrp_instance name.</param>
/// <param name="State">Its current state.</param>
/// <param name="TrackerFault">True when its own trackers hold it in FAULT (not merely the group).</param>
public sealed record SyncGroupMember(string Name, VrrpState State, bool TrackerFault);

/// <summary>A member that must follow the group, and where to (send it <see cref="FollowSyncGroup"/>).</summary>
public sealed record SyncGroupDirective(string Member, VrrpState Target);

/// <summary>keepalived's vrrp_sync_group rules: members are master together, backup together, and in fault together.</summary>
public static class VrrpSyncGroup
{
    /// <summary>
    /// Given every member's state right after <paramref name="changed"/> changed state, returns the members that must
    /// follow it. Fault wins over everything; then a member leaving master pulls the others to backup; then a member
    /// becoming master pulls the backups to master.
    /// </summary>
    public static IReadOnlyList<SyncGroupDirective> Resolve(IReadOnlyList<SyncGroupMember> members, string changed)
    {
        ArgumentNullException.ThrowIfNull(members);
        var trigger = members.FirstOrDefault(m => m.Name == changed)
            ?? throw new ArgumentException($"{changed} is not a member of the sync group", nameof(changed));
        var running = members.Where(m => m.State is VrrpState.Backup or VrrpState.Master or VrrpState.Fault).ToList();

        if (running.Any(m => m.TrackerFault))
            return Direct(running, m => !m.TrackerFault && m.State != VrrpState.Fault, VrrpState.Fault);

        // No member fails on its own any more: members held in FAULT only by the group return to backup.
        var leaveFault = Direct(running, m => m.State == VrrpState.Fault, VrrpState.Backup);
        var rest = running.Where(m => m.State != VrrpState.Fault).ToList();
        IReadOnlyList<SyncGroupDirective> follow = trigger.State switch
        {
            VrrpState.Backup => Direct(rest, m => m.State == VrrpState.Master, VrrpState.Backup),
            VrrpState.Master when leaveFault.Count == 0 => Direct(rest, m => m.State == VrrpState.Backup, VrrpState.Master),
            _ => [],
        };
        return [.. leaveFault, .. follow];
    }

    private static List<SyncGroupDirective> Direct(IEnumerable<SyncGroupMember> members, Func<SyncGroupMember, bool> must, VrrpState target) =>
        members.Where(must).Select(m => new SyncGroupDirective(m.Name, target)).ToList();
}
