using LvsHa.Director.Instances;
using LvsHa.Director.Tests.Lab;

namespace LvsHa.Director.Tests.Vrrp;

/// <summary>
/// Reloads that change VIPs, applied by real `lvsha run` daemons with keepalived's defaults (VRRPv2, advert_int 1, no
/// cluster block): director 1 (priority 150) masters VI_1 and VI_2, director 2 (100) backs them up; both are reloaded
/// one after the other, as an operator does. VIPs are added, moved between instances and removed without a
/// transition; a moved VIP never leaves the master's interface; a priority change counts at once; what a running
/// instance cannot take is reported, not applied.
/// </summary>
[Trait("Category", "Lab")]
[Collection("DirectorLab")]
public sealed class VrrpReloadLabTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Reload_VipsAndPriority_AppliedInPlaceWithoutTransitionsAndAMovedVipNeverLeaves()
    {
        using var lab = new VrrpLab(2, output);
        var (a, b, c, d) = (lab.Address(50), lab.Address(51), lab.Address(52), lab.Address(53));
        var configs = new[] { 1, 2 }.ToDictionary(n => n, n => lab.WriteFile($"d{n}.conf", Config(n == 1 ? 150 : 100, [a], [b])));
        lab.Start(1, configs[1]);
        lab.Start(2, configs[2]);
        await WaitForAsync(lab, 1, [a, b], []);
        await lab.WaitForStateAsync(2, "BACKUP", Startup);
        var before = await SinceAsync(lab);

        // Added to VI_1.
        Reload(lab, configs, Config(0, [a, c], [b]));
        await WaitForAsync(lab, 1, [a, b, c], []);
        Assert.Equal([a, c], (await Instance(lab, 1, "VI_1")).Vips);

        // Moved from VI_1 to VI_2, while its presence on director 1 is sampled.
        using var stop = new CancellationTokenSource();
        var absent = 0;
        var samples = 0;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                samples++;
                if (!await lab.HoldsAsync(1, c))
                    absent++;
            }
        });
        Reload(lab, configs, Config(0, [a], [b, c]));
        await LabCluster.WaitForAsync(async () => (await Instance(lab, 1, "VI_2")).Vips!.Contains(c), TimeSpan.FromSeconds(10), "VI_2 holds the moved VIP");
        await Task.Delay(1000);
        await stop.CancelAsync();
        await sampler;
        output.WriteLine($"moved VIP {c}: absent in {absent} of {samples} samples during the reload");
        Assert.Equal(0, absent);
        Assert.True(samples > 20, $"only {samples} samples");
        Assert.Equal([a], (await Instance(lab, 1, "VI_1")).Vips);

        // Replaced in VI_1: the old one leaves, the new one arrives.
        Reload(lab, configs, Config(0, [d], [b, c]));
        await WaitForAsync(lab, 1, [b, c, d], [a]);

        // No transition anywhere: every instance kept the state it entered at the start.
        Assert.Equal(before, await SinceAsync(lab));

        // Priority in place: 120 keeps director 1 master (no transition), 90 is below director 2's 100, which preempts.
        ReloadOne(lab, configs, 1, Config(120, [d], [b, c]));
        Assert.Equal(120, (await Instance(lab, 1, "VI_1")).Priority);
        Assert.Equal(before, await SinceAsync(lab));
        ReloadOne(lab, configs, 1, Config(90, [d], [b, c]));
        await WaitForAsync(lab, 2, [b, c, d], []);
        Assert.Contains("applied priority 120 -> 90, state kept", lab.Log(1), StringComparison.Ordinal);

        // What a running instance cannot take is reported as needing a restart, and not applied.
        var text = ReloadOne(lab, configs, 1, Config(90, [d], [b, c]).Replace("virtual_router_id 52", "virtual_router_id 53", StringComparison.Ordinal));
        Assert.Contains("changed vrrp_instance VI_2: takes effect at the next restart", text, StringComparison.Ordinal);
        Assert.Equal(52, (await Instance(lab, 1, "VI_2")).VirtualRouterId);
    }

    [Fact]
    public async Task Reload_AddsAndRemovesAnInstance_StartedAndStoppedAsTheDaemonDoesAndKeepalivedTakesOverAtOnce()
    {
        // keepalived (director 2, priority 100) runs VI_1 and VI_2 from the start; the LvsHa director (150) runs VI_1.
        using var lab = new VrrpLab(2, output);
        var (a, b) = (lab.Address(50), lab.Address(51));
        var keepalived = $"global_defs {{\n    router_id lab\n}}\n{Instance("VI_1", 51, 100, [a])}{Instance("VI_2", 52, 100, [b])}";
        lab.StartKeepalived(2, lab.WriteFile("ka.conf", keepalived));
        var config = lab.WriteFile("d1.conf", Instance("VI_1", 51, 150, [a]));
        lab.Start(1, config);
        await LabCluster.WaitForAsync(
            async () => await lab.HoldsAsync(1, a) && !await lab.HoldsAsync(2, a) && await lab.HoldsAsync(2, b),
            Startup, $"director 1 holds {a}, keepalived {b}\n{lab.Log(1)}\n--- keepalived\n{lab.Log(2)}");
        var vi1 = await Instance(lab, 1, "VI_1");
        Assert.Equal("MASTER", vi1.State);

        // Added: started as BACKUP, it preempts keepalived (lower priority) and takes its VIP.
        File.WriteAllText(config, Instance("VI_1", 51, 150, [a]) + Instance("VI_2", 52, 150, [b]));
        var (code, reply) = VrrpLab.Lvsha("reload", "--control-socket", lab.SocketPath(1));
        Assert.True(code == 0, reply);
        Assert.DoesNotContain("next restart", reply, StringComparison.Ordinal);
        Assert.Contains("vrrp_instance VI_2 added", reply, StringComparison.Ordinal);
        Assert.Contains("Reload: vrrp_instance VI_2 added, starting as BACKUP", lab.Log(1), StringComparison.Ordinal);
        await LabCluster.WaitForAsync(
            async () => await lab.HoldsAsync(1, b) && !await lab.HoldsAsync(2, b),
            TimeSpan.FromSeconds(15), $"director 1 holds {b}, keepalived no longer\n{lab.Log(1)}\n--- keepalived\n{lab.Log(2)}");
        var vi2 = await Instance(lab, 1, "VI_2");
        Assert.Equal(("MASTER", 52), (vi2.State, vi2.VirtualRouterId));
        Assert.Equal([b], vi2.Vips!);
        Assert.Equal((vi1.State, vi1.Since), ((await Instance(lab, 1, "VI_1")).State, (await Instance(lab, 1, "VI_1")).Since));

        // Removed: its priority-0 advert makes keepalived take over at once (Skew_Time, not Master_Down_Interval).
        File.WriteAllText(config, Instance("VI_1", 51, 150, [a]));
        (code, reply) = VrrpLab.Lvsha("reload", "--control-socket", lab.SocketPath(1));
        Assert.True(code == 0, reply);
        Assert.DoesNotContain("next restart", reply, StringComparison.Ordinal);
        await LabCluster.WaitForAsync(async () => !await lab.HoldsAsync(1, b), TimeSpan.FromSeconds(10), $"director 1 released {b}\n{lab.Log(1)}");
        var takeover = await LabCluster.WaitForAsync(
            async () => await lab.HoldsAsync(2, b), TimeSpan.FromSeconds(10), $"keepalived holds {b} again\n{lab.Log(1)}\n--- keepalived\n{lab.Log(2)}");
        output.WriteLine($"keepalived held {b} {takeover.TotalSeconds:F2} s after director 1 released it");
        // Without the priority-0 advert keepalived would wait out Master_Down_Interval (3.6 s at advert_int 1).
        Assert.True(takeover < TimeSpan.FromSeconds(1.5), $"keepalived took {takeover} to take over: no priority-0 advert?");
        Assert.Contains("Reload: vrrp_instance VI_2 removed, VIPs released (it was MASTER)", lab.Log(1), StringComparison.Ordinal);
        var status = await lab.Client(1).GetStatusAsync();
        Assert.Equal(["VI_1"], status.Instances.Select(i => i.Name));
        Assert.Equal((vi1.State, vi1.Since), (status.Instances[0].State, status.Instances[0].Since));
        Assert.True(await lab.HoldsAsync(1, a) && !await lab.HoldsAsync(2, a), "VI_1 stays with director 1");
    }

    /// <summary>
    /// Tracker changes reloaded into running instances, keepalived 2.2.7 (priority 100) as the peer of both VI_1 and
    /// VI_2, keepalived's defaults (advert_int 1, VRRPv2, no cluster block). Director 1 (150) masters both. A weighted
    /// track_file that reads 6 (6 x -10: 150 -> 90) added to VI_1 gives its VIP to keepalived; replaced by a failing
    /// track_script (weight -60) it stays with keepalived (the script's INIT in between does not take it back); with
    /// the trackers gone VI_1 preempts again. VI_2 is never touched: 0 transitions. An instance added with a failing
    /// weight-0 track_script starts with it and goes to FAULT, never master.
    /// </summary>
    [Fact]
    public async Task Reload_TrackersOfARunningMaster_AppliedInPlace_KeepalivedTakesOverAndGivesBack_UntouchedInstanceNoTransition()
    {
        using var lab = new VrrpLab(2, output);
        var (a, b, c) = (lab.Address(50), lab.Address(51), lab.Address(52));
        var load = lab.WriteFile("load", "6\n");
        const string Blocks = """
            vrrp_script chk {
                script /bin/false
            }

            """;
        var fileBlock = $"track_file load {{\n    file {load}\n    weight -10\n}}\n";
        string Conf(string vi1Tracking, string extra = "") =>
            Blocks + fileBlock + InstanceTracking("VI_1", 51, 150, [a], vi1Tracking) + Instance("VI_2", 52, 150, [b]) + extra;
        lab.StartKeepalived(2, lab.WriteFile("ka.conf", $"global_defs {{\n    router_id lab\n}}\n{Instance("VI_1", 51, 100, [a])}{Instance("VI_2", 52, 100, [b])}"));
        var config = lab.WriteFile("d1.conf", Conf(""));
        lab.Start(1, config);
        await LabCluster.WaitForAsync(
            async () => await lab.HoldsAsync(1, a) && await lab.HoldsAsync(1, b) && !await lab.HoldsAsync(2, a) && !await lab.HoldsAsync(2, b),
            Startup, $"director 1 holds {a} and {b}\n{lab.Log(1)}\n--- keepalived\n{lab.Log(2)}");
        var vi2 = await Instance(lab, 1, "VI_2");
        Assert.Equal("MASTER", vi2.State);

        // track_file added to the running master: 150 - 60 = 90 < 100, keepalived preempts (its Master_Down_Interval).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var reply = ReloadWith(lab, config, Conf("    track_file {\n        load\n    }\n"));
        Assert.DoesNotContain("next restart", reply, StringComparison.Ordinal);
        Assert.Contains("Reload: vrrp_instance VI_1 trackers changed: track_file load added (weight -10)", lab.Log(1), StringComparison.Ordinal);
        var moved = await LabCluster.WaitForAsync(
            async () => await lab.HoldsAsync(2, a) && !await lab.HoldsAsync(1, a), Startup, $"keepalived holds {a}\n{lab.Log(1)}\n--- keepalived\n{lab.Log(2)}");
        output.WriteLine($"track_file load (6 x -10) added by reload: {a} on keepalived {clock.Elapsed.TotalMilliseconds:F0} ms after the reload began ({moved.TotalMilliseconds:F0} ms after it returned)");
        var vi1 = await Instance(lab, 1, "VI_1");
        Assert.Equal(("BACKUP", 90), (vi1.State, vi1.Priority));
        Assert.Contains(new TrackerStatus("track_file load", "6", -10), vi1.Trackers!);

        // Replaced by a failing weighted script: still 90, VI_1 stays backup (no transition while the script is new).
        var since = vi1.Since;
        reply = ReloadWith(lab, config, Conf("    track_script {\n        chk weight -60\n    }\n"));
        Assert.DoesNotContain("next restart", reply, StringComparison.Ordinal);
        Assert.Contains("trackers changed: track_script chk added (weight -60), track_file load removed", lab.Log(1), StringComparison.Ordinal);
        await LabCluster.WaitForAsync(
            async () => (await Instance(lab, 1, "VI_1")).Trackers!.Contains(new TrackerStatus("track_script chk", "DOWN", -60)), TimeSpan.FromSeconds(10), lab.Log(1));
        await Task.Delay(TimeSpan.FromSeconds(4)); // longer than keepalived's Master_Down_Interval (3.6 s)
        vi1 = await Instance(lab, 1, "VI_1");
        Assert.Equal(("BACKUP", 90, since), (vi1.State, vi1.Priority, vi1.Since));
        Assert.True(await lab.HoldsAsync(2, a) && !await lab.HoldsAsync(1, a), "keepalived keeps " + a);

        // Trackers gone: 150 again, director 1 preempts.
        clock.Restart();
        ReloadWith(lab, config, Conf(""));
        await LabCluster.WaitForAsync(
            async () => await lab.HoldsAsync(1, a) && !await lab.HoldsAsync(2, a), Startup, $"director 1 holds {a} again\n{lab.Log(1)}");
        output.WriteLine($"trackers removed by reload: {a} back on director 1 after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(150, (await Instance(lab, 1, "VI_1")).Priority);

        // Added with a failing weight-0 script: started with it, FAULT, its VIP never on the interface.
        reply = ReloadWith(lab, config, Conf("", InstanceTracking("VI_3", 53, 150, [c], "    track_script {\n        chk weight 0\n    }\n")));
        Assert.DoesNotContain("next restart", reply, StringComparison.Ordinal);
        await LabCluster.WaitForAsync(async () => (await Instance(lab, 1, "VI_3")).State == "FAULT", TimeSpan.FromSeconds(10), lab.Log(1));
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal("FAULT", (await Instance(lab, 1, "VI_3")).State);
        Assert.False(await lab.HoldsAsync(1, c), $"VI_3 in FAULT holds {c}");

        // VI_2 was never touched: the state and the time it entered it at the start, no transition since.
        var after = await Instance(lab, 1, "VI_2");
        Assert.Equal((vi2.State, vi2.Since), (after.State, after.Since));
        Assert.True(await lab.HoldsAsync(1, b) && !await lab.HoldsAsync(2, b), $"director 1 keeps {b}");
    }

    /// <summary>
    /// vrrp_sync_group membership reloaded into a running pair (keepalived's defaults, director 1 an LvsHa director at
    /// priority 150 masters VI_1, VI_2 and VI_3, director 2 at 100 backs them up), both reloaded at once. Director 2 is
    /// an LvsHa director, or keepalived 2.2.7 reloaded by SIGHUP with the same file (an operator migrating one director
    /// at a time). VI_3 joins G (VI_1, VI_2), then leaves it: no instance changes state at either reload (each group's
    /// members already share a state, so keepalived moves none either). Between the two the group acts as one: VI_3's
    /// weight-0 track_file failing on director 1 takes all three to FAULT there and director 2 takes all three VIPs;
    /// after VI_3 left, the same fault moves only VI_3's VIP (a keepalived peer whose file still had VI_3 in G never
    /// took VI_3's VIP alone: this wait timed out, tried once). A new instance joining G in FAULT then takes the group
    /// to FAULT.
    /// </summary>
    [Theory]
    [InlineData(Peer.Lvsha)]
    [InlineData(Peer.Keepalived)]
    public async Task Reload_InstanceJoinsAndLeavesASyncGroup_NoTransition_TheGroupFailsOverAsOne(Peer peer)
    {
        using var lab = new VrrpLab(2, output);
        var (a, b, c) = (lab.Address(50), lab.Address(51), lab.Address(52));
        var down = new[] { 1, 2 }.ToDictionary(n => n, n => lab.WriteFile($"down{n}", "0\n"));
        var keepalived = peer == Peer.Keepalived;
        string Conf(int node, string[] members) =>
            (keepalived && node == 2 ? "global_defs {\n    router_id lab\n}\n" : "")
            + $"track_file down {{\n    file {down[node]}\n    weight 0\n}}\n"
            + $"vrrp_sync_group G {{\n    group {{\n{string.Concat(members.Select(m => $"        {m}\n"))}    }}\n}}\n"
            + Instance("VI_1", 51, node == 1 ? 150 : 100, [a]) + Instance("VI_2", 52, node == 1 ? 150 : 100, [b])
            + InstanceTracking("VI_3", 53, node == 1 ? 150 : 100, [c], "    track_file {\n        down\n    }\n");
        var configs = new[] { 1, 2 }.ToDictionary(n => n, n => lab.WriteFile($"d{n}.conf", Conf(n, ["VI_1", "VI_2"])));
        lab.Start(1, configs[1]);
        if (keepalived)
            lab.StartKeepalived(2, configs[2]);
        else
            lab.Start(2, configs[2]);
        await WaitForAsync(lab, 1, [a, b, c], []);
        if (!keepalived)
            await lab.WaitForStateAsync(2, "BACKUP", Startup);

        // VI_3 joins: every member is master on director 1 and backup on director 2, nobody moves.
        var before = await TransitionsAsync(lab, peer);
        var replies = Reload(lab, configs, peer, node => Conf(node, ["VI_1", "VI_2", "VI_3"]));
        Assert.All(replies, r => Assert.Contains("vrrp_sync_group G: VI_3 joined", r, StringComparison.Ordinal));
        Assert.Contains("Reload: vrrp_sync_group G: VI_3 joined applied", lab.Log(1), StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(before, await TransitionsAsync(lab, peer));

        // The group acts as one: VI_3's fault takes VI_1 and VI_2 along, director 2 takes all three VIPs.
        File.WriteAllText(down[1], "1\n");
        await WaitForAsync(lab, 2, [a, b, c], []);
        Assert.All((await lab.Client(1).GetStatusAsync()).Instances, i => Assert.Equal("FAULT", i.State));
        Assert.Contains("vrrp_sync_group G: syncing VI_1 to FAULT", lab.Log(1), StringComparison.Ordinal);
        File.WriteAllText(down[1], "0\n");
        await WaitForAsync(lab, 1, [a, b, c], []);

        // VI_3 leaves: again nobody moves; its fault is its own now.
        before = await TransitionsAsync(lab, peer);
        replies = Reload(lab, configs, peer, node => Conf(node, ["VI_1", "VI_2"]));
        Assert.All(replies, r => Assert.Contains("vrrp_sync_group G: VI_3 left", r, StringComparison.Ordinal));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(before, await TransitionsAsync(lab, peer));
        var kept = (await lab.Client(1).GetStatusAsync()).Instances.Where(i => i.Name != "VI_3").Select(i => (i.Name, i.State, i.Since)).ToList();
        File.WriteAllText(down[1], "1\n");
        await LabCluster.WaitForAsync(
            async () => await lab.HoldsAsync(2, c) && !await lab.HoldsAsync(1, c), Startup, $"director 2 holds {c}\n{lab.Log(1)}\n--- d2\n{lab.Log(2)}");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(kept, (await lab.Client(1).GetStatusAsync()).Instances.Where(i => i.Name != "VI_3").Select(i => (i.Name, i.State, i.Since)).ToList());
        Assert.True(await lab.HoldsAsync(1, a) && await lab.HoldsAsync(1, b) && !await lab.HoldsAsync(2, a) && !await lab.HoldsAsync(2, b), $"director 1 keeps {a} and {b}");

        // A new instance added to G on director 1 with its track_file failing: logged as the FAULT it starts in, and it
        // takes G along (keepalived: a group with a member in fault is FAULT), director 2 takes G's VIPs.
        var d = lab.Address(53);
        ReloadWith(lab, configs[1], Conf(1, ["VI_1", "VI_2", "VI_4"]) + InstanceTracking("VI_4", 54, 150, [d], "    track_file {\n        down\n    }\n"));
        Assert.Contains("Reload: vrrp_instance VI_4 added, starting as FAULT", lab.Log(1), StringComparison.Ordinal);
        await WaitForAsync(lab, 2, [a, b, c], [d]);
        Assert.All((await lab.Client(1).GetStatusAsync()).Instances, i => Assert.Equal("FAULT", i.State));
        Assert.False(await lab.HoldsAsync(1, d), $"VI_4 in FAULT holds {d}");
    }

    /// <summary>What runs as director 2 of a reload lab.</summary>
    public enum Peer
    {
        /// <summary>An LvsHa director.</summary>
        Lvsha,

        /// <summary>keepalived 2.2.7 with the same configuration, reloaded by SIGHUP.</summary>
        Keepalived,
    }

    private static string ReloadWith(VrrpLab lab, string config, string text)
    {
        File.WriteAllText(config, text);
        var (code, reply) = VrrpLab.Lvsha("reload", "--control-socket", lab.SocketPath(1));
        Assert.True(code == 0, reply);
        return reply;
    }

    private static string InstanceTracking(string name, int vrid, int priority, string[] vips, string tracking) =>
        Instance(name, vrid, priority, vips).Replace($"    priority {priority}\n", $"    priority {priority}\n{tracking}", StringComparison.Ordinal);

    private static string ReloadOne(VrrpLab lab, Dictionary<int, string> configs, int node, string text)
    {
        File.WriteAllText(configs[node], text);
        var (code, reply) = VrrpLab.Lvsha("reload", "--control-socket", lab.SocketPath(node));
        Assert.True(code == 0, reply);
        return reply;
    }

    /// <summary>
    /// Writes <paramref name="text"/> for both directors (with their own priorities when 0 is given) and reloads both
    /// at once, as an operator's configuration management would. Reloaded one after the other, the backup could see
    /// the master's new VIP list for longer than Master_Down_Interval while the CLI and the reload of the first took
    /// their time on a busy host, and take over (the advert's addresses no longer match its own).
    /// </summary>
    private static void Reload(VrrpLab lab, Dictionary<int, string> configs, string text) =>
        Reload(lab, configs, Peer.Lvsha, node => text.Replace("priority 0", $"priority {(node == 1 ? 150 : 100)}", StringComparison.Ordinal));

    // As above with each director's own text; returns the LvsHa directors' replies. A keepalived peer is reloaded by
    // SIGHUP at the same moment, and waited for until it logs the reload's end.
    private static List<string> Reload(VrrpLab lab, Dictionary<int, string> configs, Peer peer, Func<int, string> text)
    {
        int[] nodes = [1, 2];
        foreach (var node in nodes)
            File.WriteAllText(configs[node], text(node));
        var keepalived = peer == Peer.Keepalived;
        var lvshaNodes = keepalived ? [1] : nodes;
        var keepalivedReloads = keepalived ? KeepalivedReloads(lab) : 0;
        if (keepalived)
            lab.Signal(2, 1); // SIGHUP
        var replies = lvshaNodes.AsParallel().AsOrdered().WithDegreeOfParallelism(nodes.Length)
            .Select(node => VrrpLab.Lvsha("reload", "--control-socket", lab.SocketPath(node))).ToList();
        if (keepalived)
        {
            LabCluster.WaitForAsync(() => Task.FromResult(KeepalivedReloads(lab) > keepalivedReloads), TimeSpan.FromSeconds(10),
                $"keepalived reloaded\n{lab.Log(2)}").GetAwaiter().GetResult();
        }

        foreach (var (code, reply) in replies)
        {
            Assert.True(code == 0, reply);
            Assert.DoesNotContain("next restart", reply, StringComparison.Ordinal);
        }

        return replies.Select(r => r.Output).ToList();
    }

    private static string Config(int priority, string[] vips1, string[] vips2) => $"{Instance("VI_1", 51, priority, vips1)}\n{Instance("VI_2", 52, priority, vips2)}";

    private static string Instance(string name, int vrid, int priority, string[] vips) => $$"""
        vrrp_instance {{name}} {
            state BACKUP
            interface eth0
            virtual_router_id {{vrid}}
            priority {{priority}}
            virtual_ipaddress {
        {{string.Concat(vips.Select(v => $"        {v}/24 dev eth0\n"))}}    }
        }

        """;

    private static async Task<InstanceStatus> Instance(VrrpLab lab, int node, string name) =>
        (await lab.Client(node).GetStatusAsync()).Instances.Single(i => i.Name == name);

    /// <summary>
    /// The state transitions so far: each LvsHa director's instances with the time they entered their state, and for a
    /// keepalived peer the number of times it logged entering MASTER or FAULT (a backup that stays backup logs neither).
    /// </summary>
    private static async Task<string> TransitionsAsync(VrrpLab lab, Peer peer)
    {
        if (peer == Peer.Lvsha)
            return await SinceAsync(lab);
        var states = (await lab.Client(1).GetStatusAsync()).Instances.Select(i => $"d1 {i.Name} {i.State} {i.Since:O}");
        var keepalived = lab.Log(2).Split('\n').Count(l => l.Contains("Entering MASTER STATE", StringComparison.Ordinal)
            || l.Contains("Entering FAULT STATE", StringComparison.Ordinal));
        return string.Join("\n", states.Append($"keepalived entered MASTER or FAULT {keepalived} times"));
    }

    // keepalived's VRRP process logs this line when it has applied a SIGHUP.
    private static int KeepalivedReloads(VrrpLab lab) =>
        lab.Log(2).Split('\n').Count(l => l.Contains("Reload complete", StringComparison.Ordinal));

    private static async Task<string> SinceAsync(VrrpLab lab)
    {
        var states = new List<string>();
        foreach (var node in new[] { 1, 2 })
            states.AddRange((await lab.Client(node).GetStatusAsync()).Instances.Select(i => $"d{node} {i.Name} {i.State} {i.Since:O}"));
        return string.Join("\n", states);
    }

    /// <summary>Waits until director <paramref name="node"/> holds <paramref name="held"/>, not <paramref name="gone"/>, and the other director none of them.</summary>
    private static Task<TimeSpan> WaitForAsync(VrrpLab lab, int node, string[] held, string[] gone) =>
        LabCluster.WaitForAsync(
            async () =>
            {
                foreach (var vip in held)
                {
                    if (!await lab.HoldsAsync(node, vip) || await lab.HoldsAsync(3 - node, vip))
                        return false;
                }

                foreach (var vip in gone)
                {
                    if (await lab.HoldsAsync(node, vip))
                        return false;
                }

                return true;
            },
            Startup,
            $"director {node} holds {string.Join(' ', held)} and not {string.Join(' ', gone)}\n--- d1\n{lab.Log(1)}\n--- d2\n{lab.Log(2)}");
}
