using Akka.Actor;
using LvsHa.Vrrp;
using LvsHa.Vrrp.Wire;
using System.Net;
using QuorumChanged = LvsHa.Director.Membership.QuorumChanged;
using Akka.TestKit.Xunit2;
using LvsHa.Director.Adverts;
using LvsHa.Director.Instances;
using LvsHa.Director.Membership;
using LvsHa.Director.Security;

namespace LvsHa.Director.Tests.Unit;

public sealed class VrrpInstanceActorTests : TestKit
{
    private static readonly byte[] Key = ClusterSecret.FromString("correct horse battery staple").AdvertKey;

    private sealed class RecordingTransport : IAdvertTransport
    {
        public List<VrrpAdvertEnvelope> Sent { get; } = [];

        public IActorRef? DeliverTo { get; set; }

        public void Publish(VrrpAdvertEnvelope envelope)
        {
            lock (Sent)
            {
                Sent.Add(envelope);
            }

            DeliverTo?.Tell(envelope);
        }
    }

    /// <summary>Records events and returns scripted actions, like the state machine will.</summary>
    private sealed class ScriptedBehavior(Func<VrrpInput, IReadOnlyList<VrrpAction>> script) : IVrrpInstanceBehavior
    {
        public List<VrrpInput> Events { get; } = [];

        public string State => "SCRIPTED";

        public IReadOnlyList<VrrpAction> Handle(VrrpInput input, DateTimeOffset now)
        {
            lock (Events)
            {
                Events.Add(input);
            }

            return script(input);
        }
    }

    private sealed class RecordingEffects : IVipManager, IGarpSender, INotifyRunner
    {
        public List<string> Calls { get; } = [];

        public Task AddVipsAsync(string instance, CancellationToken cancellationToken) => Record($"add {instance}");

        public Task RemoveVipsAsync(string instance, CancellationToken cancellationToken) => Record($"remove {instance}");

        public Task SendAsync(string instance, SendGratuitousArps burst, CancellationToken cancellationToken) => Record($"garp {instance}");

        public Task RunAsync(string instance, string state, int priority, CancellationToken cancellationToken) =>
            state == "FAULT" ? Task.FromException(new InvalidOperationException("script failed")) : Record($"notify {instance} {state}");

        private Task Record(string call)
        {
            lock (Calls)
            {
                Calls.Add(call);
            }

            return Task.CompletedTask;
        }
    }

    private IActorRef Instance(string node, IVrrpInstanceBehavior behavior, IAdvertTransport transport, InstanceEffects? effects = null, IActorRef? tracker = null) =>
        Sys.ActorOf(VrrpInstanceActor.PropsFor(new VrrpInstanceSetup(
            "VI_1", 51, behavior, transport, new AdvertAuthenticator(Key, node, TimeProvider.System, TimeSpan.FromSeconds(5)),
            effects ?? InstanceEffects.None, tracker, TimeProvider.System)));

    private static InstanceStatus Status(IActorRef instance) => instance.Ask<InstanceStatus>(GetInstanceStatus.Instance, TimeSpan.FromSeconds(3)).Result;

    [Fact]
    public void Placeholder_TwoInstancesLinked_SendPeriodicAdvertsAndAcceptEachOthers()
    {
        var toA = new RecordingTransport();
        var toB = new RecordingTransport();
        var a = Instance("d1", new AdvertingBehavior(101, TimeSpan.FromMilliseconds(50)), toB);
        var b = Instance("d2", new AdvertingBehavior(102, TimeSpan.FromMilliseconds(50)), toA);
        toB.DeliverTo = b;
        toA.DeliverTo = a;

        AwaitAssert(
            () =>
            {
                var statusA = Status(a);
                Assert.True(statusA.AdvertsAccepted >= 3, $"accepted {statusA.AdvertsAccepted}");
                Assert.Equal(["d2"], statusA.LastAdvertBySender.Keys);
                Assert.True(Status(b).AdvertsAccepted >= 3);
            },
            TimeSpan.FromSeconds(5));
        Assert.Equal(0, Status(a).AdvertsRejected);
        Assert.Equal("ADVERTISING", Status(a).State);

        lock (toB.Sent)
        {
            Assert.All(toB.Sent, e => Assert.Equal(
                (51, "VI_1", "d1", (byte)101), (e.VirtualRouterId, e.Instance, e.SenderNode, VrrpAdvertCodec.Decode(e.Payload).Advert.Priority)));
        }
    }

    [Fact]
    public void Advert_ForgedOrReplayedOrOtherRouterOrMalformed_RejectedAndNotFedToBehavior()
    {
        var behavior = new ScriptedBehavior(_ => []);
        var instance = Instance("d2", behavior, new RecordingTransport());
        var d1 = new AdvertAuthenticator(Key, "d1", TimeProvider.System, TimeSpan.FromSeconds(5));
        byte[] Advert(byte vrid) => VrrpAdvertCodec.Encode(
            new VrrpAdvert(vrid, 150, 10, IPAddress.Parse("10.0.0.1"), []), ReadOnlySpan<byte>.Empty);
        var genuine = d1.Sign("VI_1", 51, Advert(51));
        var forged = new AdvertAuthenticator(ClusterSecret.FromString("a guessed cluster secret!").AdvertKey, "d3", TimeProvider.System, TimeSpan.FromSeconds(5))
            .Sign("VI_1", 51, Advert(51));

        instance.Tell(genuine);
        instance.Tell(genuine);
        instance.Tell(forged);
        instance.Tell(genuine with { VirtualRouterId = 52 });
        // Authentic, but no advert of this router inside (a director of another version): counted, never fed.
        instance.Tell(d1.Sign("VI_1", 51, [7]));
        instance.Tell(d1.Sign("VI_1", 51, Advert(52)));

        var status = Status(instance);
        Assert.Equal((1L, 5L), (status.AdvertsAccepted, status.AdvertsRejected));
        lock (behavior.Events)
        {
            var received = Assert.Single(behavior.Events.OfType<LvsHa.Vrrp.AdvertReceived>());
            Assert.Equal(new LvsHa.Vrrp.AdvertReceived(IPAddress.Parse("10.0.0.1"), 150, TimeSpan.FromMilliseconds(100)), received);
        }
    }

