using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>
/// A lab of directors behind a BGP router, all in namespaces named lvsha-bgp-PID-* (nothing is routed out of them):
/// <list type="bullet">
/// <item>router: BIRD 2 peering with every director, installing the VIP into its kernel as one ECMP route (flows
/// hashed on addresses and ports, fib_multipath_hash_policy 1); a point-to-point link to each director (10.96.N.1 -
/// 10.96.N.2), so a director's death takes its link and its route down at once; the real servers' LAN (br0,
/// 10.99.0.254); the client's link (10.97.0.1).</item>
/// <item>dN: `lvsha run` (its own IPVS table and BIRD), uplink eth0 10.96.N.2, LAN eth1 10.99.0.N, the director
/// sysctls of deploy/sysctl (sloppy_tcp, ARP).</item>
/// <item>rsK: DR real servers 10.99.0.1K, VIP on lo, ARP sysctls, default route via the router (replies go straight to
/// the client).</item>
/// <item>client: 10.97.0.2, default route via the router.</item>
/// </list>
/// With sharedSegment the directors have no uplink: they peer with the router over br0 (10.99.0.N - 10.99.0.254).
/// With cluster they form an LvsHa cluster over br0 (10.99.0.N:4053).
/// Dispose ends every process it started (and the BIRD of a director killed without its stop, by its pid file) and
/// deletes the namespaces, also when a test fails.
/// </summary>
internal sealed partial class BgpLab : IDisposable
{
    public const string Vip = "10.98.100.1";
    public const int Port = 7000;

