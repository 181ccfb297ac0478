using LvsHa.Director.Tests.Lab;

namespace LvsHa.Director.Tests.Vrrp;

/// <summary>`promote_secondaries` in a real `lvsha run` (keepalived's defaults otherwise): the interface's sysctl is 1
/// while the director runs and back to its value after it stopped.</summary>
public sealed class PromoteSecondariesLabTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Run_PromoteSecondaries_SysctlSetWhileRunningAndRestoredAtStop()
    {
        using var lab = new VrrpLab(1, output);
        string Sysctl() => LabCommand.Run("ip", "netns", "exec", lab.Namespace(1), "cat", "/proc/sys/net/ipv4/conf/eth0/promote_secondaries").Trim();
        Assert.Equal("0", Sysctl());
        lab.Start(1, lab.WriteFile("d1.conf", $$"""
            vrrp_instance VI_1 {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 150
                advert_int 1
                promote_secondaries
                virtual_ipaddress {
                    {{lab.Vip}}/24 dev eth0
                }
            }

            """));
        await lab.WaitForSoleHolderAsync(1, [], TimeSpan.FromSeconds(60));
        Assert.Equal("1", Sysctl());

        lab.Signal(1, Tmds.Linux.LibC.SIGTERM);
        Assert.True(lab.HasExited(1, TimeSpan.FromSeconds(20)), "the director stops");
        Assert.Equal("0", Sysctl());
    }
}
