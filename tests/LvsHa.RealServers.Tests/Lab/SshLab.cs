using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LvsHa.RealServers.Tests.Lab;

/// <summary>
/// Real servers for lab tests: one network namespace per real server, joined to the host namespace (where the test's
/// SSH.NET client runs) by a veth pair on a private 10.x /24, each with a real OpenSSH sshd under a private mount
/// namespace whose /etc/sysctl.d and /etc/systemd/system are tmpfs (so prepare's files never touch this machine's /etc).
/// A non-root login user exists only inside that mount namespace (bind-mounted passwd/shadow/group/sudoers copies).
/// Everything is removed in Dispose: sshd by pid, namespaces (which take their veths), the temp dir.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class SshLab : IDisposable
{
    public const string SudoUser = "lvshaop";
    public const string PasswordSudoUser = "lvshapw";

    private readonly List<Process> _sshds = [];
    private readonly List<string> _namespaces = [];

    public SshLab()
    {
        RequirePrerequisites();
        Suffix = $"{Environment.ProcessId % 0x10000:x4}{Random.Shared.Next(0x100):x2}";
        Dir = Directory.CreateTempSubdirectory($"lvsha-ssh-{Suffix}-").FullName;
        File.SetUnixFileMode(Dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        Directory.CreateDirectory("/run/sshd");
        Shell.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-C", "lvsha-test-client", "-f", ClientKey);
        File.Copy(ClientKey + ".pub", Path.Combine(Dir, "authorized_keys"));
        WriteUserDatabase();
    }

    public string Suffix { get; }

    public string Dir { get; }

    public string ClientKey => Path.Combine(Dir, "client_ed25519");

    public string KnownHostsPath => Path.Combine(Dir, "known_hosts");

    public List<RealServerNs> Servers { get; } = [];

    /// <summary>Adds a real server namespace with its veth and sshd (ed25519 and ecdsa host keys).</summary>
    public RealServerNs AddRealServer(int port = 22)
    {
        int n = Servers.Count + 1;
        string ns = $"lvsha-ssh-{Suffix}-rs{n}";
        string hostVeth = $"lsh{Suffix}{n}";
        string nsVeth = $"lsr{Suffix}{n}";
        string subnet = FreeSubnet();
        Shell.Check("ip", "netns", "add", ns);
        _namespaces.Add(ns);
        Shell.Check("ip", "link", "add", hostVeth, "type", "veth", "peer", "name", nsVeth, "netns", ns);
        Shell.Check("ip", "addr", "add", $"{subnet}.1/24", "dev", hostVeth);
        Shell.Check("ip", "link", "set", hostVeth, "up");
        Shell.Check("ip", "-n", ns, "addr", "add", $"{subnet}.2/24", "dev", nsVeth);
        Shell.Check("ip", "-n", ns, "link", "set", nsVeth, "up");

        string keyBase = Path.Combine(Dir, $"rs{n}_host");
        Shell.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", keyBase + "_ed25519");
        Shell.Check("ssh-keygen", "-q", "-t", "ecdsa", "-N", string.Empty, "-f", keyBase + "_ecdsa");
        var rs = new RealServerNs(ns, nsVeth, IPAddress.Parse($"{subnet}.2"), IPAddress.Parse($"{subnet}.1"), port, keyBase + "_ed25519", keyBase + "_ecdsa", $"{subnet}");
        rs.Pid = StartSshd(rs);
        Servers.Add(rs);
        return rs;
    }

    /// <summary>A known_hosts line for a server's ed25519 key ("host" or "[host]:port").</summary>
    public static string KnownHostsLine(RealServerNs rs, string keyFile)
    {
        string name = rs.Port == 22 ? rs.Address.ToString() : $"[{rs.Address}]:{rs.Port}";
        string[] pub = File.ReadAllText(keyFile + ".pub").Trim().Split(' ');
        return $"{name} {pub[0]} {pub[1]}";
    }

    /// <summary>OpenSSH's own fingerprint of a public key file (SHA256:...).</summary>
    public static string Fingerprint(string keyFile) => Shell.Check("ssh-keygen", "-l", "-E", "sha256", "-f", keyFile + ".pub").Split(' ')[1];

    public static string Sysctl(RealServerNs rs, string key) => Shell.Check("ip", "netns", "exec", rs.Namespace, "sysctl", "-n", key).Trim();

    public static string Addresses(RealServerNs rs, string dev) => Shell.Check("ip", "-n", rs.Namespace, "-o", "addr", "show", "dev", dev);

    /// <summary>Runs a command inside the sshd's mount and network namespaces (to see its private /etc).</summary>
    public static (int Exit, string Out, string Err) InServer(RealServerNs rs, params string[] command) =>
        Shell.Run("nsenter", ["-t", rs.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-m", "-n", .. command]);

    public void Dispose()
    {
        foreach (Process p in _sshds)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill();
                    p.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            p.Dispose();
        }

        foreach (string ns in _namespaces)
        {
            // Deleting the namespace deletes the veth pair with it.
            Shell.Run("ip", "netns", "del", ns);
        }

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void RequirePrerequisites()
    {
        // A lab test with a missing prerequisite fails with the reason (never a silent skip).
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("SSH lab tests need root (network and mount namespaces)");
        }

        foreach (string tool in new[] { "/usr/sbin/sshd", "/usr/bin/ssh-keygen", "/usr/bin/unshare", "/usr/bin/nsenter" })
        {
            if (!File.Exists(tool))
            {
                throw new InvalidOperationException($"SSH lab tests need {tool} (openssh-server, openssh-client, util-linux; see tests/lab/install-deps.sh)");
            }
        }
    }

    private static string FreeSubnet()
    {
        string inUse = Shell.Check("ip", "-o", "addr", "show") + Shell.Check("ip", "-o", "route", "show");
        for (int attempt = 0; attempt < 100; attempt++)
        {
            string subnet = $"10.{Random.Shared.Next(160, 250)}.{Random.Shared.Next(1, 255)}";
            if (!inUse.Contains(subnet + ".", StringComparison.Ordinal))
            {
                return subnet;
            }
        }

        throw new InvalidOperationException("no free 10.x /24 found for the lab");
    }

    private void WriteUserDatabase()
    {
        // The non-root users exist only in the sshd's private mount namespace: this machine's /etc is not changed.
        string home = Dir;
        File.WriteAllText(Path.Combine(Dir, "passwd"), File.ReadAllText("/etc/passwd") +
            $"{SudoUser}:x:47011:47011:lvsha test:{home}:/bin/sh\n{PasswordSudoUser}:x:47012:47012:lvsha test:{home}:/bin/sh\n");
        File.WriteAllText(Path.Combine(Dir, "group"), File.ReadAllText("/etc/group") + $"{SudoUser}:x:47011:\n{PasswordSudoUser}:x:47012:\n");
        File.WriteAllText(Path.Combine(Dir, "shadow"), File.ReadAllText("/etc/shadow") +
            $"{SudoUser}:*:19000:0:99999:7:::\n{PasswordSudoUser}:*:19000:0:99999:7:::\n");
        string sudoers = Path.Combine(Dir, "sudoers");
        // As the distributions ship it: secure_path is what lets sudo find sysctl/ip/modprobe in the sbin folders.
        File.WriteAllText(sudoers, "Defaults secure_path=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\n" + $"root ALL=(ALL:ALL) ALL\n{SudoUser} ALL=(root) NOPASSWD: ALL\n{PasswordSudoUser} ALL=(root) ALL\n");
        File.SetUnixFileMode(sudoers, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        File.SetUnixFileMode(Path.Combine(Dir, "shadow"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private int StartSshd(RealServerNs rs)
    {
        string binds = $"mount --bind {Dir}/passwd /etc/passwd && mount --bind {Dir}/group /etc/group && mount --bind {Dir}/shadow /etc/shadow"
            + (File.Exists("/etc/sudoers") ? $" && mount --bind {Dir}/sudoers /etc/sudoers" : string.Empty);
        // root's home is a fresh tmpfs, as on a real server: this machine's /root/.bashrc (pyenv init), which bash runs
        // for every SSH command, is not the real server's and costs seconds per command under the VM's emulation.
        string script =
            "mount -t tmpfs tmpfs /etc/sysctl.d && mount -t tmpfs tmpfs /etc/systemd/system && mount -t tmpfs -o mode=700 tmpfs /root && " + binds +
            $" && exec /usr/sbin/sshd -D -e -f /dev/null -o ListenAddress={rs.Address}:{rs.Port} -o HostKey={rs.HostKeyEd25519} -o HostKey={rs.HostKeyEcdsa}" +
            $" -o AuthorizedKeysFile={Dir}/authorized_keys -o PidFile={Dir}/{rs.Namespace}.pid -o StrictModes=no -o UsePAM=no" +
            " -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no -o PermitRootLogin=prohibit-password -o MaxStartups=50";
        var info = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { "netns", "exec", rs.Namespace, "unshare", "-m", "--propagation", "private", "sh", "-c", script })
        {
            info.ArgumentList.Add(a);
        }

        Process p = Process.Start(info) ?? throw new InvalidOperationException("cannot start sshd");
        _sshds.Add(p);
        var log = new System.Text.StringBuilder();
        p.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        rs.Log = log;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (p.HasExited)
            {
                throw new InvalidOperationException($"sshd in {rs.Namespace} exited {p.ExitCode}: {log}");
            }

            try
            {
                using var probe = new TcpClient();
                probe.Connect(rs.Address, rs.Port);
                return p.Id;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new InvalidOperationException($"sshd in {rs.Namespace} did not listen on {rs.Address}:{rs.Port} within 10 s: {log}");
    }
}

/// <summary>One lab real server: namespace, its veth, its address, the host-side (director) address and its sshd.</summary>
internal sealed record RealServerNs(string Namespace, string Veth, IPAddress Address, IPAddress HostSide, int Port, string HostKeyEd25519, string HostKeyEcdsa, string Subnet)
{
    public int Pid { get; set; }

    public System.Text.StringBuilder Log { get; set; } = new();
}
