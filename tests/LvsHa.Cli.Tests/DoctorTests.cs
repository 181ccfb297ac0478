using System.Net;
using System.Net.Sockets;
using LvsHa.Cli.Commands;
using LvsHa.Cli.Doctor;
using LvsHa.Config;

namespace LvsHa.Cli.Tests;

/// <summary>`lvsha doctor`: the rules against a machine the test describes, the shipped tuning as read from the
/// shipped files, and the parts of <see cref="Machine"/> that work without ip_vs (interfaces, TCP) for real.</summary>
public sealed class DoctorTests
{
    private const string Nat = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 100
            virtual_ipaddress {
                10.0.0.50
            }
        }
        virtual_server 10.0.0.50 80 {
            protocol TCP
            lb_algo wlc
            lb_kind NAT
            real_server 10.0.1.1 80 {
                weight 1
            }
        }
        """;

    private sealed class FakeMachine : IMachine
    {
        public bool IpvsLoaded { get; set; } = true;

        public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Schedulers { get; } = ["rr", "wlc", "sh"];

        public Dictionary<string, InterfaceFacts> Interfaces { get; } = new(StringComparer.Ordinal) { ["eth0"] = new(true, true) };

        public string? Unreachable { get; set; }

        public string? Secret { get; set; }

        /// <summary>A machine tuned exactly as the shipped files say.</summary>
        public static FakeMachine Tuned()
        {
            var machine = new FakeMachine();
            foreach (var s in DirectorTuning.Director.Concat(DirectorTuning.Nat).Concat(DirectorTuning.Module))
                machine.Values[s.Key] = s.Value;
            return machine;
        }

        public string? Read(string key) => IpvsLoaded || !key.StartsWith("net.ipv4.vs.", StringComparison.Ordinal) ? Values.GetValueOrDefault(key) : null;

        public bool SchedulerAvailable(string scheduler) => Schedulers.Contains(scheduler);

        public InterfaceFacts? Interface(string name) => Interfaces.GetValueOrDefault(name);

        public string? Reach(NetworkEndpoint endpoint) => Unreachable;

        public string? SecretProblem(string path) => Secret;
    }

    private static LvsHaConfig Config(string text) => ConfigLoader.LoadText(text, "doctor.conf").Config ?? throw new InvalidOperationException("invalid test config");

    private static Finding Of(IReadOnlyList<Finding> findings, string subject) =>
        Assert.Single(findings, f => f.Subject == subject);

    [Fact]
    public void ShippedTuning_EverySettingHasItsValueAndTheReasonItsFileGives()
    {
        Assert.Contains(DirectorTuning.Director, s => s is { Key: "net.ipv4.vs.expire_nodest_conn", Value: "1" } && s.Reason.Contains("health check", StringComparison.Ordinal));
        Assert.Contains(DirectorTuning.Director, s => s is { Key: "net.ipv4.vs.conn_reuse_mode", Value: "1" });
        Assert.Contains(DirectorTuning.Nat, s => s is { Key: "net.ipv4.ip_forward", Value: "1" });
        Assert.Equal(new TunedSetting("ip_vs conn_tab_bits", "20", DirectorTuning.Module[0].Reason, DirectorTuning.ModprobeFile), Assert.Single(DirectorTuning.Module));
        Assert.All(DirectorTuning.Director.Concat(DirectorTuning.Nat).Concat(DirectorTuning.Module), s => Assert.True(s.Reason.Length > 20, $"{s.Key} has no reason"));
    }

    [Fact]
    public void Judge_TunedMachine_EverythingOk()
    {
        var findings = DoctorRules.Judge(Config(Nat), FakeMachine.Tuned());
        Assert.All(findings, f => Assert.Equal(Verdict.Ok, f.Verdict));
        Assert.Contains(findings, f => f.Subject == "lb_algo wlc");
        Assert.Contains(findings, f => f.Subject == "net.ipv4.ip_forward");
    }

    [Fact]
    public void Judge_NatWithoutForwarding_FailsAndSaysHowToFixIt()
    {
        var machine = FakeMachine.Tuned();
        machine.Values["net.ipv4.ip_forward"] = "0";
        machine.Values["net.ipv4.vs.expire_nodest_conn"] = "0";

        var findings = DoctorRules.Judge(Config(Nat), machine);

        var forward = Of(findings, "net.ipv4.ip_forward");
        Assert.Equal(Verdict.Fail, forward.Verdict);
        Assert.Equal("sysctl -w net.ipv4.ip_forward=1, and copy /usr/share/doc/lvsha/sysctl/91-lvsha-nat.conf to /etc/sysctl.d/ to keep it", forward.Fix);
        var expire = Of(findings, "net.ipv4.vs.expire_nodest_conn");
        Assert.Equal(Verdict.Warn, expire.Verdict);
        Assert.StartsWith("0, LvsHa recommends 1: ", expire.Detail, StringComparison.Ordinal);
        // IPv6 forwarding matters only for IPv6 NAT services.
        Assert.DoesNotContain(findings, f => f.Subject == "net.ipv6.conf.all.forwarding");
    }

    [Fact]
    public void Judge_AnnounceBgp_ArpSettingsJudgedOnlyThen()
    {
        const string Bgp = "bgp {\n local_as 65010\n neighbor 10.0.0.254 remote_as 65000\n}\n"
            + "virtual_server 10.0.0.60 80 {\n announce bgp\n lb_algo wlc\n lb_kind DR\n real_server 10.0.1.1 80 {\n }\n}\n";
        var machine = FakeMachine.Tuned();
        machine.Values["net.ipv4.conf.all.arp_ignore"] = "0";
        machine.Values["net.ipv4.conf.all.arp_announce"] = "2";

        var findings = DoctorRules.Judge(Config(Bgp), machine);

        var ignore = Of(findings, "net.ipv4.conf.all.arp_ignore");
        Assert.Equal(Verdict.Warn, ignore.Verdict);
        Assert.Equal("sysctl -w net.ipv4.conf.all.arp_ignore=1, and copy /usr/share/doc/lvsha/sysctl/92-lvsha-bgp.conf to /etc/sysctl.d/ to keep it", ignore.Fix);
        Assert.Equal(Verdict.Ok, Of(findings, "net.ipv4.conf.all.arp_announce").Verdict);
        Assert.DoesNotContain(DoctorRules.Judge(Config(Nat), machine), f => f.Subject == "net.ipv4.conf.all.arp_ignore");
    }

    [Fact]
    public void Judge_DrOnly_ForwardingNotJudged()
    {
        var machine = FakeMachine.Tuned();
        machine.Values["net.ipv4.ip_forward"] = "0";

        var findings = DoctorRules.Judge(Config(Nat.Replace("lb_kind NAT", "lb_kind DR", StringComparison.Ordinal)), machine);

        Assert.DoesNotContain(findings, f => f.Subject == "net.ipv4.ip_forward");
        Assert.All(findings, f => Assert.Equal(Verdict.Ok, f.Verdict));
    }

    [Fact]
    public void Judge_NoIpvs_OneFailureAndNoIpvsKeys()
    {
        var machine = FakeMachine.Tuned();
        machine.IpvsLoaded = false;

        var findings = DoctorRules.Judge(Config(Nat), machine);

        Assert.Equal(Verdict.Fail, Of(findings, "ip_vs").Verdict);
        Assert.DoesNotContain(findings, f => f.Subject.StartsWith("net.ipv4.vs.", StringComparison.Ordinal) || f.Subject.StartsWith("lb_algo", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_VrrpOnly_NoKernelOrIpvsFindings()
    {
        var findings = DoctorRules.Judge(Config(Nat[..(Nat.IndexOf("virtual_server", StringComparison.Ordinal))]), new FakeMachine { IpvsLoaded = false });
        Assert.DoesNotContain(findings, f => f.Subject == "ip_vs" || f.Subject.StartsWith("net.ipv4.vs.", StringComparison.Ordinal));
        Assert.Equal(Verdict.Ok, Of(findings, "vrrp_instance VI_1 interface eth0").Verdict);
    }

    [Theory]
    [InlineData("12", Verdict.Warn)]
    [InlineData("20", Verdict.Ok)]
    [InlineData("22", Verdict.Ok)]
    public void Judge_ConnectionTableSize_AtLeastTheShippedValue(string bits, Verdict verdict)
    {
        var machine = FakeMachine.Tuned();
        machine.Values["ip_vs conn_tab_bits"] = bits;
        Assert.Equal(verdict, Of(DoctorRules.Judge(Config(Nat), machine), "ip_vs conn_tab_bits").Verdict);
    }

    [Fact]
    public void Judge_SchedulerWithoutModule_Fails()
    {
        var machine = FakeMachine.Tuned();
        machine.Schedulers.Remove("wlc");
        var finding = Of(DoctorRules.Judge(Config(Nat), machine), "lb_algo wlc");
        Assert.Equal(Verdict.Fail, finding.Verdict);
        Assert.Contains("ip_vs_wlc", finding.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, Verdict.Fail, "no such interface")]
    [InlineData(false, Verdict.Warn, "down")]
    [InlineData(true, Verdict.Fail, "no multicast")]
    public void Judge_VrrpInterface_MissingDownOrWithoutMulticast(bool? upWithoutMulticast, Verdict verdict, string detail)
    {
        var machine = FakeMachine.Tuned();
        if (upWithoutMulticast is { } up)
            machine.Interfaces["eth0"] = new InterfaceFacts(up, Multicast: false);
        else
            machine.Interfaces.Clear();
        var finding = Of(DoctorRules.Judge(Config(Nat), machine), "vrrp_instance VI_1 interface eth0");
        Assert.Equal(verdict, finding.Verdict);
        Assert.Contains(detail, finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ClusterWithBadSecretAndUnreachableSeed_ExitsOneAndPrintsBoth()
    {
        var path = Path.Combine(Path.GetTempPath(), $"doctor-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, "cluster {\n node_name d1\n listen 10.0.0.1 2552\n seed 10.0.0.1 2552\n seed 10.0.0.2 2552\n secret_file /etc/lvsha/secret\n}\n" + Nat);
        var machine = FakeMachine.Tuned();
        machine.Secret = "secret_file /etc/lvsha/secret: readable by group or others (mode 0644)";
        machine.Unreachable = "Connection refused";
        var output = new StringWriter();
        try
        {
            Assert.Equal(ExitCodes.Failed, DoctorCommand.Run(path, machine, output, new StringWriter()));
        }
        finally
        {
            File.Delete(path);
        }

        var text = output.ToString();
        Assert.Contains("FAIL  secret_file /etc/lvsha/secret: secret_file /etc/lvsha/secret: readable by group or others (mode 0644)", text, StringComparison.Ordinal);
        Assert.Contains("WARN  seed 10.0.0.2:2552: cannot connect: Connection refused (fine if that director is stopped)\n      fix: open TCP port 2552 between the directors", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("seed 10.0.0.1:2552", text, StringComparison.Ordinal); // itself
        Assert.EndsWith("1 warning(s), 1 failure(s)" + Environment.NewLine, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Machine_ReachAndInterfaces_AsThisMachineHasThem()
    {
        var machine = new Machine();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = new NetworkEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, default!);
        Assert.Null(machine.Reach(open));
        listener.Stop();

        // A port bound but not listening refuses, and nothing else can take it meanwhile: a stopped listener's
        // ephemeral port could be reused by a parallel test, or chosen as the source port of the probe itself
        // (TCP self-connect), and then the connection succeeds. A CI round failed that way.
        using var bound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        bound.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var closed = new NetworkEndpoint("127.0.0.1", ((IPEndPoint)bound.LocalEndPoint!).Port, default!);
        Assert.Contains("refused", machine.Reach(closed), StringComparison.OrdinalIgnoreCase);

        Assert.Equal(new InterfaceFacts(true, Multicast: false), machine.Interface("lo"));
        Assert.Null(machine.Interface("lvsha-no-such-if0"));
        Assert.Null(machine.Interface("../lo"));
        Assert.Equal(File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim(), machine.Read("net.ipv4.ip_forward"));
        Assert.Null(machine.Read("net.ipv4.no_such_key"));
    }
}
