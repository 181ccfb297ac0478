using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Text;
using System.Text.RegularExpressions;
using LvsHa.Director.Control;
using LvsHa.Director.Tests.Lab;
using LvsHa.Netlink.Route;

namespace LvsHa.Director.Tests.Vrrp;

/// <summary>
/// Directors as real `lvsha run` processes, each in namespace lvsha-vd-{suffix}-N on a bridge (lvsha-vd-{suffix}-br),
/// plus a client namespace (lvsha-vd-{suffix}-c); addresses 10.232.{subnet}.N/24 exist only in the lab, the VIP is
/// .50. Dispose kills the processes it started (by pid) and deletes the namespaces and files, also on failure.
/// </summary>
internal sealed partial class VrrpLab : IDisposable
{
    public const int Port = 2552;
    public const int ClientNode = 100;

    public static readonly string TestAssembly = typeof(VrrpLab).Assembly.Location;
    private readonly string _suffix = $"{Environment.ProcessId % 100000}{Random.Shared.Next(100, 999)}";
    private readonly int _subnet = Random.Shared.Next(1, 250);
    private readonly List<string> _namespaces = [];
    private readonly Dictionary<int, Process> _processes = [];
    private readonly Dictionary<int, StringBuilder> _logs = [];
    private readonly Xunit.Abstractions.ITestOutputHelper _output;
    private readonly List<string> _keepalivedRunDirs = [];

