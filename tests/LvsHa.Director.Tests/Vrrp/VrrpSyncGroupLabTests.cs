using LvsHa.Director.Tests.Lab;

namespace LvsHa.Director.Tests.Vrrp;

/// <summary>
/// A vrrp_sync_group on the wire, with keepalived's defaults (VRRPv2, advert_int 1, no cluster block): two
/// directors run VI_1 and VI_2 in one group, director 1 at priority 150, director 2 at 100; director 1's VI_2 tracks
/// an interface. When it goes down, VI_2 enters FAULT and the group takes VI_1 along: director 2 holds both VIPs;
/// back up, director 1 takes both back. Run with LvsHa on both, and mixed with keepalived either way round (the
/// migration of a pair with sync groups, one director at a time).
/// </summary>
[Trait("Category", "Lab")]
[Collection("DirectorLab")]
public sealed class VrrpSyncGroupLabTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    // Master_Down_Interval with advert_int 1 is 3.6-4 s; a priority-0 advert makes it the skew time (0.4-0.6 s).
    private static readonly TimeSpan Move = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("lvsha", "lvsha")]
    [InlineData("keepalived", "lvsha")]
    [InlineData("lvsha", "keepalived")]
    public async Task SyncGroup_MemberTrackerFault_TheWholeGroupMovesAndComesBack(string first, string second)
    {
        using var lab = new VrrpLab(2, output);
        // A veth pair inside director 1's namespace (this kernel may lack the dummy module); both ends up = carrier.
        LabCommand.Run("ip", "-n", lab.Namespace(1), "link", "add", "trk0", "type", "veth", "peer", "name", "trk1");
        LabCommand.Run("ip", "-n", lab.Namespace(1), "link", "set", "trk1", "up");
        LabCommand.Run("ip", "-n", lab.Namespace(1), "link", "set", "trk0", "up");
        string[] vips = [lab.Address(50), lab.Address(51)];
        var daemons = new Dictionary<int, string> { [1] = first, [2] = second };
        foreach (var (node, daemon) in daemons)
        {
            var config = lab.WriteFile($"d{node}.conf", Config(vips, node == 1 ? 150 : 100, trackInterface: node == 1));
            if (daemon == "keepalived")
                lab.StartKeepalived(node, config);
            else
                lab.Start(node, config);
        }

        await WaitForHolderAsync(lab, 1, vips, Startup);
        await WaitForStatesAsync(lab, daemons, 2, "BACKUP");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        LabCommand.Run("ip", "-n", lab.Namespace(1), "link", "set", "trk0", "down");
        await WaitForHolderAsync(lab, 2, vips, Move);
        output.WriteLine($"{first}/{second}: VI_2's tracked link down on director 1, both VIPs on director 2 after {clock.Elapsed.TotalMilliseconds:F0} ms");
        await WaitForStatesAsync(lab, daemons, 1, "FAULT");
        await WaitForStatesAsync(lab, daemons, 2, "MASTER");

        clock.Restart();
        LabCommand.Run("ip", "-n", lab.Namespace(1), "link", "set", "trk0", "up");
        await WaitForHolderAsync(lab, 1, vips, Move);
        output.WriteLine($"{first}/{second}: link up again, both VIPs back on director 1 after {clock.Elapsed.TotalMilliseconds:F0} ms");
        await WaitForStatesAsync(lab, daemons, 2, "BACKUP");
    }

    private static string Config(string[] vips, int priority, bool trackInterface) => $$"""
        vrrp_sync_group G1 {
            group {
                VI_1
                VI_2
            }
        }

        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 51
            priority {{priority}}
            virtual_ipaddress {
                {{vips[0]}}/24 dev eth0
            }
        }

        vrrp_instance VI_2 {
            state BACKUP
            interface eth0
            virtual_router_id 52
            priority {{priority}}
            {{(trackInterface ? "track_interface {\n        trk0\n    }" : "")}}
            virtual_ipaddress {
                {{vips[1]}}/24 dev eth0
            }
        }

        """;

    /// <summary>Waits until director <paramref name="node"/> holds every VIP and the other director none.</summary>
    private static Task<TimeSpan> WaitForHolderAsync(VrrpLab lab, int node, string[] vips, TimeSpan timeout) =>
        LabCluster.WaitForAsync(
            async () =>
            {
                foreach (var vip in vips)
                {
                    if (!await lab.HoldsAsync(node, vip) || await lab.HoldsAsync(3 - node, vip))
                        return false;
                }

                return true;
            },
            timeout,
            $"director {node} alone holds {string.Join(" and ", vips)}\n--- d1\n{lab.Log(1)}\n--- d2\n{lab.Log(2)}");

    /// <summary>Where director <paramref name="node"/> runs LvsHa: waits until both its instances report <paramref name="state"/>.</summary>
    private static async Task WaitForStatesAsync(VrrpLab lab, Dictionary<int, string> daemons, int node, string state)
    {
        if (daemons[node] != "lvsha")
            return;
        await LabCluster.WaitForAsync(
            async () => (await lab.Client(node).GetStatusAsync()).Instances is { Count: 2 } instances && instances.All(i => i.State == state),
            Move,
            $"both instances of director {node} report {state}\n{lab.Log(node)}");
    }
}
