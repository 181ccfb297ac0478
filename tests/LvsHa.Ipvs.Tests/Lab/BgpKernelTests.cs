using System.Diagnostics;
using System.Text.Json;

namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>
/// `announce bgp` with the issue's own block and BGP at its defaults, against real BIRD 2 and the real ip_vs kernel
/// (in the VM), in a <see cref="BgpLab"/>; directors start at the same moment. What the router's kernel routes is the
/// judge: both directors' routes become one ECMP route, follow the real servers' health, and leave with a stopped
/// director; three directors with `mh` and `sloppy_tcp` keep 300 long-lived connections through a director's death
/// and a graceful stop. The figures are printed (tests/lab/bench-ecmp.sh runs only these and shows them).
/// </summary>
[Trait("Category", "Kernel")]
[Collection(KernelTableCollection.Name)]
public sealed class BgpKernelTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // Health: delay_loop 1, connect_timeout 1, retry 1 x delay_before_retry 1, then the IPVS write and the BGP
    // withdrawal; generous for the emulated VM.
    private static readonly TimeSpan HealthBound = TimeSpan.FromSeconds(15);

    [Fact]
    public void AnnounceBgp_TwoDirectors_EcmpFollowsHealthAndStop()
    {
        using var lab = new BgpLab(directors: 2, realServers: 1, output);
        lab.StartHttpd(1);
        lab.StartDirectors();
        var both = lab.WaitForNextHops([1, 2], LvshaDaemon.StartLimit, "both directors' routes in the router's kernel (ECMP)");
        output.WriteLine($"ECMP route with both directors {both.TotalSeconds:0.0} s after the start");

        // The data path: client -> router -> a director (IPVS, mh, DR) -> the real server, which answers from the VIP.
        Assert.Contains("lvsha-bgp-real-server", Get(lab), StringComparison.Ordinal);

        // The real server dies: neither director can forward, both withdraw; it returns: both announce again.
        lab.KillRealServer(1);
        var withdrawn = lab.WaitForNextHops([], HealthBound, "the route withdrawn once the only real server is dead");
        lab.StartHttpd(1);
        var back = lab.WaitForNextHops([1, 2], HealthBound, "the route back once the real server answers again");
        output.WriteLine($"real server killed: route gone after {withdrawn.TotalSeconds:0.0} s; restarted: both next hops back after {back.TotalSeconds:0.0} s");
        foreach (var (node, director) in lab.Running)
            Assert.True(director.Logged($"BGP: withdrew {BgpLab.Vip}/32 from {lab.RouterSide(node)} (no real server can take its traffic)"), director.Log);

        // A reload takes a changed bgp block in place: the same BIRD re-reads its file and restarts the changed session.
        var bird = File.ReadAllText(Path.Combine(lab.Folder, "d2", "bird", "bird.pid"));
        lab.Config(2, bgpExtra: "hold_time 30");
        Assert.Contains("bgp block reloaded", lab.Lvsha(2, "reload"), StringComparison.Ordinal);
        Assert.True(lab.Running[2].Logged("BGP: bgp block reloaded"), lab.Running[2].Log);
        Assert.Contains("hold time 30;", lab.BirdConfig(2), StringComparison.Ordinal);
        var resumed = lab.WaitForNextHops([1, 2], LvshaDaemon.StartLimit, "both directors' routes after director 2's BIRD took the new hold time");
        Assert.Equal(bird, File.ReadAllText(Path.Combine(lab.Folder, "d2", "bird", "bird.pid")));

        // A reload that drops `announce bgp` withdraws director 2's route and takes the VIP off its lo; one that
        // brings it back puts it on lo and announces it again.
        lab.Config(2, bgpExtra: "hold_time 30", announce: false);
        lab.Lvsha(2, "reload");
        var dropped = lab.WaitForNextHops([1], HealthBound, "only director 1's route once director 2 no longer announces the VIP");
        Assert.True(lab.Running[2].Logged($"BGP: withdrew {BgpLab.Vip}/32 from {lab.RouterSide(2)} (its virtual server no longer says announce bgp)"), lab.Running[2].Log);
        WaitUntil(() => !lab.VipOnLoopback(2), "the VIP off director 2's lo", lab);
        lab.Config(2, bgpExtra: "hold_time 30");
        lab.Lvsha(2, "reload");
        var returned = lab.WaitForNextHops([1, 2], HealthBound, "both directors' routes once director 2 announces the VIP again");
        Assert.True(lab.VipOnLoopback(2), lab.Running[2].Log);
        output.WriteLine($"reloads on director 2: new hold time, both routes after {resumed.TotalSeconds:0.0} s; announce bgp dropped, route gone after {dropped.TotalSeconds:0.0} s; back after {returned.TotalSeconds:0.0} s");

        // A director stopped as systemd does withdraws its route, and the other keeps the VIP reachable.
        var stop = Stopwatch.StartNew();
        lab.Running[1].Stop();
        output.WriteLine($"director 1 stopped (SIGTERM to exit: {stop.Elapsed.TotalSeconds:0.0} s)");
        lab.WaitForNextHops([2], TimeSpan.FromSeconds(5), "only director 2's route after director 1 stopped");
        Assert.True(lab.Running[1].Logged($"BGP: withdrew {BgpLab.Vip}/32 from {lab.RouterSide(1)} (the director is stopping)"), lab.Running[1].Log);
        Assert.Contains("lvsha-bgp-real-server", Get(lab), StringComparison.Ordinal);
        Assert.False(lab.Running[2].HasExited, lab.Running[2].Log);
        // No BGP trouble on the director that stayed, reloads included.
        Assert.DoesNotContain("WRN d2 LvsHa.Bgp", lab.Running[2].Log, StringComparison.Ordinal);
    }

    private static void WaitUntil(Func<bool> condition, string what, BgpLab lab)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(10))
                Assert.Fail($"waited 10 s for {what}\n{lab.Logs()}");
            Thread.Sleep(100);
        }
    }

    /// <summary>
    /// Directors on the router's own segment (no point-to-point link whose loss the router would see): a dead
    /// director (link down + SIGKILL; its BIRD stays, cut off) leaves the router's route within about a second with
    /// `bfd on` on both sides, and only after the hold time (9 s) without.
    /// </summary>
    [Theory]
    [InlineData(true, 4)]
    [InlineData(false, 15)]
    public void AnnounceBgp_SharedSegment_DeadDirectorLeavesWithBfdAtOnceElseAfterTheHoldTime(bool bfd, int boundSeconds)
    {
        using var lab = new BgpLab(directors: 2, realServers: 1, output, sharedSegment: true, bfd: bfd);
        lab.StartHttpd(1);
        lab.StartDirectors();
        lab.WaitForNextHops([1, 2], LvshaDaemon.StartLimit, "both directors' routes in the router's kernel (ECMP)");
        output.WriteLine($"BIRD of director 2: {lab.BirdResidentMegabytes(2):0.0} MB resident");

        var clock = Stopwatch.StartNew();
        lab.KillDirector(1);
        var killed = clock.Elapsed;
        var gone = lab.WaitForNextHops([2], TimeSpan.FromSeconds(boundSeconds), $"director 1's route gone (bfd {(bfd ? "on" : "off")})");
        output.WriteLine($"director 1 killed on a shared segment, bfd {(bfd ? "on" : "off")} ({killed.TotalSeconds:0.00} s to kill): its route left the router {(killed + gone).TotalSeconds:0.00} s after the link went down");
        Assert.Contains("lvsha-bgp-real-server", Get(lab), StringComparison.Ordinal);
    }

    /// <summary>
    /// Three directors in a cluster at its defaults (split_brain_guard majority), started together: each announces
    /// the VIP once it is in the majority. Director 3 cut off from the others' cluster traffic (nftables; its BGP
    /// session and health checks go on) loses the majority and withdraws its route, so that a director whose view of
    /// the cluster may be stale takes no traffic; the connected two keep theirs and the VIP stays reachable.
    /// </summary>
    [Fact]
    public void AnnounceBgp_ClusterOfThree_CutOffDirectorWithdrawsOnMajorityLoss()
    {
        using var lab = new BgpLab(directors: 3, realServers: 1, output, cluster: true);
        lab.StartHttpd(1);
        lab.StartDirectors();
        var formed = lab.WaitForNextHops([1, 2, 3], LvshaDaemon.StartLimit, "all three directors' routes (each in the majority)");
        output.WriteLine($"cluster of three started together: all three routes {formed.TotalSeconds:0.0} s after the start");

        lab.CutClusterTraffic(3);
        var withdrawn = lab.WaitForNextHops([1, 2], TimeSpan.FromSeconds(30), "director 3's route withdrawn once it lost the majority");
        output.WriteLine($"director 3 cut off from the cluster: its route left the router {withdrawn.TotalSeconds:0.0} s after the cut");
        Assert.True(lab.Running[3].Logged($"BGP: withdrew {BgpLab.Vip}/32 from {lab.RouterSide(3)} (this director lost the majority of the cluster)"), lab.Logs());
        Assert.Contains("lvsha-bgp-real-server", Get(lab), StringComparison.Ordinal);
        foreach (var (node, director) in lab.Running)
            Assert.False(director.HasExited, $"director {node} exited during the cut\n{lab.Logs()}");
    }

    /// <summary>
    /// The issue's acceptance lab: three directors, three DR real servers (echo servers), a client holding 300
    /// connections. They spread over all directors; a director's death (links down + SIGKILL) loses at most 3 and
    /// new connections fail for at most 2 s; a graceful stop (SIGTERM: routes withdrawn before the table goes)
    /// loses none.
    /// </summary>
    [Fact]
    public void AnnounceBgp_ThreeDirectorsMaglev_ConnectionsSurviveDeathAndStop()
    {
        const int Connections = 300;
        using var lab = new BgpLab(directors: 3, realServers: 3, output);
        for (var k = 1; k <= 3; k++)
            lab.StartEcho(k);
        lab.StartDirectors();
        lab.WaitForNextHops([1, 2, 3], LvshaDaemon.StartLimit, "all three directors' routes in the router's kernel (ECMP)");

        using var client = new EchoClient(lab, Connections);
        Assert.Equal(Connections, client.Probe());
        var spread = Enumerable.Range(1, 3).Select(lab.EstablishedOn).ToArray();
        output.WriteLine($"{Connections} connections over the directors: {string.Join(" / ", spread)}");
        Assert.All(spread, n => Assert.True(n > 0, $"a director carries no connection: {string.Join(" / ", spread)}"));

        // Death of director 1: new connections are tried every 100 ms from just before it for 6 s.
        var clock = Stopwatch.StartNew();
        client.StartNewConnections(seconds: 6);
        lab.KillDirector(1);
        var killTook = clock.Elapsed;
        var attempts = client.NewConnections();
        var survived = client.Probe();
        var lastFailure = attempts.Failed.Count == 0 ? 0 : attempts.Failed.Max();
        output.WriteLine($"director 1 killed (links down + SIGKILL, {killTook.TotalSeconds:0.00} s): {survived} of {Connections} connections survive; "
            + $"new connections: {attempts.Failed.Count} of {attempts.Attempts} failed, the last started {lastFailure:0.00} s after the death began");
        Assert.True(survived >= Connections - 3, $"{survived} of {Connections} survived\n{lab.Logs()}");
        Assert.True(lastFailure <= killTook.TotalSeconds + 2, $"a new connection started {lastFailure:0.00} s after the death failed");
        lab.WaitForNextHops([2, 3], TimeSpan.FromSeconds(5), "directors 2 and 3 only");

        // Graceful drain of director 2 (`lvsha drain --director`): its routes go, its flows move to director 3, none
        // is lost; undrained, it announces again.
        var drain = lab.Lvsha(2, "drain", "--director");
        Assert.Contains("director drained", drain, StringComparison.Ordinal);
        lab.WaitForNextHops([3], TimeSpan.FromSeconds(5), "director 3 only, director 2 drained");
        var afterDrain = client.Probe();
        output.WriteLine($"director 2 drained (lvsha drain --director): {afterDrain} of {survived} connections survive");
        Assert.Equal(survived, afterDrain);
        Assert.Contains("DRAINED", lab.Lvsha(2, "status"), StringComparison.Ordinal);
        lab.Lvsha(2, "drain", "--director", "--undo");
        lab.WaitForNextHops([2, 3], TimeSpan.FromSeconds(5), "director 2 back after the undrain");

        // Graceful stop of director 2: its routes go first, its flows move to director 3, none is lost.
        lab.Running[2].Stop();
        lab.WaitForNextHops([3], TimeSpan.FromSeconds(5), "director 3 only");
        var afterStop = client.Probe();
        output.WriteLine($"director 2 stopped (SIGTERM): {afterStop} of {survived} connections survive");
        Assert.Equal(survived, afterStop);
        Assert.True(lab.Running[2].Logged($"BGP: withdrew {BgpLab.Vip}/32 from {lab.RouterSide(2)} (the director is drained: lvsha drain --director)"), lab.Running[2].Log);
    }

    /// <summary>An HTTP request to the VIP from the client (bash's /dev/tcp: busybox's static wget crashes in the VM).</summary>
    private static string Get(BgpLab lab) => BgpLab.Exec(lab.Ns("client"), "timeout", "10", "bash", "-c",
        $"exec 3<>/dev/tcp/{BgpLab.Vip}/{BgpLab.Port} && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3").StandardOutput;

    /// <summary>A Python client in the lab's client namespace that holds connections and answers commands on stdin.</summary>
    private sealed class EchoClient : IDisposable
    {
        private const string Script = """
            import json, select, socket, sys, threading, time
            vip, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
            conns = [socket.create_connection((vip, port), timeout=10) for _ in range(n)]
            print(json.dumps({"opened": len(conns)}), flush=True)

            def probe():
                # One byte on every connection still alive; each must come back within 5 s.
                pending = {}
                for i, s in enumerate(conns):
                    if s is None:
                        continue
                    try:
                        s.send(b"x")
                        pending[s] = i
                    except OSError:
                        conns[i] = None
                alive, deadline = 0, time.monotonic() + 5
                while pending and time.monotonic() < deadline:
                    ready, _, _ = select.select(list(pending), [], [], max(0, deadline - time.monotonic()))
                    for s in ready:
                        i = pending.pop(s)
                        try:
                            ok = s.recv(16) != b""
                        except OSError:
                            ok = False
                        if ok:
                            alive += 1
                        else:
                            conns[i] = None
                for i in pending.values():
                    conns[i] = None
                return alive

            results, lock, runner = [], threading.Lock(), None

            def new_connections(seconds):
                # A new connection every 100 ms, each with 1 s to connect and echo; the start of each is kept.
                def attempt(offset):
                    ok = False
                    try:
                        with socket.create_connection((vip, port), timeout=1) as s:
                            s.sendall(b"y")
                            ok = s.recv(1) == b"y"
                    except OSError:
                        pass
                    with lock:
                        results.append((offset, ok))
                start, threads = time.monotonic(), []
                while time.monotonic() - start < seconds:
                    t = threading.Thread(target=attempt, args=(time.monotonic() - start,))
                    t.start()
                    threads.append(t)
                    time.sleep(0.1)
                for t in threads:
                    t.join()

            for line in sys.stdin:
                command = line.split()
                if command[0] == "probe":
                    print(json.dumps({"alive": probe()}), flush=True)
                elif command[0] == "new":
                    results.clear()
                    runner = threading.Thread(target=new_connections, args=(float(command[1]),))
                    runner.start()
                elif command[0] == "results":
                    runner.join()
                    print(json.dumps({"attempts": len(results), "failed": sorted(o for o, ok in results if not ok)}), flush=True)
            """;

        private readonly Process _process;

        public EchoClient(BgpLab lab, int connections)
        {
            _process = LabProcess.Start("ip", ["netns", "exec", lab.Ns("client"), "python3", "-c", Script, BgpLab.Vip, BgpLab.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                connections.ToString(System.Globalization.CultureInfo.InvariantCulture)], redirectInput: true);
            Assert.Equal(connections, Answer().GetProperty("opened").GetInt32());
        }

        public int Probe()
        {
            _process.StandardInput.WriteLine("probe");
            return Answer().GetProperty("alive").GetInt32();
        }

        public void StartNewConnections(double seconds) =>
            _process.StandardInput.WriteLine(FormattableString.Invariant($"new {seconds}"));

        public (int Attempts, IReadOnlyList<double> Failed) NewConnections()
        {
            _process.StandardInput.WriteLine("results");
            var answer = Answer();
            return (answer.GetProperty("attempts").GetInt32(), [.. answer.GetProperty("failed").EnumerateArray().Select(e => e.GetDouble())]);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                _process.Kill();
            _process.Dispose();
        }

        private JsonElement Answer()
        {
            _process.StandardInput.Flush();
            var line = _process.StandardOutput.ReadLineAsync();
            if (!line.Wait(TimeSpan.FromSeconds(120)) || line.Result is null)
            {
                if (!_process.HasExited)
                    _process.Kill();
                _process.WaitForExit(5000);
                Assert.Fail($"the lab client did not answer: {_process.StandardError.ReadToEnd()}");
            }
            return JsonDocument.Parse(line.Result!).RootElement;
        }
    }
}
