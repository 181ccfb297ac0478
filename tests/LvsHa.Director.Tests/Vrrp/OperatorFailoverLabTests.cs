namespace LvsHa.Director.Tests.Vrrp;

/// <summary>`lvsha failover` against real daemons: the VIP moves to the next director and stays until released.</summary>
public sealed class OperatorFailoverLabTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Failover_MasterHandsVipToBackup_HoldsUntilReleasedThenPreemptsBack()
    {
        using var lab = new VrrpLab(3, output);
        lab.Start(1, lab.Config(1, 150, "0.1"));
        lab.Start(2, lab.Config(2, 100, "0.1"));
        lab.Start(3, lab.Config(3, priority: null));
        await lab.WaitForSoleHolderAsync(1, [2], Startup);
        await lab.WaitForMembersAsync(2, Startup);

        var (code, text) = VrrpLab.Lvsha("failover", "VI_1", "--control-socket", lab.SocketPath(1));
        Assert.True(code == 0, text);
        Assert.Contains("MASTER -> BACKUP", text, StringComparison.Ordinal);
        var moved = await lab.WaitForSoleHolderAsync(2, [1], TimeSpan.FromSeconds(5));
        output.WriteLine($"VIP on director 2 {moved.TotalMilliseconds:F0} ms after `lvsha failover` returned");

        // The higher-priority director does not take it back while the hold lasts (preemption would within 0.4 s).
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.True(await lab.HoldsVipAsync(2) && !await lab.HoldsVipAsync(1), "the VIP stays on director 2 during the hold");

        var (unknownCode, unknown) = VrrpLab.Lvsha("failover", "VI_9", "--control-socket", lab.SocketPath(1));
        Assert.Equal(1, unknownCode);
        Assert.Contains("no vrrp_instance VI_9", unknown, StringComparison.Ordinal);

        var (releaseCode, released) = VrrpLab.Lvsha("failover", "VI_1", "--release", "--control-socket", lab.SocketPath(1));
        Assert.True(releaseCode == 0, released);
        await lab.WaitForSoleHolderAsync(1, [2], TimeSpan.FromSeconds(5));
    }
}
