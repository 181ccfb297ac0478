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

    /// <summary>
    /// A reload changed the group's members (a member joined or left, or the group is new): returns the members that
    /// must move so that the group is one state again. keepalived 2.2.7 does this on SIGHUP (vrrp_complete_init,
    /// vrrp_init_state): every instance keeps the state it had; the group is FAULT when a member's own trackers fail
    /// (all members follow to FAULT), MASTER only when all its members are master, BACKUP otherwise, and its members
    /// then enter the group's state: a master member of a group that is not all master goes backup (the lowest common
    /// state; the group's rules take it back to master at its next transition), a member held in FAULT only by the
    /// group returns to backup. Members not running yet (a member the reload just started, still INIT) are left to
    /// <see cref="Resolve"/> when they report their first state, which pulls master members to backup as keepalived
    /// does for a new member (it starts in INIT, so its group is not all master).
    /// </summary>
    public static IReadOnlyList<SyncGroupDirective> Regroup(IReadOnlyList<SyncGroupMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var running = members.Where(m => m.State is VrrpState.Backup or VrrpState.Master or VrrpState.Fault).ToList();
        if (running.Any(m => m.TrackerFault))
            return Direct(running, m => !m.TrackerFault && m.State != VrrpState.Fault, VrrpState.Fault);
        if (running.All(m => m.State == VrrpState.Master))
            return [];
        return Direct(running, m => m.State is VrrpState.Master or VrrpState.Fault, VrrpState.Backup);
    }

    /// <summary>
    /// A reload took <paramref name="member"/> out of its group (the group lost it or is gone): it keeps its state, as in
    /// keepalived, except FAULT held only by the group, which it leaves for backup (keepalived works the fault out from
    /// the instance's own trackers at reload). Null: it stays as it is.
    /// </summary>
    public static SyncGroupDirective? Left(SyncGroupMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return member is { State: VrrpState.Fault, TrackerFault: false } ? new SyncGroupDirective(member.Name, VrrpState.Backup) : null;
    }

    private static List<SyncGroupDirective> Direct(IEnumerable<SyncGroupMember> members, Func<SyncGroupMember, bool> must, VrrpState target) =>
        members.Where(must).Select(m => new SyncGroupDirective(m.Name, target)).ToList();
}
