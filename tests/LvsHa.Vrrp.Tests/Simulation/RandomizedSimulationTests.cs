using System.Net;

namespace LvsHa.Vrrp.Tests.Simulation;

public class RandomizedSimulationTests
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(1);

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 1000)]
    [InlineData(3, 100)]
    [InlineData(4, 100)]
    [InlineData(5, 10)]
    public void RandomFailures_NoPartition_NeverTwoMastersLongerThanOneAdvertIntervalAndOneMasterWhenQuiet(int seed, int advertMilliseconds)
    {
        var advert = TimeSpan.FromMilliseconds(advertMilliseconds);
        var random = new Random(seed);
        var network = new VrrpNetwork(Latency);
        var names = new[] { "a", "b", "c" };
        var priorities = new byte[] { 150, 120, 100 };
        for (var i = 0; i < names.Length; i++)
        {
            network.Add(new VrrpInstanceSettings
            {
                Name = names[i],
                VirtualRouterId = 7,
                Priority = priorities[i],
                LocalAddress = IPAddress.Parse($"10.0.0.{i + 1}"),
                AdvertInterval = advert,
            });
            network.Input(names[i], new Start());
        }

        var alive = names.ToHashSet();
        var faulty = new HashSet<string>();
        for (var step = 0; step < 200; step++)
        {
            var name = names[random.Next(names.Length)];
            switch (random.Next(5))
            {
                case 0 when alive.Contains(name) && (faulty.Contains(name) || alive.Except(faulty).Count() > 1):
                    network.Kill(name);
                    alive.Remove(name);
                    faulty.Remove(name);
                    break;
                case 1 when !alive.Contains(name):
                    network.Restart(name);
                    alive.Add(name);
                    break;
                case 2 when alive.Contains(name):
                    network.Input(name, new TrackerChanged(random.Next(-80, 60), Fault: false));
                    faulty.Remove(name);
                    break;
                case 3 when alive.Contains(name) && alive.Except(faulty).Except([name]).Any():
                    network.Input(name, new TrackerChanged(0, Fault: true));
                    faulty.Add(name);
                    break;
                case 4 when alive.Contains(name) && network.State(name) == VrrpState.Master:
                    network.Input(name, new Shutdown());
                    network.Input(name, new Start());
                    break;
            }

            network.RunFor(advert * random.Next(1, 12));
            Assert.True(network.LongestDualMaster <= advert, $"seed {seed} step {step}: two masters for {network.LongestDualMaster}");

            if (step % 20 == 19)
            {
                network.RunFor(advert * 15);
                var candidates = alive.Except(faulty).ToList();
                Assert.True(candidates.Count > 0);
                Assert.Single(network.VipHolders());
                Assert.Contains(network.VipHolders()[0], candidates);
            }
        }
    }
}
