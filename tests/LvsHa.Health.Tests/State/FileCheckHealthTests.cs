using System.Net;
using LvsHa.Health.Model;
using LvsHa.Health.State;

namespace LvsHa.Health.Tests.State;

/// <summary>FILE_CHECK in the state machine, as keepalived 2.2.7's process_update_checker_track_file_status: weight 0
/// turns a number into up/down, any other weight adds number x weight to the real server's weight.</summary>
public sealed class FileCheckHealthTests
{
    private const string Vs = "10.0.0.1:80/TCP";
    private static readonly IPEndPoint Rs1 = IPEndPoint.Parse("192.168.10.1:80");
    private static readonly IPEndPoint Rs2 = IPEndPoint.Parse("192.168.10.2:80");
    private static readonly ScriptCommand Up = ScriptCommand.Parse("/bin/notify up");
    private static readonly ScriptCommand Down = ScriptCommand.Parse("/bin/notify down");

    private static VirtualServiceHealth Health(int fileWeight, bool reverse = false, int rsWeight = 5, bool inhibit = false, bool alpha = false) =>
        new(new VirtualServiceHealthSettings(Vs)
        {
            RealServers =
            [
                new RealServerHealthSettings(Rs1, rsWeight)
                {
                    Checkers = [new FileCheckSpec("/run/app/weight", fileWeight, reverse)],
                    InhibitOnFailure = inhibit,
                    NotifyUp = Up,
                    NotifyDown = Down,
                    Timing = new() { Alpha = alpha ? true : null },
                },
                new RealServerHealthSettings(Rs2, 1),
            ],
        });

    [Theory]
    [InlineData(0, false, 0L, true, 0)]
    [InlineData(0, false, 1L, false, 0)]
    [InlineData(0, false, -7L, false, 0)]
    [InlineData(0, true, 0L, false, 0)]
    [InlineData(0, true, 3L, true, 0)]
    [InlineData(10, false, 3L, true, 30)]
    [InlineData(10, true, 3L, true, -30)]
    [InlineData(-2, false, 4L, true, -8)]
    [InlineData(1, false, -2147483648L, false, 0)]
    [InlineData(1, true, 2147483648L, false, 0)]
    [InlineData(2, false, 2147483647L, true, int.MaxValue)]
    public void A_number_is_judged_as_keepalived_does(int weight, bool reverse, long number, bool up, int delta)
    {
        Assert.Equal(new FileCheckVerdict(up, delta), new FileCheckSpec("/f", weight, reverse).Judge(number));
    }

    [Fact]
    public void Weight_0_a_non_zero_number_takes_the_real_server_out_and_zero_brings_it_back()
    {
        var health = Health(0);
        Assert.Equal([new RealServerUp(Vs, Rs1, 5), new RealServerUp(Vs, Rs2, 1)], health.Start());

        Assert.Equal([new RealServerDown(Vs, Rs1, false), new RunScript(Vs, Down, ScriptReason.NotifyDown, Rs1)], health.OnTrackedFile(0, 0, 1));
        Assert.Empty(health.OnTrackedFile(0, 0, 2));
        Assert.Equal([new RealServerUp(Vs, Rs1, 5), new RunScript(Vs, Up, ScriptReason.NotifyUp, Rs1)], health.OnTrackedFile(0, 0, 0));
    }

    [Fact]
    public void Reverse_with_weight_0_zero_is_the_failure()
    {
        var health = Health(0, reverse: true);
        _ = health.OnTrackedFile(0, 0, 0);
        Assert.Equal([new RealServerDown(Vs, Rs1, false), new RealServerUp(Vs, Rs2, 1)], health.Start());
        Assert.Equal([new RealServerUp(Vs, Rs1, 5), new RunScript(Vs, Up, ScriptReason.NotifyUp, Rs1)], health.OnTrackedFile(0, 0, 1));
    }

    [Fact]
    public void The_delta_is_added_to_the_configured_weight_and_removed_again()
    {
        var health = Health(10);
        _ = health.Start();

        Assert.Equal([new RealServerWeightChanged(Vs, Rs1, 35)], health.OnTrackedFile(0, 0, 3));
        Assert.Equal(35, health.RealServerStatuses()[0].Weight);
        Assert.Equal([new RealServerWeightChanged(Vs, Rs1, 25)], health.OnTrackedFile(0, 0, 2));
        Assert.Equal([new RealServerWeightChanged(Vs, Rs1, 5)], health.OnTrackedFile(0, 0, 0));
        Assert.Empty(health.OnTrackedFile(0, 0, 0));
    }

    [Fact]
    public void The_effective_weight_is_clamped_to_0_and_65535()
    {
        var health = Health(10);
        _ = health.Start();

        Assert.Equal([new RealServerWeightChanged(Vs, Rs1, 0)], health.OnTrackedFile(0, 0, -1));
        Assert.True(health.RealServerStatuses()[0].Alive);
        Assert.Equal([new RealServerWeightChanged(Vs, Rs1, 65535)], health.OnTrackedFile(0, 0, 100000));
        Assert.Empty(health.OnTrackedFile(0, 0, 200000));
    }

    [Fact]
    public void A_product_at_the_fault_value_takes_the_real_server_out_and_drops_its_delta()
    {
        var health = Health(1);
        _ = health.Start();
        _ = health.OnTrackedFile(0, 0, 7);

        Assert.Equal([new RealServerDown(Vs, Rs1, false), new RunScript(Vs, Down, ScriptReason.NotifyDown, Rs1)], health.OnTrackedFile(0, 0, int.MinValue));
        Assert.Equal([new RealServerUp(Vs, Rs1, 8), new RunScript(Vs, Up, ScriptReason.NotifyUp, Rs1)], health.OnTrackedFile(0, 0, 3));
    }

    [Fact]
    public void Before_start_the_reading_is_the_initial_state_without_decisions()
    {
        var weighted = Health(10);
        Assert.Empty(weighted.OnTrackedFile(0, 0, 3));
        Assert.Equal([new RealServerUp(Vs, Rs1, 35), new RealServerUp(Vs, Rs2, 1)], weighted.Start());

        // Held down at start: published down (the kernel's start-up table read the file separately), no notify.
        var down = Health(0);
        Assert.Empty(down.OnTrackedFile(0, 0, 1));
        Assert.Equal([new RealServerDown(Vs, Rs1, false), new RealServerUp(Vs, Rs2, 1)], down.Start());
        Assert.Equal(1, down.LiveWeight());

        var inhibited = Health(0, inhibit: true);
        _ = inhibited.OnTrackedFile(0, 0, 1);
        Assert.Equal([new RealServerDown(Vs, Rs1, true), new RealServerUp(Vs, Rs2, 1)], inhibited.Start());
    }

    [Fact]
    public void Alpha_does_not_apply_to_a_file_check()
    {
        var health = Health(0, alpha: true);
        Assert.True(health.IsCheckerUp(0, 0));
        Assert.Equal([new RealServerUp(Vs, Rs1, 5), new RealServerUp(Vs, Rs2, 1)], health.Start());
    }

    [Fact]
    public void The_delta_counts_for_the_quorum()
    {
        var health = new VirtualServiceHealth(new VirtualServiceHealthSettings(Vs)
        {
            Quorum = 5,
            RealServers = [new RealServerHealthSettings(Rs1, 5) { Checkers = [new FileCheckSpec("/f", 1, false)] }],
        });
        _ = health.Start();
        Assert.True(health.QuorumUp);

        _ = health.OnTrackedFile(0, 0, -1);
        Assert.False(health.QuorumUp);
        Assert.Equal(4, health.LiveWeight());
    }
}
