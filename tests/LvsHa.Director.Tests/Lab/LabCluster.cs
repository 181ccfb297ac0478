using System.Diagnostics;
using System.Text;
using LvsHa.Director.Control;
using LvsHa.Director.Hosting;

namespace LvsHa.Director.Tests.Lab;

/// <summary>
/// A lab of `lvsha run` director processes, each in its own network namespace (lvsha-dir-{suffix}-N) on a bridge living in
/// lvsha-dir-{suffix}-br, addresses 10.231.{subnet}.N/24 that exist only inside the lab. Everything it creates
/// (namespaces, processes by pid, temp files) is removed by Dispose, also when a test fails.
/// </summary>
internal sealed class LabCluster : IDisposable
{
    public const int Port = 2552;

    private readonly string _suffix = $"{Environment.ProcessId % 100000}{Random.Shared.Next(1000, 9999)}";
    private readonly int _subnet = Random.Shared.Next(1, 250);
    private readonly List<string> _namespaces = [];
    private readonly Dictionary<int, Process> _processes = [];
    private readonly Dictionary<int, StringBuilder> _logs = [];
    private readonly Xunit.Abstractions.ITestOutputHelper? _output;

    /// <param name="directors">Namespaces (and director slots) to create.</param>
    /// <param name="voters">Directors 1..voters are the seeds and the expected cluster size; later slots are intruders.</param>
    /// <param name="output">Receives every director's log when the lab is disposed (shown for failed tests).</param>
    public LabCluster(int directors, int? voters = null, Xunit.Abstractions.ITestOutputHelper? output = null)
    {
        _output = output;
        Voters = voters ?? directors;
        LabCommand.RequireLab();
        Directory = System.IO.Directory.CreateTempSubdirectory("lvsha-dir-lab-").FullName;
        Directors = directors;
        // The lab's secret is generated, as `lvsha secret generate` writes it; the wrong one is chosen (stretched at
        // start), so the wrong-secret labs also run a director through the stretching.
        WriteSecret("secret", LvsHa.Director.Security.ClusterSecret.Generate().TrimEnd());
        WriteSecret("wrong-secret", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        try
        {
            CreateNetwork();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Directory { get; }

    public int Directors { get; }

    public int Voters { get; }

    public string Bridge => $"lvsha-dir-{_suffix}-br";

    public string Namespace(int node) => $"lvsha-dir-{_suffix}-{node}";

    public string Address(int node) => $"10.231.{_subnet}.{node}";

    public string SocketPath(int node) => Path.Combine(Directory, $"d{node}.sock");

    public ControlClient Client(int node) => new(SocketPath(node));

    public Process Process(int node) => _processes[node];

    public string Log(int node) => Snapshot(_logs[node]);

    public static string Snapshot(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    /// <summary>The lab's VIP (.50 of the lab network), held by the master of VI_1.</summary>
    public string Vip => $"10.231.{_subnet}.50";

    /// <summary>
    /// Writes director <paramref name="node"/>'s keepalived.conf: the cluster block with every voter as a seed (the
    /// default guard and timeouts) and, unless it is a witness, VI_1 (VRRPv3, advert_int 0.1, priority 100 + node,
    /// the lab's VIP), which the real state machine runs. Returns its path.
    /// </summary>
    public string Config(int node, string secret = "secret", bool witness = false)
    {
        var seeds = string.Concat(Enumerable.Range(1, Voters).Select(n => $"    seed {Address(n)} {Port}\n"));
        var text = $$"""
            cluster {
                node_name d{{node}}
                listen {{Address(node)}} {{Port}}
            {{seeds}}    secret_file {{Path.Combine(Directory, secret)}}
            }

            """;
        if (!witness)
        {
            text += Vrrp.VrrpLab.InstanceBlock(100 + node, Vip);
        }

        var path = Path.Combine(Directory, $"d{node}.conf");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Starts `lvsha run` for director <paramref name="node"/> in its namespace, with <paramref name="configFile"/> or <see cref="Config"/>'s.</summary>
    public void Start(int node, string? configFile = null)
    {
        if (_processes.Remove(node, out var previous))
        {
            // A restart: the earlier run must be over (killed or exited).
            Assert.True(previous.HasExited, $"director {node} is still running");
            previous.Dispose();
        }

        var log = _logs[node] = new StringBuilder();
        _processes[node] = StartProcess(
            Vrrp.VrrpLab.LvshaCommand("run", "-f", configFile ?? Config(node), "--control-socket", SocketPath(node)), log, Namespace(node));
    }

    /// <summary>
    /// Starts a stranger in slot <paramref name="node"/>: `openssl s_server` on the director port with a certificate
    /// of its own (a TLS server that is no director), tracked like a director so the lab kills it.
    /// </summary>
    public void StartStranger(int node)
    {
        var key = Path.Combine(Directory, $"stranger{node}.key");
        var cert = Path.Combine(Directory, $"stranger{node}.crt");
        LabCommand.Run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", cert, "-subj", "/CN=stranger", "-days", "1");
        var log = _logs[node] = new StringBuilder();
        _processes[node] = StartProcess(
            ["openssl", "s_server", "-accept", $"{Address(node)}:{Port}", "-cert", cert, "-key", key, "-quiet"], log, Namespace(node));
    }

    /// <summary>
    /// Starts a <see cref="JsonPeer"/> in slot <paramref name="node"/>: it has the lab's secret and sends director
    /// <paramref name="director"/> JSON naming a <see cref="Gadget"/> aimed at <paramref name="markPath"/>.
    /// </summary>
    public void StartJsonPeer(int node, int director, string markPath)
    {
        var log = _logs[node] = new StringBuilder();
        _processes[node] = StartProcess(
            ["dotnet", Vrrp.VrrpLab.TestAssembly, JsonPeer.Command, Path.Combine(Directory, "secret"), Address(node), Address(director), markPath],
            log, Namespace(node));
    }

    /// <summary>
    /// Starts a silent listener in slot <paramref name="node"/>: it accepts TCP connections on the director port and
    /// never answers (a TLS handshake that never ends, as with a stopped or overloaded peer).
    /// </summary>
    public void StartSilentListener(int node)
    {
        const string Script = "import socket, sys, time\n"
            + "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            + "s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(64); held = []\n"
            + "while True: held.append(s.accept())\n";
        var log = _logs[node] = new StringBuilder();
        _processes[node] = StartProcess(
            ["python3", "-c", Script, Address(node), Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], log, Namespace(node));
    }

    /// <summary>Sends SIGTERM to director <paramref name="node"/> (what systemctl stop does).</summary>
    public void Terminate(int node) => LabCommand.Run("kill", "-TERM", _processes[node].Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Starts <paramref name="command"/>, inside <paramref name="ns"/> when given, its output going to <paramref name="log"/>.</summary>
    public static Process StartProcess(string[] command, StringBuilder log, string? ns = null)
    {
        // `ip netns exec` execs the command after setns: the pid we get is the program's own.
        var info = new ProcessStartInfo(ns is null ? command[0] : "ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in ns is null ? command[1..] : ["netns", "exec", ns, .. command])
        {
            info.ArgumentList.Add(arg);
        }

        var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("cannot start a director");
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits until each of <paramref name="nodes"/> reports <paramref name="expected"/>; returns the time taken.</summary>
    public async Task<TimeSpan> WaitForQuorumAsync(IEnumerable<int> nodes, QuorumReport expected, TimeSpan timeout, Func<StatusReport, bool>? also = null)
    {
        var clock = Stopwatch.StartNew();
        foreach (var node in nodes)
        {
            var client = Client(node);
            await WaitForAsync(
                async () =>
                {
                    var status = await client.GetStatusAsync();
                    return status.Quorum == expected && (also is null || also(status));
                },
                timeout,
                $"director {node} reports {expected}");
        }

        return clock.Elapsed;
    }

    /// <summary>A lab of <paramref name="directors"/> whose voters are started and have formed their cluster.</summary>
    public static async Task<LabCluster> FormedAsync(int directors, int? voters, Xunit.Abstractions.ITestOutputHelper output, TimeSpan timeout)
    {
        var lab = new LabCluster(directors, voters, output);
        try
        {
            lab.StartVoters();
            await lab.WaitForClusterAsync(timeout);
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    public void StartVoters()
    {
        for (var node = 1; node <= Voters; node++)
        {
            Start(node);
        }
    }

    /// <summary>Waits for director <paramref name="node"/> to exit and for its output to be read to the end.</summary>
    public bool WaitForExit(int node, TimeSpan timeout) => WaitForExitAndOutput(_processes[node], timeout);

    /// <summary>
    /// Waits for <paramref name="process"/> to exit and, if it did, for its redirected output to be read to the end:
    /// the overload with a timeout returns at the exit, before the last lines (often the reason for the exit) arrive.
    /// </summary>
    public static bool WaitForExitAndOutput(Process process, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (!process.WaitForExit(timeout))
        {
            return false;
        }

        process.WaitForExit();
        return true;
    }

    public void Kill(int node)
    {
        var process = _processes[node];
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(5000);
        }
    }

    /// <summary>Cuts director <paramref name="node"/> off: nftables in its namespace drops all but loopback traffic.</summary>
    public void Isolate(int node) => Isolate(Namespace(node), Directory);

    /// <summary>Cuts namespace <paramref name="ns"/> off (nftables drops all but loopback); the rule file goes to <paramref name="folder"/>.</summary>
    public static void Isolate(string ns, string folder)
    {
        var file = WriteIsolationRules(ns, folder);
        LabCommand.Run("ip", "netns", "exec", ns, "nft", "-f", file);
    }

    /// <summary>
    /// Starts the isolation of <paramref name="ns"/> up to the last step: the returned process (a shell in the
    /// namespace) loads the rules as soon as a line arrives on its stdin. Spawning processes from the test host takes
    /// up to a second on a loaded machine; triggering a waiting one marks the moment of the cut to a few ms.
    /// </summary>
    public static Process PrepareIsolation(string ns, string folder)
    {
        var file = WriteIsolationRules(ns, folder);
        var info = new ProcessStartInfo("ip") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "netns", "exec", ns, "sh", "-c", "read line && exec nft -f \"$0\"", file })
        {
            info.ArgumentList.Add(arg);
        }

        return System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("cannot start nft");
    }

    private static string WriteIsolationRules(string ns, string folder)
    {
        const string Rules = """
            table inet lvsha_partition {
              chain input { type filter hook input priority -10; policy drop; iif "lo" accept; }
              chain output { type filter hook output priority -10; policy drop; oif "lo" accept; }
            }
            """;
        var file = Path.Combine(folder, $"partition-{ns}.nft");
        File.WriteAllText(file, Rules);
        return file;
    }

    /// <summary>Ends an <see cref="Isolate(string, string)"/>.</summary>
    public static void Heal(string ns) => LabCommand.Run("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", "lvsha_partition");

    /// <summary>Polls <paramref name="probe"/> until it holds; returns the time it took, or fails after <paramref name="timeout"/>.</summary>
    public static async Task<TimeSpan> WaitForAsync(Func<Task<bool>> probe, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await probe())
                {
                    return clock.Elapsed;
                }
            }
            catch (ControlClientException e)
            {
                last = e;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"not within {timeout}: {what} (last error: {last?.Message})");
    }

    /// <summary>Waits until every voter reports all <see cref="Voters"/> members Up and a majority.</summary>
    public async Task WaitForClusterAsync(TimeSpan timeout)
    {
        for (var node = 1; node <= Voters; node++)
        {
            var client = Client(node);
            await WaitForAsync(
                async () =>
                {
                    var status = await client.GetStatusAsync();
                    return status.Quorum.HasMajority && status.Members.Count(m => m.Status == "Up" && m.Reachable) == Voters;
                },
                timeout,
                $"director {node} sees {Voters} directors up\n{Log(node)}");
        }
    }

    public void Dispose()
    {
        if (_output is not null)
        {
            foreach (var node in _logs.Keys.Order())
            {
                _output.WriteLine($"===== director {node} =====\n{Log(node)}");
            }
        }

        CleanUp(_processes.Values, _namespaces, Directory);
    }

    /// <summary>Kills those of <paramref name="processes"/> that still run (by pid) and waits for each, at most 5 s.</summary>
    public static void Kill(IEnumerable<System.Diagnostics.Process> processes)
    {
        foreach (var process in processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    /// <summary>Kills the lab's processes that still run (by pid), deletes its namespaces and its folder.</summary>
    public static void CleanUp(IEnumerable<System.Diagnostics.Process> processes, IEnumerable<string> namespaces, string directory)
    {
        Kill(processes);
        foreach (var process in processes)
            process.Dispose();

        foreach (var ns in namespaces)
        {
            LabCommand.TryRun("ip", "netns", "del", ns);
        }

        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Appends a line of a process's output to its log (thread-safe).</summary>
    public static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }

    private void WriteSecret(string name, string secret)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, secret + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private void CreateNetwork() =>
        CreateBridgedNetwork(Bridge, Enumerable.Range(1, Directors), Namespace, Address, _namespaces);

    /// <summary>
    /// A bridge in namespace <paramref name="bridge"/> and one namespace per node with eth0 on it and the node's
    /// address /24. Every namespace created is added to <paramref name="created"/> at once, so a failure half way
    /// still cleans up.
    /// </summary>
    public static void CreateBridgedNetwork(string bridge, IEnumerable<int> nodes, Func<int, string> namespaceOf,
        Func<int, string> addressOf, List<string> created)
    {
        AddNamespace(bridge, created);
        LabCommand.Run("ip", "-n", bridge, "link", "add", "br0", "type", "bridge");
        LabCommand.Run("ip", "-n", bridge, "link", "set", "br0", "up");
        foreach (var node in nodes)
        {
            var ns = namespaceOf(node);
            AddNamespace(ns, created);
            LabCommand.Run("ip", "-n", ns, "link", "set", "lo", "up");
            LabCommand.Run("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", $"v{node}", "netns", bridge);
            LabCommand.Run("ip", "-n", bridge, "link", "set", $"v{node}", "master", "br0", "up");
            LabCommand.Run("ip", "-n", ns, "addr", "add", $"{addressOf(node)}/24", "dev", "eth0");
            LabCommand.Run("ip", "-n", ns, "link", "set", "eth0", "up");
        }
    }

    private static void AddNamespace(string name, List<string> created)
    {
        LabCommand.Run("ip", "netns", "add", name);
        created.Add(name);
    }
}
