using System.Net;
using LvsHa.Director.Instances;
using LvsHa.Director.Membership;
using LvsHa.Director.Tests.Unit;
using LvsHa.Director.Vrrp;
using LvsHa.Vrrp;
using LvsHa.Vrrp.Wire;

namespace LvsHa.Director.Tests.Vrrp;

public sealed class StateMachineBehaviorTests
{
    private static readonly IPAddress Local = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress Vip = IPAddress.Parse("10.0.0.50");
    private static readonly TimeSpan Advert = TimeSpan.FromMilliseconds(100);
    private readonly ManualTimeProvider _clock = new();
    private readonly List<StateChanged> _changes = [];

    private static VrrpInstanceSettings Settings(byte priority = 100, bool guard = false) => new()
    {
        Name = "VI_1",
        VirtualRouterId = 51,
        Priority = priority,
        LocalAddress = Local,
        AdvertInterval = Advert,
        SplitBrainGuard = guard,
    };

    private StateMachineBehavior Behavior(VrrpInstanceSettings settings) => new(settings, [Vip], _clock, _changes.Add);

    private StateMachineBehavior Master(VrrpInstanceSettings? settings = null)
    {
        var behavior = Behavior(settings ?? Settings());
        behavior.Handle(new Start(), _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromSeconds(1));
        behavior.Handle(new TimerExpired(VrrpTimer.MasterDown), _clock.GetUtcNow());
        Assert.Equal("MASTER", behavior.State);
        return behavior;
    }

    [Fact]
    public void Handle_Started_BackupWithMasterDownTimerAndBackupNotify()
    {
        var behavior = Behavior(Settings());
        var actions = behavior.Handle(new Start(), _clock.GetUtcNow());
        Assert.Equal(
            [
                new LvsHa.Vrrp.StartTimer(VrrpTimer.MasterDown, VrrpTiming.MasterDownInterval(100, Advert)),
                new StateChanged(VrrpState.Initialize, VrrpState.Backup, "started"),
                new LvsHa.Vrrp.RunNotify(VrrpState.Backup, 100),
            ],
            actions);
        Assert.Equal("BACKUP", behavior.State);
        Assert.Equal(100, behavior.Priority);
        Assert.Single(_changes);
    }

    [Fact]
    public void Handle_MasterDownTimerElapsed_MasterAddsVipsAdvertisesAndAnnounces()
    {
        var behavior = Behavior(Settings());
        behavior.Handle(new Start(), _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromSeconds(1));
        var actions = behavior.Handle(new TimerExpired(VrrpTimer.MasterDown), _clock.GetUtcNow());

        Assert.Equal("MASTER", behavior.State);
        Assert.IsType<LvsHa.Vrrp.AddVips>(actions[0]);
        var advert = Assert.IsType<LvsHa.Vrrp.SendAdvert>(actions[1]);
        Assert.Equal((byte)100, advert.Priority);
        Assert.Equal(Advert, advert.AdvertInterval);
        Assert.Contains(new SendGratuitousArps(5, TimeSpan.Zero, TimeSpan.Zero), actions);
        Assert.Contains(new LvsHa.Vrrp.StartTimer(VrrpTimer.Advert, Advert), actions);
        Assert.Equal(new LvsHa.Vrrp.RunNotify(VrrpState.Master, 100), actions[^1]);
        Assert.Equal(Local.ToString(), behavior.Master);
    }

    [Fact]
    public void Handle_HigherPriorityAdvertWhileMaster_RemovesVipsAndBecomesBackup()
    {
        var behavior = Master();
        var actions = behavior.Handle(new LvsHa.Vrrp.AdvertReceived(IPAddress.Parse("10.0.0.1"), 150, Advert), _clock.GetUtcNow());
        Assert.Equal("BACKUP", behavior.State);
        Assert.Contains(new LvsHa.Vrrp.RemoveVips(), actions);
        Assert.Contains(new LvsHa.Vrrp.RunNotify(VrrpState.Backup, 100), actions);
        Assert.Equal("10.0.0.1", behavior.Master);
    }

    [Fact]
    public void Handle_Stopping_MasterSendsPriorityZeroRemovesVipsAndNotifiesStop()
    {
        var behavior = Master();
        var actions = behavior.Handle(new Shutdown(), _clock.GetUtcNow());
        var advert = actions.OfType<LvsHa.Vrrp.SendAdvert>().Single();
        Assert.Equal((byte)0, advert.Priority);
        Assert.Contains(new LvsHa.Vrrp.RemoveVips(), actions);
        Assert.Equal(new LvsHa.Vrrp.RunNotify(VrrpState.Stopped, 100), actions[^1]);
        Assert.Equal("STOP", behavior.State);
    }

    [Fact]
    public void Handle_TimerNotPending_IsIgnored()
    {
        var behavior = Behavior(Settings());
        behavior.Handle(new Start(), _clock.GetUtcNow());
        Assert.Empty(behavior.Handle(new TimerExpired(VrrpTimer.GarpRefresh), _clock.GetUtcNow()));
    }

    [Fact]
    public void Handle_GuardWithoutMajority_StaysBackupUntilMajority()
    {
        var behavior = Behavior(Settings(guard: true));
        behavior.Handle(new Start(), _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromSeconds(1));
        behavior.Handle(new TimerExpired(VrrpTimer.MasterDown), _clock.GetUtcNow());
        Assert.Equal("BACKUP", behavior.State);

        var actions = behavior.Handle(new LvsHa.Vrrp.QuorumChanged(true), _clock.GetUtcNow());
        var timer = Assert.IsType<LvsHa.Vrrp.StartTimer>(Assert.Single(actions));
        _clock.Advance(timer.Duration);
        behavior.Handle(new TimerExpired(timer.Timer), _clock.GetUtcNow());
        Assert.Equal("MASTER", behavior.State);

        var lost = behavior.Handle(new LvsHa.Vrrp.QuorumChanged(false), _clock.GetUtcNow());
        Assert.Equal("BACKUP", behavior.State);
        Assert.Contains(new LvsHa.Vrrp.RemoveVips(), lost);
    }

    [Fact]
    public void Handle_TrackerDownWithWeight_LowersPriorityInAdverts()
    {
        var behavior = Master();
        var actions = behavior.Handle(new TrackerResult("eth1", Up: false, Weight: -30), _clock.GetUtcNow());
        Assert.Equal(70, behavior.Priority);
        _clock.Advance(Advert);
        var next = behavior.Handle(new TimerExpired(VrrpTimer.Advert), _clock.GetUtcNow()).Concat(actions).OfType<LvsHa.Vrrp.SendAdvert>().First();
        Assert.Equal((byte)70, next.Priority);
    }
}
