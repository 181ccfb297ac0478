using LvsHa.Director.Instances;
using LvsHa.Vrrp;
using Microsoft.Extensions.Logging;
using ConfigSyncGroup = LvsHa.Config.VrrpSyncGroup;

namespace LvsHa.Director.Vrrp;

/// <summary>
/// keepalived's vrrp_sync_group between the instance actors: every member's state change (and tracker-fault change)
/// comes here, <see cref="LvsHa.Vrrp.VrrpSyncGroup.Resolve"/> says which members must follow, and they are sent
/// <see cref="FollowSyncGroup"/>. When the members agree on a state (or one is in FAULT) the group enters it and its
/// notify scripts run (notify_master/backup/fault/stop, `notify` with GROUP NAME STATE 0). A reload gives it the new
/// groups (<see cref="Regroup"/>).
/// </summary>
public sealed partial class SyncGroupCoordinator
{
    private readonly Dictionary<string, ConfigSyncGroup> _groupOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SyncGroupMember> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _groupState = new(StringComparer.Ordinal);
    private readonly Action<string, LvsHa.Vrrp.VrrpInput> _deliver;
    private readonly Func<ConfigSyncGroup, string, Task> _notify;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();

    /// <summary>Creates the coordinator of <paramref name="groups"/>.</summary>
    /// <param name="groups">The configuration's vrrp_sync_group blocks.</param>
    /// <param name="deliver">Sends an event to an instance's actor, by instance name.</param>
    /// <param name="notify">Runs a group's notify scripts for a state (MASTER, BACKUP, FAULT, STOP).</param>
    /// <param name="logger">Logger.</param>
    public SyncGroupCoordinator(
        IEnumerable<ConfigSyncGroup> groups, Action<string, LvsHa.Vrrp.VrrpInput> deliver, Func<ConfigSyncGroup, string, Task> notify, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(groups);
        foreach (var group in groups)
        {
            foreach (var member in group.Instances)
                _groupOf[member] = group;
        }

        _deliver = deliver;
        _notify = notify;
        _logger = logger;
    }

    /// <summary>The group's current state word (MASTER, BACKUP, FAULT, STOP), or null before its members agreed once.</summary>
    public string? GroupState(string group)
    {
        lock (_lock)
            return _groupState.GetValueOrDefault(group);
    }

