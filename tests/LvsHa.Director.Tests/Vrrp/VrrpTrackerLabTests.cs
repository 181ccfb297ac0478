using LvsHa.Director.Instances;
using LvsHa.Director.Tests.Lab;

namespace LvsHa.Director.Tests.Vrrp;

/// <summary>
/// Trackers in real `lvsha run` daemons: two directors (priorities 150/100, advert_int 0.1, guard off: nobody dies
/// here). Director 1 tracks a vrrp_script that checks a file (weight -60: 150 -> 90, below the backup's 100) and a
/// veth trk0 in its namespace (weight 0: FAULT while down). One lab run covers both, to keep CI fast.
/// </summary>
public sealed class VrrpTrackerLabTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Move = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Run_FailingTrackScriptAndTrackedLinkDown_MoveTheVipAwayAndBack()
    {
        using var lab = new VrrpLab(2, output);
        var healthy = Path.Combine(lab.Directory, "healthy");
        var check = Path.Combine(lab.Directory, "check.sh");
        File.WriteAllText(healthy, "");
        File.WriteAllText(check, $"#!/bin/sh\ntest -f {healthy}\n");
        File.SetUnixFileMode(check, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // A veth pair inside director 1's namespace (this kernel may lack the dummy module); both ends up = carrier.
        LabCommand.Run("ip", "-n", lab.Namespace(1), "link", "add", "trk0", "type", "veth", "peer", "name", "trk1");
        LabCommand.Run("ip", "-n", lab.Namespace(1), "link", "set", "trk1", "up");
        LabCommand.Run("ip", "-n", lab.Namespace(1), "link", "set", "trk0", "up");

        var preamble = $$"""
            vrrp_script chk_file {
                script "{{check}}"
                interval 0.2
                fall 2
                rise 1
            }

            """;
        const string Tracking = """
                    track_script {
                        chk_file weight -60
                    }
                    track_interface {
                        trk0
                    }
            """;
        lab.Start(1, lab.Config(1, 150, guard: "off", preamble: preamble, instanceLines: Tracking));
        lab.Start(2, lab.Config(2, 100, guard: "off"));
        await lab.WaitForSoleHolderAsync(1, [2], Startup);
        await lab.WaitForStateAsync(2, "BACKUP", Startup);
        var status = (await lab.Client(1).GetStatusAsync()).Instances[0];
        Assert.Equal(150, status.Priority);
        Assert.Equal(
            [
                new TrackerStatus("interface eth0", "UP", 0),
                new TrackerStatus("track_interface trk0", "UP", 0),
                new TrackerStatus("track_script chk_file", "UP", -60),
            ],
            status.Trackers!.OrderBy(t => t.Tracker, StringComparer.Ordinal));

        // The script fails (file gone): 150 - 60 = 90 < 100, so director 2 preempts.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        File.Delete(healthy);
        await lab.WaitForSoleHolderAsync(2, [1], Move);
        output.WriteLine($"track_script failed: VIP on director 2 after {clock.Elapsed.TotalMilliseconds:F0} ms (fall 2 x interval 0.2 s + Master_Down_Interval)");
        Assert.Equal(90, (await lab.Client(1).GetStatusAsync()).Instances[0].Priority);
        Assert.Contains("track_script chk_file UP -> DOWN, effective priority 90", lab.Log(1), StringComparison.Ordinal);

        // It passes again: back to 150, director 1 preempts.
        clock.Restart();
        File.WriteAllText(healthy, "");
        await lab.WaitForSoleHolderAsync(1, [2], Move);
        output.WriteLine($"track_script passed again: VIP back on director 1 after {clock.Elapsed.TotalMilliseconds:F0} ms");

        // The tracked interface goes down: director 1 enters FAULT (priority-0 advert), director 2 takes over.
        clock.Restart();
        LabCommand.Run("ip", "-n", lab.Namespace(1), "link", "set", "trk0", "down");
        await lab.WaitForSoleHolderAsync(2, [1], Move);
        output.WriteLine($"track_interface down: VIP on director 2 after {clock.Elapsed.TotalMilliseconds:F0} ms");
        await lab.WaitForStateAsync(1, "FAULT", Move);

        clock.Restart();
        LabCommand.Run("ip", "-n", lab.Namespace(1), "link", "set", "trk0", "up");
        await lab.WaitForSoleHolderAsync(1, [2], Move);
        output.WriteLine($"track_interface up: VIP back on director 1 after {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    /// <summary>
    /// track_file with keepalived's own syntax and defaults (advert_int 1, no cluster block), keepalived 2.2.7 as the
    /// peer: lvsha (priority 150) tracks a weighted file (weight -10) and a weight-0 file; keepalived (100) preempts
    /// whenever lvsha's priority drops below it or lvsha faults, and lvsha takes the VIP back when the files allow.
    /// </summary>
    [Fact]
    public async Task Run_TrackFile_WeightedNumberAndWeightZeroFault_MoveTheVipToKeepalivedAndBack()
    {
        using var lab = new VrrpLab(2, output);
        var load = Path.Combine(lab.Directory, "load");
        var maintenance = Path.Combine(lab.Directory, "maintenance");
        string Conf(int priority, string tracking) => $$"""
            track_file load {
                file {{load}}
                weight -10
                init_file 0
            }
            track_file maintenance {
                file {{maintenance}}
            }
            vrrp_instance VI_1 {
                state BACKUP
                interface eth0
                virtual_router_id 51
                priority {{priority}}
                advert_int 1
            {{tracking}}
                virtual_ipaddress {
                    {{lab.Vip}}/24 dev eth0
                }
            }

            """;
        lab.Start(1, lab.WriteFile("d1.conf", Conf(150, "    track_file {\n        load\n        maintenance weight 0\n    }")));
        lab.StartKeepalived(2, lab.WriteFile("ka2.conf", Conf(100, "")));
        await lab.WaitForSoleHolderAsync(1, [2], Startup);
        Assert.Equal("0\n", File.ReadAllText(load)); // init_file wrote it; maintenance has none and reads as 0
        var status = (await lab.Client(1).GetStatusAsync()).Instances[0];
        Assert.Equal(150, status.Priority);
        Assert.Contains(new TrackerStatus("track_file load", "0", -10), status.Trackers!);
        Assert.Contains(new TrackerStatus("track_file maintenance", "0", 0), status.Trackers!);

        // 6 x -10: 150 - 60 = 90 < 100, keepalived preempts.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        File.WriteAllText(load, "6\n");
        await lab.WaitForSoleHolderAsync(2, [1], Move);
        output.WriteLine($"track_file load 6: VIP on keepalived after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(90, (await lab.Client(1).GetStatusAsync()).Instances[0].Priority);
        Assert.Contains("track_file load 0 -> 6, effective priority 90", lab.Log(1), StringComparison.Ordinal);

        clock.Restart();
        File.WriteAllText(load, "0\n");
        await lab.WaitForSoleHolderAsync(1, [2], Move);
        output.WriteLine($"track_file load 0: VIP back on lvsha after {clock.Elapsed.TotalMilliseconds:F0} ms");

        // Weight 0: a non-zero number faults the instance (its priority-0 advert hands over at once).
        clock.Restart();
        File.WriteAllText(maintenance, "1\n");
        await lab.WaitForSoleHolderAsync(2, [1], Move);
        await lab.WaitForStateAsync(1, "FAULT", Move);
        output.WriteLine($"track_file maintenance 1: VIP on keepalived after {clock.Elapsed.TotalMilliseconds:F0} ms");

        // Deleted reads as 0: out of FAULT and master again.
        clock.Restart();
        File.Delete(maintenance);
        await lab.WaitForSoleHolderAsync(1, [2], Move);
        output.WriteLine($"track_file maintenance deleted: VIP back on lvsha after {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    /// <summary>
    /// A track_file written in a vrrp_sync_group (keepalived 2.2.7 syntax and defaults, keepalived as the peer with
    /// the same group): it counts, with its weight, for both members, so both VIPs move to keepalived together when
    /// the number drops lvsha's priority below keepalived's, and come back together.
    /// </summary>
    [Fact]
    public async Task Run_SyncGroupTrackFile_BothMembersMoveToKeepalivedAndBack()
    {
        using var lab = new VrrpLab(2, output);
        var load = Path.Combine(lab.Directory, "load");
        var secondVip = lab.Address(51);
        string Conf(int priority, string tracking) => $$"""
            track_file load {
                file {{load}}
                weight -10
                init_file 0
            }
            vrrp_sync_group G {
                group {
                    VI_1
                    VI_2
                }
            {{tracking}}
            }
            vrrp_instance VI_1 {
                state BACKUP
                interface eth0
                virtual_router_id 51
                priority {{priority}}
                virtual_ipaddress {
                    {{lab.Vip}}/24 dev eth0
                }
            }
            vrrp_instance VI_2 {
                state BACKUP
                interface eth0
                virtual_router_id 52
                priority {{priority}}
                virtual_ipaddress {
                    {{secondVip}}/24 dev eth0
                }
            }

            """;
        lab.Start(1, lab.WriteFile("d1.conf", Conf(150, "    track_file {\n        load\n    }")));
        lab.StartKeepalived(2, lab.WriteFile("ka2.conf", Conf(100, "")));
        await lab.WaitForSoleHolderAsync(1, [2], Startup);
        await LabCluster.WaitForAsync(async () => await lab.HoldsAsync(1, secondVip) && !await lab.HoldsAsync(2, secondVip), Startup, $"director 1 holds {secondVip}\n{lab.Log(1)}");
        var instances = (await lab.Client(1).GetStatusAsync()).Instances;
        Assert.All(instances, i => Assert.Contains(new TrackerStatus("track_file load", "0", -10), i.Trackers!));

        // 6 x -10: both members drop to 90 < 100, keepalived takes both VIPs.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        File.WriteAllText(load, "6\n");
        await lab.WaitForSoleHolderAsync(2, [1], Move);
        await LabCluster.WaitForAsync(async () => await lab.HoldsAsync(2, secondVip) && !await lab.HoldsAsync(1, secondVip), Move, $"keepalived holds {secondVip}\n{lab.Log(1)}");
        output.WriteLine($"sync group track_file load 6: both VIPs on keepalived after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.All((await lab.Client(1).GetStatusAsync()).Instances, i => Assert.Equal(90, i.Priority));

        clock.Restart();
        File.WriteAllText(load, "0\n");
        await lab.WaitForSoleHolderAsync(1, [2], Move);
        await LabCluster.WaitForAsync(async () => await lab.HoldsAsync(1, secondVip) && !await lab.HoldsAsync(2, secondVip), Move, $"director 1 holds {secondVip} again\n{lab.Log(1)}");
        output.WriteLine($"sync group track_file load 0: both VIPs back on lvsha after {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    /// <summary>
    /// The same weight-0 track_file run the other way round: keepalived 2.2.7 (150) tracks the file and lvsha (100) is
    /// its peer, so the times printed here and by the test above compare keepalived's reaction to a file with lvsha's.
    /// </summary>
    [Fact]
    public async Task RunKeepalived_TrackFileWeightZero_LvshaPeerTakesTheVipAndGivesItBack()
    {
        using var lab = new VrrpLab(2, output);
        var maintenance = Path.Combine(lab.Directory, "maintenance");
        string Conf(int priority, string tracking) => $$"""
            track_file maintenance {
                file {{maintenance}}
                weight 0
            }
            vrrp_instance VI_1 {
                state BACKUP
                interface eth0
                virtual_router_id 51
                priority {{priority}}
                advert_int 1
            {{tracking}}
                virtual_ipaddress {
                    {{lab.Vip}}/24 dev eth0
                }
            }

            """;
        lab.StartKeepalived(1, lab.WriteFile("ka1.conf", Conf(150, "    track_file {\n        maintenance\n    }")));
        lab.Start(2, lab.WriteFile("d2.conf", Conf(100, "")));
        await lab.WaitForSoleHolderAsync(1, [2], Startup);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        File.WriteAllText(maintenance, "1\n");
        await lab.WaitForSoleHolderAsync(2, [1], Move);
        output.WriteLine($"keepalived's track_file maintenance 1: VIP on lvsha after {clock.Elapsed.TotalMilliseconds:F0} ms");

        clock.Restart();
        File.Delete(maintenance);
        await lab.WaitForSoleHolderAsync(1, [2], Move);
        output.WriteLine($"keepalived's track_file maintenance deleted: VIP back on keepalived after {clock.Elapsed.TotalMilliseconds:F0} ms");
    }
}