    public VrrpLab(int directors, Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        LabCommand.RequireLab();
        Directors = directors;
        Directory = System.IO.Directory.CreateTempSubdirectory("lvsha-vd-lab-").FullName;
        var secret = Path.Combine(Directory, "secret");
        File.WriteAllText(secret, LvsHa.Director.Security.ClusterSecret.Generate());
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
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

    public string Vip => $"10.232.{_subnet}.50";

    public string Namespace(int node) => node == ClientNode ? $"lvsha-vd-{_suffix}-c" : $"lvsha-vd-{_suffix}-{node}";

    public string Address(int node) => $"10.232.{_subnet}.{node}";

    public string SocketPath(int node) => Path.Combine(Directory, $"d{node}.sock");

    public string Log(int node)
    {
        var log = _logs[node];
        lock (log)
        {
            return log.ToString();
        }
    }

    /// <summary>A configuration: the cluster block of every director, and a vrrp_instance when <paramref name="priority"/> is given (none: a witness).</summary>
    /// <param name="preamble">Top-level blocks before the instance (e.g. vrrp_script).</param>
    /// <param name="instanceLines">Extra lines inside the vrrp_instance block (e.g. track_script).</param>
    /// <param name="seedOrder">Directors in the order of the seed lines; default: the last director (the witness in the tests) first.</param>
    public string Config(
        int node, int? priority, string advertInterval = "0.1", bool nopreempt = false, string guard = "majority", bool cluster = true,
        string preamble = "", string instanceLines = "", IEnumerable<int>? seedOrder = null)
    {
        var seeds = string.Concat((seedOrder ?? Enumerable.Range(1, Directors).Reverse()).Select(n => $"    seed {Address(n)} {Port}\n"));
        var text = $$"""
            cluster {
                node_name d{{node}}
                listen {{Address(node)}} {{Port}}
            {{seeds}}    split_brain_guard {{guard}}
                secret_file {{Path.Combine(Directory, "secret")}}
            }

            """;
        if (!cluster)
        {
            text = "";
        }

        if (priority is { } p)
        {
            text += InstanceBlock(p, Vip, advertInterval, $"{(nopreempt ? "nopreempt\n" : "")}{instanceLines}");
        }

        var path = Path.Combine(Directory, $"d{node}.conf");
        File.WriteAllText(path, preamble + text);
        return path;
    }

    /// <summary>The labs' vrrp_instance VI_1: VRRPv3 on eth0, virtual_router_id 51, <paramref name="vip"/>/24 labelled eth0:vip.</summary>
    public static string InstanceBlock(int priority, string vip, string advertInterval = "0.1", string instanceLines = "") => $$"""
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            version 3
            virtual_router_id 51
            priority {{priority}}
            advert_int {{advertInterval}}
        {{instanceLines}}
            virtual_ipaddress {
                {{vip}}/24 dev eth0 label eth0:vip
            }
        }

        """;

    /// <summary>Starts `lvsha run -f CONFIG --control-socket SOCK` in director <paramref name="node"/>'s namespace.</summary>
    public void Start(int node, string configFile) =>
        Start(node, LvshaCommand("run", "-f", configFile, "--control-socket", SocketPath(node)));

    /// <summary>The command line of `lvsha ARGS` (the test assembly runs the real CLI, see LabNodeProgram).</summary>
    public static string[] LvshaCommand(params string[] args) => ["dotnet", TestAssembly, "lvsha", .. args];

    /// <summary>Writes <paramref name="text"/> to <paramref name="name"/> in the lab's folder; returns its path.</summary>
    public string WriteFile(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// Starts keepalived (VRRP only, no fork, its own pid files) with <paramref name="configFile"/> in director
    /// <paramref name="node"/>'s namespace. Its VRRP child is ended at Dispose by the pid it wrote.
    /// </summary>
    public void StartKeepalived(int node, string configFile)
    {
        LabCommand.RequireTool("keepalived");
        var run = Path.Combine(Directory, $"ka-d{node}");
        System.IO.Directory.CreateDirectory(run);
        foreach (var stale in System.IO.Directory.GetFiles(run))
            File.Delete(stale);
        _keepalivedRunDirs.Add(run);
        Start(node, ["keepalived", "-n", "-l", "-D", "-P", "-f", configFile, "-p", $"{run}/keepalived.pid", "-r", $"{run}/vrrp.pid", "-c", $"{run}/checkers.pid"]);
    }

    /// <summary>Starts <paramref name="command"/> as director <paramref name="node"/>'s process in its namespace.</summary>
    public void Start(int node, string[] command)
    {
        if (_processes.Remove(node, out var previous))
        {
            Assert.True(previous.HasExited, $"director {node} is still running");
            previous.Dispose();
        }

        var log = _logs[node] = new StringBuilder();
        _processes[node] = LabCluster.StartProcess(command, log, Namespace(node));
    }

    public Process Process(int node) => _processes[node];

    /// <summary>Sends <paramref name="signal"/> (SIGKILL, SIGTERM) to director <paramref name="node"/>'s process, by pid, at once (no helper process to wait for).</summary>
    public void Signal(int node, int signal) => Assert.Equal(0, Tmds.Linux.LibC.kill(_processes[node].Id, signal));

    public bool HasExited(int node, TimeSpan timeout) => LabCluster.WaitForExitAndOutput(_processes[node], timeout);

    /// <summary>Whether the VIP is on director <paramref name="node"/>'s eth0 (read over rtnetlink in its namespace).</summary>
    public Task<bool> HoldsVipAsync(int node) => HoldsAsync(node, Vip);

    /// <summary>Whether <paramref name="address"/> is on director <paramref name="node"/>'s interfaces (read over rtnetlink in its namespace).</summary>
    public async Task<bool> HoldsAsync(int node, string address)
    {
        using var route = RouteNetlinkClient.Open($"/run/netns/{Namespace(node)}");
        var wanted = IPAddress.Parse(address);
        return (await route.GetAddressesAsync()).Any(a => a.Address.Equals(wanted));
    }

    public async Task<PhysicalAddress> MacAsync(int node)
    {
        using var route = RouteNetlinkClient.Open($"/run/netns/{Namespace(node)}");
        return (await route.GetLinkAsync("eth0"))?.MacAddress ?? throw new InvalidOperationException("eth0 has no MAC");
    }

    public void SetLink(int node, bool up) => LabCommand.Run("ip", "-n", Namespace(node), "link", "set", "eth0", up ? "up" : "down");

    /// <summary>The client sends one UDP datagram to the VIP (so it resolves the VIP's MAC over ARP).</summary>
    public void ClientSendToVip() => LabCommand.Run(
        "ip", "netns", "exec", Namespace(ClientNode), "python3", "-c",
        $"import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('{Vip}', 9))");

    /// <summary>The MAC the client's neighbour table holds for the VIP, or null.</summary>
    public PhysicalAddress? ClientNeighbour()
    {
        var match = LladdrPattern().Match(LabCommand.Run("ip", "-n", Namespace(ClientNode), "neigh", "show", Vip));
        return match.Success ? PhysicalAddress.Parse(match.Groups[1].Value.Replace(':', '-')) : null;
    }

    public ControlClient Client(int node) => new(SocketPath(node));

    /// <summary>Runs `lvsha ARGS` to its end in the host namespace; returns exit code and output.</summary>
    public static (int Code, string Output) Lvsha(params string[] args) => LabCommand.TryRun("dotnet", LvshaCommand(args)[1..]);

    /// <summary>Waits until exactly <paramref name="node"/> holds the VIP and reports <paramref name="state"/>; returns the time taken.</summary>
    public Task<TimeSpan> WaitForSoleHolderAsync(int node, IEnumerable<int> others, TimeSpan timeout) =>
        LabCluster.WaitForAsync(
            async () =>
            {
                if (!await HoldsVipAsync(node))
                {
                    return false;
                }

                foreach (var other in others)
                {
                    if (await HoldsVipAsync(other))
                    {
                        return false;
                    }
                }

                return true;
            },
            timeout,
            $"only director {node} holds {Vip}\n{string.Join('\n', _logs.Select(l => $"--- d{l.Key}\n{Log(l.Key)}"))}");

    public Task<TimeSpan> WaitForStateAsync(int node, string state, TimeSpan timeout) =>
        LabCluster.WaitForAsync(
            async () => (await Client(node).GetStatusAsync()).Instances.Any(i => i.State == state),
            timeout,
            $"director {node} reports {state}\n{Log(node)}");

    /// <summary>Waits until director <paramref name="node"/> sees every director of the lab Up and reachable.</summary>
    public Task<TimeSpan> WaitForMembersAsync(int node, TimeSpan timeout) =>
        LabCluster.WaitForAsync(
            async () => (await Client(node).GetStatusAsync()).Members.Count(m => m.Status == "Up" && m.Reachable) == Directors,
            timeout,
            $"director {node} sees {Directors} directors up\n{Log(node)}");

    public void Dispose()
    {
        foreach (var node in _logs.Keys.Order())
        {
            _output.WriteLine($"===== director {node} =====\n{Log(node)}");
        }

        // The parents first: a keepalived parent still running respawns a VRRP child killed before it, and that new
        // child was left running after the lab (two local runs each left one, reparented to init).
        LabCluster.Kill(_processes.Values);

        // Then keepalived's VRRP child, by its own pid file, before its namespace goes: it outlives a killed parent
        // until PR_SET_PDEATHSIG fires.
        foreach (var pidFile in _keepalivedRunDirs.Select(d => Path.Combine(d, "vrrp.pid")).Where(File.Exists))
        {
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
                _ = Tmds.Linux.LibC.kill(pid, 9);
        }

        LabCluster.CleanUp(_processes.Values, _namespaces, Directory);
    }

    [GeneratedRegex("lladdr ([0-9a-f:]{17})")]
    private static partial Regex LladdrPattern();

    private void CreateNetwork() => LabCluster.CreateBridgedNetwork(
        $"lvsha-vd-{_suffix}-br", Enumerable.Range(1, Directors).Append(ClientNode), Namespace, Address, _namespaces);
}