    private readonly string _prefix = $"lvsha-bgp-{Environment.ProcessId % 10000}";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("lvsha-bgp-lab-");
    private readonly List<string> _namespaces = [];
    private readonly List<Process> _processes = [];
    private readonly Dictionary<int, Process> _realServers = [];
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    /// <param name="sharedSegment">The directors reach the router over the real servers' LAN (br0) instead of
    /// point-to-point links: a dead director's link going down is then invisible to the router.</param>
    /// <param name="bfd">`bfd on` in every director's bgp block and in the router's sessions.</param>
    /// <param name="cluster">A cluster block in every director's configuration, at its defaults (every director a
    /// seed, over the LAN, split_brain_guard majority), with a secret of `lvsha secret generate`.</param>
    public BgpLab(int directors, int realServers, Xunit.Abstractions.ITestOutputHelper output, bool sharedSegment = false, bool bfd = false, bool cluster = false)
    {
        KernelLab.RequireIpvs();
        _output = output;
        Directors = directors;
        RealServerCount = realServers;
        SharedSegment = sharedSegment;
        Bfd = bfd;
        Cluster = cluster;
        try
        {
            BuildNetwork();
            StartRouter();
            if (cluster)
                LvshaDaemon.Run("secret", "generate", SecretFile);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Directors { get; }

    public int RealServerCount { get; }

    public bool SharedSegment { get; }

    public bool Bfd { get; }

    public bool Cluster { get; }

    /// <summary>The directors' cluster port (on their LAN addresses).</summary>
    public const int ClusterPort = 4053;

    private string SecretFile => Path.Combine(Folder, "cluster.secret");

    public Dictionary<int, LvshaDaemon> Running { get; } = [];

    public string Folder => _folder.FullName;

    public string Ns(string name) => $"{_prefix}-{name}";

    /// <summary>Director <paramref name="director"/>'s address towards the router: its BGP source and next hop.</summary>
    public string Uplink(int director) => SharedSegment ? Lan(director) : $"10.96.{director}.2";

    /// <summary>The router's address towards director <paramref name="director"/> (its BGP neighbor).</summary>
    public string RouterSide(int director) => SharedSegment ? "10.99.0.254" : $"10.96.{director}.1";

    private static string Lan(int director) => $"10.99.0.{director}";

    public static string RealServer(int k) => $"10.99.0.{10 + k}";

    /// <summary>Starts every director at the same moment with the issue's bgp block and a DR virtual server over all
    /// real servers (lb_algo mh, mh-port, TCP_CHECK every second); returns when they were launched.</summary>
    public void StartDirectors()
    {
        var configs = Enumerable.Range(1, Directors).Select(n => (n, Config(n))).ToList();
        foreach (var (n, config) in configs)
            Running[n] = LvshaDaemon.Start(config, Path.Combine(Folder, $"d{n}", "lvsha.sock"), $"d{n}", readyLine: null, netns: Ns($"d{n}"));
    }

    /// <summary>Writes director <paramref name="node"/>'s configuration (with <paramref name="bgpExtra"/> lines in its
    /// bgp block) and returns its path.</summary>
    public string Config(int node, string bgpExtra = "", bool announce = true)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Folder, $"d{node}")).FullName;
        var realServers = string.Concat(Enumerable.Range(1, RealServerCount).Select(k => $$"""
                real_server {{RealServer(k)}} {{Port}} {
                    TCP_CHECK {
                        connect_timeout 1
                        retry 1
                        delay_before_retry 1
                    }
                }

            """));
        var seeds = string.Concat(Enumerable.Range(1, Directors).Select(n => $"    seed {Lan(n)} {ClusterPort}\n"));
        var cluster = Cluster
            ? $$"""
                cluster {
                    node_name d{{node}}
                    listen {{Lan(node)}} {{ClusterPort}}
                {{seeds}}    secret_file {{SecretFile}}
                }

                """
            : "";
        var path = Path.Combine(folder, "lvsha.conf");
        File.WriteAllText(path, cluster + $$"""
            bgp {
                local_as 65010
                neighbor {{RouterSide(node)}} remote_as 65000
                {{(Bfd ? "bfd on" : "")}}
            {{bgpExtra}}
            }
            virtual_server {{Vip}} {{Port}} {
                {{(announce ? "announce bgp" : "")}}
                lb_algo mh
                mh-port
                lb_kind DR
                protocol TCP
                delay_loop 1
            {{realServers}}}
            """);
        return path;
    }

    /// <summary>busybox httpd on real server <paramref name="k"/> (starts at once, also under emulation).</summary>
    public void StartHttpd(int k)
    {
        var www = Directory.CreateDirectory(Path.Combine(Folder, "www")).FullName;
        File.WriteAllText(Path.Combine(www, "index.html"), "lvsha-bgp-real-server\n");
        _realServers[k] = LabProcess.Start("ip", ["netns", "exec", Ns($"rs{k}"), "busybox", "httpd", "-f", "-p", Port.ToString(CultureInfo.InvariantCulture), "-h", www]);
    }

    /// <summary>A TCP echo server on real server <paramref name="k"/>, for long-lived connections.</summary>
    public void StartEcho(int k)
    {
        const string Echo = "import asyncio\n"
            + "async def echo(r, w):\n"
            + "    while data := await r.read(256):\n"
            + "        w.write(data); await w.drain()\n"
            + "    w.close()\n"
            + "async def main():\n"
            + "    server = await asyncio.start_server(echo, '0.0.0.0', 7000, backlog=1024)\n"
            + "    await server.serve_forever()\n"
            + "asyncio.run(main())\n";
        _realServers[k] = LabProcess.Start("ip", ["netns", "exec", Ns($"rs{k}"), "python3", "-c", Echo]);
    }

    public void KillRealServer(int k)
    {
        _realServers[k].Kill();
        _realServers[k].WaitForExit();
    }

    /// <summary>Waits until the router's kernel routes the VIP through exactly the uplinks of <paramref name="directors"/>.</summary>
    public TimeSpan WaitForNextHops(int[] directors, TimeSpan limit, string what)
    {
        var wanted = directors.Select(Uplink).Order(StringComparer.Ordinal).ToArray();
        var clock = Stopwatch.StartNew();
        var seen = Array.Empty<string>();
        while (clock.Elapsed < limit)
        {
            seen = NextHops();
            if (seen.SequenceEqual(wanted))
                return clock.Elapsed;
            Thread.Sleep(100);
        }
        Assert.Fail($"waited {limit.TotalSeconds} s for {what}; the router routes {Vip} via [{string.Join(", ", seen)}]\n{Logs()}");
        return clock.Elapsed;
    }

    public string[] NextHops()
    {
        var route = Exec(Ns("router"), "ip", "route", "show", $"{Vip}/32").StandardOutput;
        return [.. Via().Matches(route).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal)];
    }

    /// <summary>The established IPVS connections director <paramref name="node"/> holds.</summary>
    public int EstablishedOn(int node) =>
        Exec(Ns($"d{node}"), "cat", "/proc/net/ip_vs_conn").OutputLines.Count(l => l.Contains("ESTABLISHED", StringComparison.Ordinal));

    /// <summary>A director's death: both its links down, then SIGKILL (its BIRD stays, cut off, as after a crash).</summary>
    public void KillDirector(int node)
    {
        if (!SharedSegment)
            Ip(Ns($"d{node}"), "link", "set", "eth0", "down");
        Ip(Ns($"d{node}"), "link", "set", "eth1", "down");
        Running[node].Dispose();
    }

    /// <summary>
    /// Cuts director <paramref name="node"/>'s cluster traffic (nftables in its namespace drops TCP to and from the
    /// cluster port) until the lab ends; its BGP session and health checks go on.
    /// </summary>
    public void CutClusterTraffic(int node) =>
        LabProcess.Run("ip", ["netns", "exec", Ns($"d{node}"), "nft", "-f", "-"], standardInput: $$"""
            table inet lvsha_lab_cut {
                chain input { type filter hook input priority -10; tcp dport {{ClusterPort}} drop; tcp sport {{ClusterPort}} drop; }
                chain output { type filter hook output priority -10; tcp dport {{ClusterPort}} drop; tcp sport {{ClusterPort}} drop; }
            }

            """).EnsureSuccess();

    /// <summary>Whether the VIP is on director <paramref name="node"/>'s lo.</summary>
    public bool VipOnLoopback(int node) =>
        Exec(Ns($"d{node}"), "ip", "-o", "addr", "show", "dev", "lo").StandardOutput.Contains($" {Vip}/32 ", StringComparison.Ordinal);

    /// <summary>The BIRD configuration director <paramref name="node"/>'s announcer wrote.</summary>
    public string BirdConfig(int node) => File.ReadAllText(Path.Combine(Folder, $"d{node}", "bird", "bird.conf"));

    /// <summary>Runs an lvsha command against director <paramref name="node"/>'s control socket; fails unless it exits with 0.</summary>
    public string Lvsha(int node, params string[] args) =>
        LvshaDaemon.Run([.. args, "--control-socket", Path.Combine(Folder, $"d{node}", "lvsha.sock")]).StandardOutput;

    /// <summary>Resident memory of director <paramref name="node"/>'s BIRD, in MB (from its pid file and /proc).</summary>
    public double BirdResidentMegabytes(int node)
    {
        var pid = File.ReadAllText(Path.Combine(Folder, $"d{node}", "bird", "bird.pid")).Trim();
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    public string Logs() => string.Join('\n', Running.Select(d => $"--- director {d.Key} ---\n{d.Value.Log}"));

    public void Dispose()
    {
        _output.WriteLine(Logs());
        foreach (var director in Running.Values)
            director.Dispose();
        foreach (var process in _processes.Concat(_realServers.Values))
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
            process.Dispose();
        }
        // A director killed without its stop leaves its BIRD running: end each by the pid file it wrote.
        foreach (var pidFile in Directory.EnumerateFiles(Folder, "bird.pid", SearchOption.AllDirectories))
        {
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                LabProcess.Run("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]);
        }
        foreach (var ns in _namespaces)
            LabProcess.Run("ip", ["netns", "del", ns]);
        _folder.Delete(recursive: true);
    }

    private void BuildNetwork()
    {
        var router = Ns("router");
        AddNamespace(router);
        Sysctl(router, "net.ipv4.ip_forward=1", "net.ipv4.fib_multipath_hash_policy=1");
        Ip(router, "link", "add", "br0", "type", "bridge");
        Ip(router, "addr", "add", "10.99.0.254/24", "dev", "br0");
        Ip(router, "link", "set", "br0", "up");

        var client = Ns("client");
        AddNamespace(client);
        Link(client, "eth0", router, "c0");
        Ip(router, "addr", "add", "10.97.0.1/24", "dev", "c0");
        Ip(client, "addr", "add", "10.97.0.2/24", "dev", "eth0");
        Ip(client, "route", "add", "default", "via", "10.97.0.1");

        for (var n = 1; n <= Directors; n++)
        {
            var d = Ns($"d{n}");
            AddNamespace(d);
            if (!SharedSegment)
            {
                Link(d, "eth0", router, $"u{n}");
                Ip(router, "addr", "add", $"{RouterSide(n)}/24", "dev", $"u{n}");
                Ip(d, "addr", "add", $"{Uplink(n)}/24", "dev", "eth0");
            }
            Link(d, "eth1", router, $"l{n}", bridge: true);
            Ip(d, "addr", "add", $"{Lan(n)}/24", "dev", "eth1");
            // deploy/sysctl: 90-lvsha-director.conf (a flow arriving mid-connection is scheduled) and 92-lvsha-bgp.conf.
            Sysctl(d, "net.ipv4.vs.sloppy_tcp=1", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2");
        }

        for (var k = 1; k <= RealServerCount; k++)
        {
            var rs = Ns($"rs{k}");
            AddNamespace(rs);
            Link(rs, "eth0", router, $"r{k}", bridge: true);
            Ip(rs, "addr", "add", $"{RealServer(k)}/24", "dev", "eth0");
            Ip(rs, "route", "add", "default", "via", "10.99.0.254");
            // The DR real server: the VIP on lo, never answering ARP for it (what `lvsha prepare` sets up).
            Sysctl(rs, "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2");
            Ip(rs, "addr", "add", $"{Vip}/32", "dev", "lo");
        }
    }

    private void StartRouter()
    {
        var config = Path.Combine(Folder, "router.conf");
        var peers = string.Concat(Enumerable.Range(1, Directors).Select(n =>
            $"protocol bgp d{n} {{ local {RouterSide(n)} as 65000; neighbor {Uplink(n)} as 65010; {(Bfd ? "bfd on; " : "")}ipv4 {{ import all; export none; }}; }}\n"));
        File.WriteAllText(config, $$"""
            router id 10.99.0.254;
            protocol device { }
            protocol kernel { ipv4 { import none; export all; }; merge paths on; }
            {{(Bfd ? "protocol bfd { }" : "")}}
            {{peers}}
            """);
        _processes.Add(LabProcess.Start("ip", ["netns", "exec", Ns("router"), "bird", "-f", "-c", config, "-s", Path.Combine(Folder, "router.ctl")]));
    }

    /// <summary>A veth pair: <paramref name="name"/> in <paramref name="ns"/>, <paramref name="peer"/> in
    /// <paramref name="other"/> (on its br0 when <paramref name="bridge"/>); both up.</summary>
    private static void Link(string ns, string name, string other, string peer, bool bridge = false)
    {
        Ip(ns, "link", "add", name, "type", "veth", "peer", "name", peer, "netns", other);
        Ip(ns, "link", "set", name, "up");
        if (bridge)
            Ip(other, "link", "set", peer, "master", "br0");
        Ip(other, "link", "set", peer, "up");
    }

    private void AddNamespace(string ns)
    {
        LabProcess.RunChecked("ip", "netns", "add", ns);
        _namespaces.Add(ns);
        Ip(ns, "link", "set", "lo", "up");
    }

    private static void Sysctl(string ns, params string[] settings) => Exec(ns, ["sysctl", "-qw", .. settings]);

    private static void Ip(string ns, params string[] args) => LabProcess.RunChecked("ip", ["-n", ns, .. args]);

    public static ProcessResult Exec(string ns, params string[] command) => LabProcess.Run("ip", ["netns", "exec", ns, .. command]).EnsureSuccess();

    [GeneratedRegex(@"via (\S+)")]
    private static partial Regex Via();
}
