using System.Diagnostics;

namespace LvsHa.Vrrp.Tests.Lab;

/// <summary>
/// Two network namespaces joined by a veth pair: keepalived (VRRPv3, advert_int 0.1) runs in "a", the test listens
/// and sends in "b". Everything stays between the two namespaces; Dispose stops keepalived and removes them.
/// </summary>
internal sealed class KeepalivedLab : IDisposable
{
    public const string MacA = "02:00:5e:77:00:01";
    public const string AddressA = "192.168.77.1";
    public const string AddressB = "192.168.77.2";
    public const string Vip4 = "192.168.77.100";
    public const string Vip6 = "2001:db8:77::100";
    public const string Vip6Instance = "2001:db8:77::200";

    private const string CaptureScript = """
        import socket, sys, time, select
        iface, seconds = sys.argv[1], float(sys.argv[2])
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        s.bind((iface, 0))
        print("ready", flush=True)
        end = time.time() + seconds
        while True:
            left = end - time.time()
            if left <= 0:
                break
            r, _, _ = select.select([s], [], [], left)
            if not r:
                continue
            frame, addr = s.recvfrom(65535)
            if addr[2] != socket.PACKET_OUTGOING:
                print(frame.hex(), flush=True)
        """;

    private const string SendScript = """
        import socket, sys, time
        src, message, seconds, interval = sys.argv[1], bytes.fromhex(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(src))
        s.bind((src, 0))
        end = time.time() + seconds
        while time.time() < end:
            s.sendto(message, ("224.0.0.18", 0))
            time.sleep(interval)
        """;

    private readonly string directory = Directory.CreateTempSubdirectory("lvsha-vrrp-lab-").FullName;
    private readonly string suffix = $"{Environment.ProcessId % 100_000}{Random.Shared.Next(100, 1000)}";
    private Process? keepalived;