    /// <summary>
    /// The state a group is in given its members: FAULT while any member is in FAULT (keepalived syncs the group to
    /// FAULT at once), otherwise the state all members share; null while they differ (a transition in progress).
    /// </summary>
    public static VrrpState? GroupStateOf(IReadOnlyList<SyncGroupMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Any(m => m.State == VrrpState.Fault || m.TrackerFault))
            return VrrpState.Fault;
        var first = members[0].State;
        return first is VrrpState.Master or VrrpState.Backup or VrrpState.Stopped && members.All(m => m.State == first) ? first : null;
    }

    /// <summary>A member changed state or tracker fault; directs the other members and runs the group's notify scripts.</summary>
    public void MemberChanged(string instance, VrrpState state, bool trackerFault)
    {
        IReadOnlyList<SyncGroupDirective> directives;
        ConfigSyncGroup? group;
        string? entered = null;
        lock (_lock)
        {
            _members[instance] = new SyncGroupMember(instance, state, trackerFault);
            if (!_groupOf.TryGetValue(instance, out group))
                return;
            var members = Members(group);
            directives = VrrpSyncGroup.Resolve(members, instance);
            entered = Entered(group, members);
        }

        foreach (var directive in directives)
        {
            LogSync(group.Name, directive.Member, directive.Target.KeepalivedName(), instance, state.KeepalivedName());
            _deliver(directive.Member, new FollowSyncGroup(directive.Target));
        }

        if (entered is not null)
        {
            LogGroupState(group.Name, entered);
            _ = RunNotifyAsync(group, entered);
        }
    }

    /// <summary>
    /// A reload: <paramref name="groups"/> are the running vrrp_sync_group blocks from now on (their notify scripts and
    /// smtp_alert are read at the group's next state). A group whose members changed, or a new one, is regrouped as
    /// keepalived does on reload (<see cref="LvsHa.Vrrp.VrrpSyncGroup.Regroup"/>) and enters the state its members
    /// agree on (its notify scripts run when that state is a new BACKUP or FAULT, as keepalived's); an instance that
    /// left every group keeps its state (<see cref="LvsHa.Vrrp.VrrpSyncGroup.Left"/>). A group whose members did not
    /// change is not touched: no member moves.
    /// </summary>
    /// <param name="groups">The groups, each naming only running instances.</param>
    public void Regroup(IEnumerable<ConfigSyncGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var directives = new List<(string Group, SyncGroupDirective Directive)>();
        var entered = new List<(ConfigSyncGroup Group, string State)>();
        lock (_lock)
        {
            var before = _groupOf.Values.Distinct().ToDictionary(g => g.Name, StringComparer.Ordinal);
            var wasIn = new Dictionary<string, ConfigSyncGroup>(_groupOf, StringComparer.Ordinal);
            _groupOf.Clear();
            foreach (var group in groups)
            {
                foreach (var member in group.Instances)
                    _groupOf[member] = group;
            }

            foreach (var (instance, group) in wasIn.Where(w => !_groupOf.ContainsKey(w.Key)))
            {
                if (_members.GetValueOrDefault(instance) is { } member && LvsHa.Vrrp.VrrpSyncGroup.Left(member) is { } left)
                    directives.Add((group.Name, left));
            }

            foreach (var gone in before.Keys.Where(name => !_groupOf.Values.Any(g => g.Name == name)))
                _groupState.Remove(gone);
            foreach (var group in _groupOf.Values.Distinct())
            {
                if (before.TryGetValue(group.Name, out var old) && old.Instances.ToHashSet(StringComparer.Ordinal).SetEquals(group.Instances))
                    continue;
                var members = Members(group);
                var moved = LvsHa.Vrrp.VrrpSyncGroup.Regroup(members);
                directives.AddRange(moved.Select(d => (group.Name, d)));
                // Its state once the members followed (their reports then find it unchanged). keepalived's
                // vrrp_init_state notifies a group at reload only when it is in BACKUP or FAULT and was not before: a
                // group of masters is MASTER without its notify_master.
                var after = members.Select(m => moved.FirstOrDefault(d => d.Member == m.Name) is { } d ? m with { State = d.Target } : m).ToList();
                if (Entered(group, after) is { } word)
                    entered.Add((group, word));
            }
        }

        foreach (var (group, directive) in directives)
        {
            LogRegrouped(group, directive.Member, directive.Target.KeepalivedName());
            _deliver(directive.Member, new FollowSyncGroup(directive.Target));
        }

        foreach (var (group, word) in entered)
        {
            LogGroupState(group.Name, word);
            if (word != VrrpState.Master.KeepalivedName())
                _ = RunNotifyAsync(group, word);
        }
    }

    // Under _lock. The group's members as last reported (INIT before their first report).
    private List<SyncGroupMember> Members(ConfigSyncGroup group) =>
        group.Instances.Select(n => _members.GetValueOrDefault(n) ?? new SyncGroupMember(n, VrrpState.Initialize, TrackerFault: false)).ToList();

    // Under _lock. The state word the group enters given its members, or null when it is not new to it.
    private string? Entered(ConfigSyncGroup group, IReadOnlyList<SyncGroupMember> members)
    {
        if (GroupStateOf(members) is not { } now)
            return null;
        var word = now.KeepalivedName();
        if (_groupState.GetValueOrDefault(group.Name) == word)
            return null;
        _groupState[group.Name] = word;
        return word;
    }

    private async Task RunNotifyAsync(ConfigSyncGroup group, string state)
    {
        try
        {
            await _notify(group, state).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            LogNotifyFailed(e, group.Name, state);
        }
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "vrrp_sync_group {Group}: syncing {Member} to {Target} ({Trigger} is {TriggerState})")]
    private partial void LogSync(string group, string member, string target, string trigger, string triggerState);

    [LoggerMessage(EventId = 5304, Level = LogLevel.Information, Message = "vrrp_sync_group {Group}: its members changed at reload, syncing {Member} to {Target}")]
    private partial void LogRegrouped(string group, string member, string target);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Information, Message = "vrrp_sync_group {Group}: entering {State}")]
    private partial void LogGroupState(string group, string state);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Error, Message = "vrrp_sync_group {Group}: notify for {State} failed")]
    private partial void LogNotifyFailed(Exception exception, string group, string state);
}
