using System.Net;

namespace LvsHa.Vrrp.Tests.Simulation;

/// <summary>
/// Directors exchanging adverts through an in-memory network driven by a fake clock: each director is a
/// <see cref="VrrpStateMachine"/> whose actions (adverts, timers, VIPs) this class carries out as events.
/// </summary>
internal sealed class VrrpNetwork
{
    private readonly PriorityQueue<Action, (DateTimeOffset At, long Seq)> events = new();
    private readonly Dictionary<string, Director> directors = [];
    private readonly HashSet<(string, string)> cutLinks = [];
    private long sequence;
    private DateTimeOffset? dualMasterSince;

    public VrrpNetwork(TimeSpan latency)
    {
        Latency = latency;
        Started = Clock.GetUtcNow();
    }

    public ManualTimeProvider Clock { get; } = new();

    public TimeSpan Latency { get; }

    public DateTimeOffset Started { get; }

    public TimeSpan Now => Clock.GetUtcNow() - Started;

    /// <summary>Longest stretch during which two or more live directors held the VIPs.</summary>
    public TimeSpan LongestDualMaster { get; private set; }

    public List<(TimeSpan At, string Director, VrrpState To)> Transitions { get; } = [];

    public void Add(VrrpInstanceSettings settings) =>
        directors[settings.Name] = new Director(settings, new VrrpStateMachine(settings, Clock));

    public VrrpState State(string name) => directors[name].Machine.State;

    public IReadOnlyList<string> VipHolders() =>
        directors.Values.Where(d => d.Alive && d.HoldsVips).Select(d => d.Settings.Name).ToList();

    public TimeSpan LastAdvertSent(string name) => directors[name].LastAdvertSent - Started;

    public TimeSpan BecameMaster(string name) => Transitions.Last(t => t.Director == name && t.To == VrrpState.Master).At;

    public void Input(string name, VrrpInput input) => Apply(directors[name], directors[name].Machine.Handle(input));

    /// <summary>Link down + SIGKILL: the director sends and hears nothing more, its timers die with it.</summary>
    public void Kill(string name)
    {
        var director = directors[name];
        director.Alive = false;
        director.Generation++;
        director.HoldsVips = false;
        TrackDualMaster();
    }

    /// <summary>The daemon is started again: a fresh state machine with the same settings.</summary>
    public void Restart(string name)
    {
        var old = directors[name];
        var fresh = new Director(old.Settings, new VrrpStateMachine(old.Settings, Clock)) { Generation = old.Generation + 1 };
        directors[name] = fresh;
        Input(name, new Start());
    }

    public void Partition(IEnumerable<string> side, IEnumerable<string> otherSide)
    {
        foreach (var a in side)
        {
            foreach (var b in otherSide)
            {
                cutLinks.Add((a, b));
                cutLinks.Add((b, a));
            }
        }
    }

    public void Heal() => cutLinks.Clear();

    public void RunFor(TimeSpan duration)
    {
        var until = Clock.GetUtcNow() + duration;
        while (events.TryPeek(out _, out var key) && key.At <= until)
        {
            events.Dequeue()();
        }

        Clock.Set(until);
        TrackDualMaster();
    }

    private void Schedule(TimeSpan after, Action action)
    {
        var at = Clock.GetUtcNow() + after;
        events.Enqueue(
            () =>
            {
                Clock.Set(at);
                action();
                TrackDualMaster();
            },
            (at, sequence++));
    }

    private void Apply(Director director, IReadOnlyList<VrrpAction> actions)
    {
        var generation = director.Generation;
        foreach (var action in actions)
        {
            switch (action)
            {
                case SendAdvert advert:
                    director.LastAdvertSent = Clock.GetUtcNow();
                    foreach (var peer in directors.Values.Where(p => p != director))
                    {
                        var to = peer.Settings.Name;
                        if (cutLinks.Contains((director.Settings.Name, to)))
                            continue;
                        Schedule(Latency, () =>
                        {
                            var target = directors[to];
                            if (target.Alive && !cutLinks.Contains((director.Settings.Name, to)))
                                Input(to, new AdvertReceived(director.Settings.LocalAddress, advert.Priority, advert.AdvertInterval));
                        });
                    }

                    break;
                case AddVips:
                    director.HoldsVips = true;
                    break;
                case RemoveVips:
                    director.HoldsVips = false;
                    break;
                case StartTimer start:
                    var version = ++director.TimerVersions[(int)start.Timer];
                    Schedule(start.Duration, () =>
                    {
                        if (director.Alive && director.Generation == generation && director.TimerVersions[(int)start.Timer] == version)
                            Apply(director, director.Machine.Handle(new TimerExpired(start.Timer)));
                    });
                    break;
                case CancelTimer cancel:
                    director.TimerVersions[(int)cancel.Timer]++;
                    break;
                case StateChanged changed:
                    Transitions.Add((Now, director.Settings.Name, changed.To));
                    break;
            }
        }

        TrackDualMaster();
    }

    private void TrackDualMaster()
    {
        var now = Clock.GetUtcNow();
        if (VipHolders().Count > 1)
        {
            dualMasterSince ??= now;
            LongestDualMaster = Max(LongestDualMaster, now - dualMasterSince.Value);
        }
        else if (dualMasterSince is { } since)
        {
            LongestDualMaster = Max(LongestDualMaster, now - since);
            dualMasterSince = null;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed class Director(VrrpInstanceSettings settings, VrrpStateMachine machine)
    {
        public VrrpInstanceSettings Settings { get; } = settings;

        public VrrpStateMachine Machine { get; } = machine;

        public bool Alive { get; set; } = true;

        public bool HoldsVips { get; set; }

        public int Generation { get; set; }

        public int[] TimerVersions { get; } = new int[Enum.GetValues<VrrpTimer>().Length];

        public DateTimeOffset LastAdvertSent { get; set; }
    }
}
