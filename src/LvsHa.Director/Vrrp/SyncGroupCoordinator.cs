using LvsHa.Director.Instances;
using LvsHa.Vrrp;
using Microsoft.Extensions.Logging;
using ConfigSyncGroup = LvsHa.Config.VrrpSyncGroup;

namespace LvsHa.Director.Vrrp;

/// <summary>
/// keepalived's vrrp_sync_group between the instance actors: every member's state change (and tracker-fault change)
/// comes here, <see cref="LvsHa.Vrrp.VrrpSyncGroup.Resolve"/> says which members must follow, and they are sent
/// <see cref="FollowSyncGroup"/>. When the members agree on a state (or one is in FAULT) the group enters it and its
/// notify scripts run (notify_master/backup/fault/stop, `notify` with GROUP NAME STATE 0).
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
            var members = group.Instances
                .Select(n => _members.GetValueOrDefault(n) ?? new SyncGroupMember(n, VrrpState.Initialize, TrackerFault: false))
                .ToList();
            directives = VrrpSyncGroup.Resolve(members, instance);
            if (GroupStateOf(members) is { } now)
            {
                var word = now.KeepalivedName();
                if (_groupState.GetValueOrDefault(group.Name) != word)
                {
                    _groupState[group.Name] = word;
                    entered = word;
                }
            }
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

    [LoggerMessage(EventId = 5302, Level = LogLevel.Information, Message = "vrrp_sync_group {Group}: entering {State}")]
    private partial void LogGroupState(string group, string state);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Error, Message = "vrrp_sync_group {Group}: notify for {State} failed")]
    private partial void LogNotifyFailed(Exception exception, string group, string state);
}
