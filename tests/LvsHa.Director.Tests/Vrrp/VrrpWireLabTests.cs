using System.Diagnostics;
using LvsHa.Director.Tests.Lab;
using LvsHa.Director.Membership;

namespace LvsHa.Director.Tests.Vrrp;

/// <summary>
/// VRRP on the wire with the defaults operators run: real `lvsha run` daemons (and keepalived 2.2.7) in network
/// namespaces on one bridge, plain keepalived.conf files (no cluster block unless said, VRRPv2 and advert_int 1 unless
/// said), directors started at the same moment.
/// </summary>
public sealed class VrrpWireLabTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    // advert_int 1: Master_Down_Interval 3.6 s, plus start-up and one advert of margin.
    private static readonly TimeSpan Takeover = TimeSpan.FromSeconds(8);

    /// <summary>A keepalived.conf as operators write it: one instance, the VIP on eth0.</summary>
    private static string KeepalivedConf(VrrpLab lab, string state, int priority, string instanceLines = "", string globalLines = "") => $$"""
        global_defs {
            router_id lab
        {{globalLines}}
        }

        vrrp_instance VI_1 {
            state {{state}}
            interface eth0
            virtual_router_id 51
            priority {{priority}}
            advert_int 1
        {{instanceLines}}
            virtual_ipaddress {
                {{lab.Vip}}/24 dev eth0
            }
        }

        """;

    [Fact]
    public async Task SameKeepalivedConf_TwoDirectorsStartedTogether_OneMasterAndTheOtherTakesOverWhenItDies()
    {
        using var lab = new VrrpLab(2, output);
        var config = lab.WriteFile("keepalived.conf", KeepalivedConf(lab, "BACKUP", 100, "    authentication {\n        auth_type PASS\n        auth_pass s3cret\n    }"));
        lab.Start(1, config);
        lab.Start(2, config);

        var holder = await WaitForOneHolderAsync(lab, [1, 2], Startup);
        await AssertNeverTwoHoldersAsync(lab, [1, 2], TimeSpan.FromSeconds(5));
        var other = holder == 1 ? 2 : 1;
        var status = await lab.Client(other).GetStatusAsync();
        Assert.Equal("BACKUP", status.Instances[0].State);
        Assert.Equal(lab.Address(holder), status.Instances[0].Master);
        Assert.True(status.Instances[0].AdvertsAccepted > 0, "the backup hears the master's VRRP adverts");
        Assert.Equal(0, status.Instances[0].AdvertsRejected);

        lab.SetLink(holder, up: false);
        lab.Signal(holder, Tmds.Linux.LibC.SIGKILL);
        await lab.WaitForSoleHolderAsync(other, [], Takeover);
    }

    [Fact]
    public async Task KeepalivedMaster_LvshaBackup_OneVirtualRouterAndLvshaTakesOver()
    {
        using var lab = new VrrpLab(2, output);
        lab.StartKeepalived(1, lab.WriteFile("ka1.conf", KeepalivedConf(lab, "MASTER", 150)));
        lab.Start(2, lab.WriteFile("d2.conf", KeepalivedConf(lab, "BACKUP", 100)));

        await lab.WaitForStateAsync(2, "BACKUP", Startup);
        await lab.WaitForSoleHolderAsync(1, [2], Startup);
        await AssertNeverTwoHoldersAsync(lab, [1, 2], TimeSpan.FromSeconds(5));
        Assert.Equal(lab.Address(1), (await lab.Client(2).GetStatusAsync()).Instances[0].Master);

        lab.SetLink(1, up: false);
        lab.Signal(1, Tmds.Linux.LibC.SIGKILL);
        await lab.WaitForSoleHolderAsync(2, [], Takeover);
    }

    [Fact]
    public async Task LvshaMaster_KeepalivedBackup_Vrrpv3UnicastPeers_KeepalivedTakesOverAtOnceOnGracefulStop()
    {
        using var lab = new VrrpLab(2, output);
        string Unicast(int self, int peer) => $"    version 3\n    unicast_src_ip {lab.Address(self)}\n    unicast_peer {{\n        {lab.Address(peer)}\n    }}";
        lab.Start(1, lab.WriteFile("d1.conf", KeepalivedConf(lab, "MASTER", 150, Unicast(1, 2))));
        lab.StartKeepalived(2, lab.WriteFile("ka2.conf", KeepalivedConf(lab, "BACKUP", 100, Unicast(2, 1))));

        await lab.WaitForSoleHolderAsync(1, [2], Startup);
        await AssertNeverTwoHoldersAsync(lab, [1, 2], TimeSpan.FromSeconds(5));

        // SIGTERM: LvsHa's priority-0 advert lets keepalived take over after Skew_Time, not Master_Down_Interval.
        var clock = Stopwatch.StartNew();
        lab.Signal(1, Tmds.Linux.LibC.SIGTERM);
        await lab.WaitForSoleHolderAsync(2, [1], Takeover);
        output.WriteLine($"keepalived held the VIP {clock.Elapsed.TotalSeconds:F2} s after SIGTERM");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"takeover after {clock.Elapsed} (priority 0 should make it Skew_Time)");
    }

    [Fact]
    public async Task Ipv6Vrrpv3_LvshaMasterKeepalivedBackup_OneHolderAndKeepalivedTakesOver()
    {
        using var lab = new VrrpLab(2, output);
        const string Vip6 = "fd00:232::50";
        string Conf(string state, int priority) => $$"""
            vrrp_instance VI_6 {
                state {{state}}
                interface eth0
                version 3
                virtual_router_id 52
                priority {{priority}}
                advert_int 1
                virtual_ipaddress {
                    {{Vip6}}/64 dev eth0
                }
            }

            """;
        lab.Start(1, lab.WriteFile("d1.conf", Conf("MASTER", 150)));
        lab.StartKeepalived(2, lab.WriteFile("ka2.conf", Conf("BACKUP", 100)));
        bool Holds(int node) => LabCommand.Run("ip", "-n", lab.Namespace(node), "-6", "addr", "show", "dev", "eth0").Contains(Vip6 + "/", StringComparison.Ordinal);

        await LabCluster.WaitForAsync(() => Task.FromResult(Holds(1) && !Holds(2)), Startup, $"only director 1 holds {Vip6}\n{lab.Log(1)}\n{lab.Log(2)}");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            Assert.False(Holds(1) && Holds(2), $"both hold {Vip6} after {clock.Elapsed.TotalSeconds:F1} s\n{lab.Log(2)}");
            await Task.Delay(100);
        }

        Assert.True((await lab.Client(1).GetStatusAsync()).Instances[0].AdvertsSent > 3);
        lab.SetLink(1, up: false);
        lab.Signal(1, Tmds.Linux.LibC.SIGKILL);
        await LabCluster.WaitForAsync(() => Task.FromResult(Holds(2)), Takeover, $"keepalived takes {Vip6} over\n{lab.Log(2)}");
    }

    [Fact]
    public async Task WrongPassword_AdvertsDroppedCountedAndLoggedOnce_AsKeepalivedBothAreMaster()
    {
        using var lab = new VrrpLab(2, output);
        string Auth(string password) => $"    authentication {{\n        auth_type PASS\n        auth_pass {password}\n    }}";
        lab.Start(1, lab.WriteFile("d1.conf", KeepalivedConf(lab, "BACKUP", 150, Auth("right"))));
        lab.Start(2, lab.WriteFile("d2.conf", KeepalivedConf(lab, "BACKUP", 100, Auth("wrong"))));

        await lab.WaitForStateAsync(1, "MASTER", Startup);
        await lab.WaitForStateAsync(2, "MASTER", Startup);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var status = await lab.Client(2).GetStatusAsync();
        Assert.True(status.Instances[0].AdvertsRejected >= 3, $"rejected {status.Instances[0].AdvertsRejected}");
        Assert.Equal(0, status.Instances[0].AdvertsAccepted);
        var lines = lab.Log(2).Split('\n').Where(l => l.Contains("dropped a VRRP advert", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        Assert.Contains("AuthenticationMismatch", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoDirectorClusterDefaults_StartedTogether_MasterDiesAndTheSurvivorTakesOverAndKeepsRunning()
    {
        using var lab = new VrrpLab(2, output);
        var config1 = lab.Config(1, 150, advertInterval: "1");
        var config2 = lab.Config(2, 100, advertInterval: "1");
        lab.Start(1, config1);
        lab.Start(2, config2);

        await lab.WaitForSoleHolderAsync(1, [2], Startup);
        await lab.WaitForStateAsync(2, "BACKUP", Startup);

        // Whether or not the two have formed their cluster yet: a survivor whose join is stuck on the dead seed's
        // association keeps running while it is MASTER (SeedJoiner), past the 15 s stuck-join limit.
        lab.SetLink(1, up: false);
        lab.Signal(1, Tmds.Linux.LibC.SIGKILL);
        await lab.WaitForSoleHolderAsync(2, [], Takeover);

        // The cluster never takes the survivor down: no downing of the dead peer's side, no exit.
        Assert.False(lab.HasExited(2, SeedJoiner.StuckJoinLimit + TimeSpan.FromSeconds(5)), $"the survivor exited: {lab.Log(2)}");
        Assert.True(await lab.HoldsVipAsync(2), "the survivor still holds the VIP");
    }

    // Steady means one holder for two seconds running: directors with equal priorities started together may both
    // become master for the moment until their first adverts cross (keepalived does the same), then one yields.
    private static async Task<int> WaitForOneHolderAsync(VrrpLab lab, int[] nodes, TimeSpan timeout)
    {
        var holder = 0;
        var since = Stopwatch.StartNew();
        await LabCluster.WaitForAsync(
            async () =>
            {
                var holders = new List<int>();
                foreach (var node in nodes)
                {
                    if (await lab.HoldsVipAsync(node))
                        holders.Add(node);
                }

                var now = holders.Count == 1 ? holders[0] : 0;
                if (now == 0 || now != holder)
                    since.Restart();
                holder = now;
                return holder != 0 && since.Elapsed >= TimeSpan.FromSeconds(2);
            },
            timeout,
            "exactly one director holds the VIP for 2 s");
        return holder;
    }

    private static async Task AssertNeverTwoHoldersAsync(VrrpLab lab, int[] nodes, TimeSpan during)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < during)
        {
            var holders = 0;
            foreach (var node in nodes)
            {
                if (await lab.HoldsVipAsync(node))
                    holders++;
            }

            Assert.True(holders == 1, $"{holders} directors hold the VIP after {clock.Elapsed.TotalSeconds:F1} s of steady state");
            await Task.Delay(100);
        }
    }
}