    [Fact]
    public void Actions_ReturnedByBehavior_AreCarriedOutThroughEffects()
    {
        var effects = new RecordingEffects();
        var behavior = new ScriptedBehavior(e => e switch
        {
            LvsHa.Vrrp.QuorumChanged { HasMajority: true } => [new AddVips(), new SendGratuitousArps(5, TimeSpan.Zero, TimeSpan.Zero), new RunNotify(VrrpState.Master, 100)],
            LvsHa.Vrrp.QuorumChanged { HasMajority: false } => [new RemoveVips(), new RunNotify(VrrpState.Backup, 100), new RunNotify(VrrpState.Fault, 100)],
            _ => [],
        });
        var instance = Instance("d1", behavior, new RecordingTransport(), new InstanceEffects(effects, effects, effects));

        instance.Tell(new QuorumChanged(true, 2, 3));
        instance.Tell(new QuorumChanged(false, 1, 3));

        AwaitAssert(
            () =>
            {
                lock (effects.Calls)
                {
                    Assert.Equal(["add VI_1", "garp VI_1", "notify VI_1 MASTER", "remove VI_1", "notify VI_1 BACKUP"], effects.Calls);
                }
            },
            TimeSpan.FromSeconds(3));
        Assert.Equal(new QuorumChanged(false, 1, 3), Status(instance).Quorum);
    }

    private sealed class SlowVips : IVipManager
    {
        public bool Removed { get; private set; }

        public Task AddVipsAsync(string instance, CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task RemoveVipsAsync(string instance, CancellationToken cancellationToken)
        {
            await Task.Delay(300, cancellationToken);
            Removed = true;
        }
    }

    [Fact]
    public async Task Stopping_BehaviorStopActions_CarriedOutBeforeInstanceStoppedReply()
    {
        var vips = new SlowVips();
        var effects = new RecordingEffects();
        var transport = new RecordingTransport();
        var behavior = new ScriptedBehavior(e => e is Shutdown ? [new SendAdvert(0, TimeSpan.FromSeconds(1)), new RemoveVips(), new RunNotify(VrrpState.Stopped, 100)] : []);
        var instance = Instance("d1", behavior, transport, new InstanceEffects(vips, effects, effects));

        var reply = await instance.Ask<InstanceStopped>(new Shutdown(), TimeSpan.FromSeconds(3));

        Assert.Same(InstanceStopped.Instance, reply);
        Assert.True(vips.Removed, "the reply came before the VIPs were removed");
        Assert.Equal(["notify VI_1 STOP"], effects.Calls);
        Assert.Equal(0, VrrpAdvertCodec.Decode(Assert.Single(transport.Sent).Payload).Advert.Priority);
    }

    [Fact]
    public void Timers_StartedByBehavior_FireAsTimerExpiredUntilCancelled()
    {
        var fired = 0;
        var behavior = new ScriptedBehavior(e => e switch
        {
            Start => [new StartTimer(VrrpTimer.MasterDown, TimeSpan.FromMilliseconds(30)), new StartTimer(VrrpTimer.GarpRefresh, TimeSpan.FromMilliseconds(60))],
            TimerExpired { Timer: VrrpTimer.MasterDown } when Interlocked.Increment(ref fired) < 3 => [new StartTimer(VrrpTimer.MasterDown, TimeSpan.FromMilliseconds(30))],
            TimerExpired { Timer: VrrpTimer.MasterDown } => [new CancelTimer(VrrpTimer.GarpRefresh)],
            TimerExpired { Timer: VrrpTimer.GarpRefresh } => throw new InvalidOperationException("a cancelled timer fired"),
            _ => [],
        });
        Instance("d1", behavior, new RecordingTransport());

        AwaitCondition(() => Volatile.Read(ref fired) >= 3, TimeSpan.FromSeconds(3));
        Thread.Sleep(300);
        Assert.Equal(3, Volatile.Read(ref fired));
    }

    [Fact]
    public void Tracker_InstanceSubscribes_ReceivesQuorumChanges()
    {
        var behavior = new ScriptedBehavior(_ => []);
        var self = new Address("akka.ssl.tcp", "lvsha", "10.0.0.1", 2552);
        var tracker = Sys.ActorOf(Props.Create(() => new MajorityTracker(self, 3, false)));
        var instance = Instance("d1", behavior, new RecordingTransport(), tracker: tracker);

        tracker.Tell(new MemberStatusChanged(new DirectorMember(self, "Up", true)));
        tracker.Tell(new MemberStatusChanged(new DirectorMember(new Address("akka.ssl.tcp", "lvsha", "10.0.0.2", 2552), "Up", true)));

        AwaitAssert(() => Assert.Equal(new QuorumChanged(true, 2, 3), Status(instance).Quorum), TimeSpan.FromSeconds(3));
    }
}
