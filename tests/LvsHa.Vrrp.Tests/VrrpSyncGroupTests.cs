namespace LvsHa.Vrrp.Tests;

public class VrrpSyncGroupTests
{
    private static SyncGroupMember M(string name, VrrpState state, bool trackerFault = false) => new(name, state, trackerFault);

    [Fact]
    public void Resolve_MemberFailsOnItsOwn_OthersFollowIntoFault()
    {
        var members = new[] { M("a", VrrpState.Fault, trackerFault: true), M("b", VrrpState.Master), M("c", VrrpState.Backup) };
        Assert.Equal(
            [new SyncGroupDirective("b", VrrpState.Fault), new SyncGroupDirective("c", VrrpState.Fault)],
            VrrpSyncGroup.Resolve(members, "a"));
    }

    [Fact]
    public void Resolve_FaultClears_GroupHeldMembersReturnToBackup()
    {
        var members = new[] { M("a", VrrpState.Backup), M("b", VrrpState.Fault), M("c", VrrpState.Fault) };
        Assert.Equal(
            [new SyncGroupDirective("b", VrrpState.Backup), new SyncGroupDirective("c", VrrpState.Backup)],
            VrrpSyncGroup.Resolve(members, "a"));
    }

    [Fact]
    public void Resolve_OneOfTwoFaultsClears_GroupStaysInFault()
    {
        var members = new[] { M("a", VrrpState.Backup), M("b", VrrpState.Fault, trackerFault: true), M("c", VrrpState.Fault) };
        Assert.Equal([new SyncGroupDirective("a", VrrpState.Fault)], VrrpSyncGroup.Resolve(members, "a"));
    }

    [Fact]
    public void Resolve_MemberBecomesBackup_MastersFollowToBackup()
    {
        var members = new[] { M("a", VrrpState.Backup), M("b", VrrpState.Master), M("c", VrrpState.Master) };
        Assert.Equal(
            [new SyncGroupDirective("b", VrrpState.Backup), new SyncGroupDirective("c", VrrpState.Backup)],
            VrrpSyncGroup.Resolve(members, "a"));
    }

    [Fact]
    public void Resolve_MemberBecomesMaster_BackupsFollowToMaster()
    {
        var members = new[] { M("a", VrrpState.Master), M("b", VrrpState.Backup), M("c", VrrpState.Master) };
        Assert.Equal([new SyncGroupDirective("b", VrrpState.Master)], VrrpSyncGroup.Resolve(members, "a"));
    }

    [Fact]
    public void Resolve_StoppedMembers_AreLeftAlone()
    {
        var members = new[] { M("a", VrrpState.Master), M("b", VrrpState.Stopped), M("c", VrrpState.Initialize) };
        Assert.Empty(VrrpSyncGroup.Resolve(members, "a"));
    }

    [Fact]
    public void Resolve_UnknownMember_Throws() =>
        Assert.Throws<ArgumentException>(() => VrrpSyncGroup.Resolve([M("a", VrrpState.Master)], "x"));

    [Fact]
    public void Resolve_AppliedToMachines_TheGroupConvergesToOneState()
    {
        var clock = new ManualTimeProvider();
        var names = new[] { "a", "b" };
        var machines = names.ToDictionary(
            n => n,
            n => new VrrpStateMachine(
                new VrrpInstanceSettings { Name = n, VirtualRouterId = 1, Priority = 100, LocalAddress = System.Net.IPAddress.Parse("10.0.0.2") },
                clock));
        foreach (var machine in machines.Values)
            machine.Handle(new Start());
        clock.Advance(machines["a"].MasterDownInterval);
        machines["a"].Handle(new TimerExpired(VrrpTimer.MasterDown));

        void Follow(string changed)
        {
            var members = machines.Select(kv => new SyncGroupMember(kv.Key, kv.Value.State, kv.Value.HasTrackerFault)).ToList();
            foreach (var directive in VrrpSyncGroup.Resolve(members, changed))
                machines[directive.Member].Handle(new FollowSyncGroup(directive.Target));
        }

        Follow("a");
        Assert.All(machines.Values, m => Assert.Equal(VrrpState.Master, m.State));

        machines["b"].Handle(new TrackerChanged(0, Fault: true));
        Follow("b");
        Assert.All(machines.Values, m => Assert.Equal(VrrpState.Fault, m.State));

        machines["b"].Handle(new TrackerChanged(0, Fault: false));
        Follow("b");
        Assert.All(machines.Values, m => Assert.Equal(VrrpState.Backup, m.State));
    }

    [Fact]
    public void Regroup_AllMembersShareAState_NobodyMoves()
    {
        Assert.Empty(VrrpSyncGroup.Regroup([M("a", VrrpState.Master), M("b", VrrpState.Master), M("c", VrrpState.Master)]));
        Assert.Empty(VrrpSyncGroup.Regroup([M("a", VrrpState.Backup), M("b", VrrpState.Backup)]));
        Assert.Empty(VrrpSyncGroup.Regroup([M("a", VrrpState.Fault, trackerFault: true), M("b", VrrpState.Fault)]));
    }

    [Fact]
    public void Regroup_AMemberJoinsInAnotherState_MastersGoBackupAsKeepalivedsGroupIsBackupUnlessAllAreMaster()
    {
        var members = new[] { M("a", VrrpState.Master), M("b", VrrpState.Master), M("c", VrrpState.Backup) };
        Assert.Equal([new SyncGroupDirective("a", VrrpState.Backup), new SyncGroupDirective("b", VrrpState.Backup)], VrrpSyncGroup.Regroup(members));
    }

    [Fact]
    public void Regroup_AMemberJoinsInTrackerFault_TheOthersFollowIntoFault()
    {
        var members = new[] { M("a", VrrpState.Master), M("b", VrrpState.Backup), M("c", VrrpState.Fault, trackerFault: true) };
        Assert.Equal([new SyncGroupDirective("a", VrrpState.Fault), new SyncGroupDirective("b", VrrpState.Fault)], VrrpSyncGroup.Regroup(members));
    }

    [Fact]
    public void Regroup_TheFaultyMemberLeft_GroupHeldMembersReturnToBackup()
    {
        var members = new[] { M("a", VrrpState.Fault), M("b", VrrpState.Fault) };
        Assert.Equal([new SyncGroupDirective("a", VrrpState.Backup), new SyncGroupDirective("b", VrrpState.Backup)], VrrpSyncGroup.Regroup(members));
    }

    [Fact]
    public void Regroup_AMemberNotStartedYet_LeftToItsFirstReport()
    {
        Assert.Empty(VrrpSyncGroup.Regroup([M("a", VrrpState.Master), M("b", VrrpState.Master), M("new", VrrpState.Initialize)]));
    }

    [Fact]
    public void Left_KeepsItsState_ExceptAFaultOnlyTheGroupHeld()
    {
        Assert.Null(VrrpSyncGroup.Left(M("a", VrrpState.Master)));
        Assert.Null(VrrpSyncGroup.Left(M("a", VrrpState.Backup)));
        Assert.Null(VrrpSyncGroup.Left(M("a", VrrpState.Fault, trackerFault: true)));
        Assert.Equal(new SyncGroupDirective("a", VrrpState.Backup), VrrpSyncGroup.Left(M("a", VrrpState.Fault)));
    }
}
