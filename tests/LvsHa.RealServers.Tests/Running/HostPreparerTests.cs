using LvsHa.RealServers.Running;
using LvsHa.RealServers.Tests.Planning;

namespace LvsHa.RealServers.Tests.Running;

public sealed class HostPreparerTests
{
    [Fact]
    public async Task PrepareAsync_DryRun_SendsNoChangingCommandAndReportsWouldChange()
    {
        var host = new FakeRealServer();
        (IReadOnlyList<ItemReport> items, string? error) = await HostPreparer.PrepareAsync(host, TestStates.Dr(), persist: true, dryRun: true, undo: false, CancellationToken.None);

        Assert.Null(error);
        Assert.Empty(host.Changes);
        Assert.All(items.Where(i => i.Status != ItemStatus.Skipped), i => Assert.Equal(ItemStatus.WouldChange, i.Status));
        Assert.Contains(items, i => i.Status == ItemStatus.Skipped && i.Name == "boot unit enabled");
        Assert.Contains("ip addr add 192.168.50.10/32 dev lo", items.Single(i => i.Name == "vip 192.168.50.10/32 on lo").Commands);
    }

    [Fact]
    public async Task PrepareAsync_Apply_ChangedAfterReadBackThenSecondRunAlreadyRight()
    {
        var host = new FakeRealServer();
        (IReadOnlyList<ItemReport> first, _) = await HostPreparer.PrepareAsync(host, TestStates.Dr(), persist: false, dryRun: false, undo: false, CancellationToken.None);
        int changes = host.Changes.Count;
        (IReadOnlyList<ItemReport> second, _) = await HostPreparer.PrepareAsync(host, TestStates.Dr(), persist: false, dryRun: false, undo: false, CancellationToken.None);

        Assert.All(first, i => Assert.Equal(ItemStatus.Changed, i.Status));
        Assert.All(second, i => Assert.Equal(ItemStatus.AlreadyRight, i.Status));
        Assert.Equal(changes, host.Changes.Count);
    }

    [Fact]
    public async Task PrepareAsync_CommandFails_ThatItemFailedWithErrorOthersStillApplied()
    {
        var host = new FakeRealServer { Fail = line => line.Contains("lo/arp_ignore", StringComparison.Ordinal) ? new CommandResult(255, string.Empty, "sysctl: permission denied on key\n") : null };
        (IReadOnlyList<ItemReport> items, _) = await HostPreparer.PrepareAsync(host, TestStates.Dr(), persist: false, dryRun: false, undo: false, CancellationToken.None);

        ItemReport failed = items.Single(i => i.Name == "net.ipv4.conf.lo.arp_ignore");
        Assert.Equal(ItemStatus.Failed, failed.Status);
        Assert.Contains("exited 255: sysctl: permission denied on key", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(ItemStatus.Changed, items.Single(i => i.Name == "net.ipv4.conf.all.arp_ignore").Status);
        Assert.Equal(ItemStatus.Changed, items.Single(i => i.Name == "vip 192.168.50.10/32 on lo").Status);
    }

    [Fact]
    public async Task PrepareAsync_HostIgnoresCommands_ReadBackReportsFailure()
    {
        var host = new FakeRealServer { Obeys = false };
        (IReadOnlyList<ItemReport> items, _) = await HostPreparer.PrepareAsync(host, TestStates.Dr(), persist: false, dryRun: false, undo: false, CancellationToken.None);

        Assert.All(items, i => Assert.Equal(ItemStatus.Failed, i.Status));
        Assert.Contains("read back after applying: 0", items.Single(i => i.Name == "net.ipv4.conf.all.arp_ignore").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrepareAsync_NonRootWithSudo_ChangingCommandsGoThroughSudo()
    {
        var host = new FakeRealServer();
        host.Reads["id -u"] = (0, "1000\n");
        host.Reads["sudo -n true"] = (0, string.Empty);
        await HostPreparer.PrepareAsync(host, TestStates.Dr(), persist: false, dryRun: false, undo: false, CancellationToken.None);

        Assert.NotEmpty(host.Changes);
        Assert.All(host.Changes, c => Assert.StartsWith("sudo -n ", c, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PrepareAsync_NonRootWithoutSudo_HostErrorAndNothingChanged()
    {
        var host = new FakeRealServer();
        host.Reads["id -u"] = (0, "1000\n");
        host.Reads["sudo -n true"] = (1, "sudo: a password is required\n");
        (IReadOnlyList<ItemReport> items, string? error) = await HostPreparer.PrepareAsync(host, TestStates.Dr(), persist: false, dryRun: false, undo: false, CancellationToken.None);

        Assert.Empty(items);
        Assert.Contains("a password is required", error, StringComparison.Ordinal);
        Assert.Empty(host.Changes);
    }
}