    public KeepalivedLab()
    {
        RequireTools();
        NamespaceA = $"lvsha-vrrp-a-{suffix}";
        NamespaceB = $"lvsha-vrrp-b-{suffix}";
        InterfaceA = $"lvva{suffix}";
        InterfaceB = $"lvvb{suffix}";
        try
        {
            Run("ip", "netns", "add", NamespaceA);
            Run("ip", "netns", "add", NamespaceB);
            Run("ip", "link", "add", InterfaceA, "type", "veth", "peer", "name", InterfaceB);
            Run("ip", "link", "set", InterfaceA, "netns", NamespaceA);
            Run("ip", "link", "set", InterfaceB, "netns", NamespaceB);
            Run("ip", "-n", NamespaceA, "link", "set", InterfaceA, "address", MacA);
            Run("ip", "-n", NamespaceA, "addr", "add", AddressA + "/24", "dev", InterfaceA);
            Run("ip", "-n", NamespaceB, "addr", "add", AddressB + "/24", "dev", InterfaceB);
            // Without DAD the link-local source of the IPv6 instance is usable at once.
            Run("ip", "netns", "exec", NamespaceA, "sysctl", "-qw", $"net.ipv6.conf.{InterfaceA}.accept_dad=0");
            Run("ip", "-n", NamespaceA, "link", "set", InterfaceA, "up");
            Run("ip", "-n", NamespaceB, "link", "set", InterfaceB, "up");
            File.WriteAllText(Path.Combine(directory, "capture.py"), CaptureScript);
            File.WriteAllText(Path.Combine(directory, "send.py"), SendScript);
            File.WriteAllText(Path.Combine(directory, "keepalived.conf"), $$"""
                global_defs {
                    vrrp_version 3
                    vrrp_garp_master_delay 1
                }
                vrrp_instance VI_4 {
                    state BACKUP
                    interface {{InterfaceA}}
                    virtual_router_id 51
                    priority 150
                    advert_int 0.1
                    virtual_ipaddress {
                        {{Vip4}}/24
                    }
                    virtual_ipaddress_excluded {
                        {{Vip6}}/64
                    }
                }
                vrrp_instance VI_6 {
                    state BACKUP
                    interface {{InterfaceA}}
                    virtual_router_id 52
                    priority 120
                    advert_int 0.1
                    virtual_ipaddress {
                        {{Vip6Instance}}/64
                    }
                }
                """);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string NamespaceA { get; }

    public string NamespaceB { get; }

    public string InterfaceA { get; }

    public string InterfaceB { get; }

    public string KeepalivedLog => Path.Combine(directory, "keepalived.log");

    /// <summary>Whether namespace a forwards IPv6 (keepalived then sets the Router flag in its NAs).</summary>
    public bool ForwardsIpv6 => Run("ip", "netns", "exec", NamespaceA, "cat", "/proc/sys/net/ipv6/conf/" + InterfaceA + "/forwarding").Trim() == "1";

    public void StartKeepalived()
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "netns", "exec", NamespaceA, "keepalived", "-n", "-l", "-D", "-P",
            "-f", Path.Combine(directory, "keepalived.conf"),
            "-p", Path.Combine(directory, "keepalived.pid"),
            "-r", Path.Combine(directory, "vrrp.pid"),
            "-c", Path.Combine(directory, "checkers.pid"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        keepalived = Process.Start(start) ?? throw new InvalidOperationException("keepalived did not start");
        var log = new StreamWriter(KeepalivedLog) { AutoFlush = true };
        keepalived.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        keepalived.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        keepalived.BeginOutputReadLine();
        keepalived.BeginErrorReadLine();
    }

    /// <summary>SIGTERM: keepalived's graceful stop (it sends a priority-0 advert).</summary>
    public void StopKeepalived()
    {
        if (keepalived is { HasExited: false })
        {
            Run("kill", "-TERM", keepalived.Id.ToString());
            if (!keepalived.WaitForExit(5000))
                keepalived.Kill();
        }
    }

    /// <summary>Frames arriving at b's interface for the given time, as hex; starts listening before returning.</summary>
    public Task<List<byte[]>> CaptureAsync(TimeSpan duration)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "netns", "exec", NamespaceB, "python3", Path.Combine(directory, "capture.py"), InterfaceB, duration.TotalSeconds.ToString("0.###") })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException("capture did not start");
        var ready = process.StandardOutput.ReadLine();
        if (ready != "ready")
            throw new InvalidOperationException($"capture failed: {process.StandardError.ReadToEnd()}");
        return Task.Run(async () =>
        {
            using (process)
            {
                var frames = new List<byte[]>();
                while (await process.StandardOutput.ReadLineAsync() is { } line)
                    frames.Add(Convert.FromHexString(line));
                await process.WaitForExitAsync();
                return frames;
            }
        });
    }

    /// <summary>Sends a VRRP message (the IP payload) from b to 224.0.0.18 every interval for the duration.</summary>
    public void SendVrrp(byte[] message, TimeSpan duration, TimeSpan interval) =>
        Run("ip", "netns", "exec", NamespaceB, "python3", Path.Combine(directory, "send.py"), AddressB, Convert.ToHexString(message),
            duration.TotalSeconds.ToString("0.###"), interval.TotalSeconds.ToString("0.###"));

    public bool AHoldsVip() => Run("ip", "-n", NamespaceA, "-4", "addr", "show", "dev", InterfaceA).Contains(Vip4 + "/", StringComparison.Ordinal);

    /// <summary>Polls until the condition holds or the timeout passes; returns the condition's last value.</summary>
    public static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (condition())
                return true;
            Thread.Sleep(50);
        }

        return condition();
    }

    public void Dispose()
    {
        try
        {
            StopKeepalived();
        }
        finally
        {
            keepalived?.Dispose();
            TryRun("ip", "netns", "del", NamespaceA ?? string.Empty);
            TryRun("ip", "netns", "del", NamespaceB ?? string.Empty);
            TryRun("ip", "link", "del", InterfaceA ?? string.Empty);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void RequireTools()
    {
        if (Environment.UserName != "root" && !string.Equals(Environment.GetEnvironmentVariable("USER"), "root", StringComparison.Ordinal))
            throw new InvalidOperationException("the keepalived lab needs root (network namespaces); run the tests as root");
        foreach (var tool in new[] { "/usr/sbin/keepalived", "/usr/sbin/ip" })
        {
            if (!File.Exists(tool))
                throw new InvalidOperationException($"{tool} is missing: install keepalived and iproute2 (tests/lab/install-deps.sh)");
        }

        Run("python3", "-c", "pass");
    }

    private static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(arguments[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Skip(1))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{arguments[0]} did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}");
        return output;
    }

    private static void TryRun(params string[] arguments)
    {
        try
        {
            Run(arguments);
        }
        catch (InvalidOperationException)
        {
            // Already gone (or never created): cleanup is best effort, the namespace name is unique per run.
        }
    }
}
