using System.Globalization;
using LvsHa.Config;

namespace LvsHa.Cli.Doctor;

/// <summary>How a finding stands: fine, worth changing, or stopping the config from working.</summary>
public enum Verdict
{
    /// <summary>As the config needs it.</summary>
    Ok,

    /// <summary>Works, but not as LvsHa recommends (the reason says what goes wrong).</summary>
    Warn,

    /// <summary>Something the config needs is missing: part of it cannot work on this machine.</summary>
    Fail,
}

/// <summary>One thing doctor looked at.</summary>
/// <param name="Verdict">How it stands.</param>
/// <param name="Subject">What was looked at (a sysctl key, a module, an interface, a seed).</param>
/// <param name="Detail">What was found, and why it matters when it is not ok.</param>
/// <param name="Fix">What to change, or null when nothing is to be done.</param>
public sealed record Finding(Verdict Verdict, string Subject, string Detail, string? Fix = null);

/// <summary>An interface as doctor needs to know it.</summary>
/// <param name="Up">Administratively up and not operationally down.</param>
/// <param name="Multicast">The interface has IFF_MULTICAST (VRRP adverts go to 224.0.0.18 / ff02::12).</param>
public sealed record InterfaceFacts(bool Up, bool Multicast);

/// <summary>What doctor reads of the machine; <see cref="Machine"/> reads the real one, tests give their own.</summary>
public interface IMachine
{
    /// <summary>Whether the kernel has ip_vs loaded.</summary>
    bool IpvsLoaded { get; }

    /// <summary>The current value of a sysctl key or of "MODULE PARAMETER"; null when it does not exist.</summary>
    string? Read(string key);

    /// <summary>Whether the kernel can load (or has built in) the scheduler ip_vs_<paramref name="scheduler"/>.</summary>
    bool SchedulerAvailable(string scheduler);

    /// <summary>The interface, or null when there is none of that name.</summary>
    InterfaceFacts? Interface(string name);

    /// <summary>Null when a TCP connection to <paramref name="endpoint"/> opens within a few seconds, else why not.</summary>
    string? Reach(NetworkEndpoint endpoint);

    /// <summary>Null when the cluster secret file is usable as `run` reads it, else why not.</summary>
    string? SecretProblem(string path);
}

/// <summary>
/// `lvsha doctor`: judges this machine against what the configuration needs. Pure: the machine is read through
/// <see cref="IMachine"/>, the recommended values come from the shipped files (<see cref="DirectorTuning"/>).
/// </summary>
public static class DoctorRules
{
    private const string IpvsPrefix = "net.ipv4.vs.";

    /// <summary>Every finding, in the order an operator fixes them: kernel, sysctls, interfaces, cluster.</summary>
    public static IReadOnlyList<Finding> Judge(LvsHaConfig config, IMachine machine)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(machine);
        var findings = new List<Finding>();
        bool balances = config.VirtualServers.Count > 0;
        if (balances)
            Kernel(config, machine, findings);
        foreach (var setting in DirectorTuning.Director.Where(s => balances || !s.Key.StartsWith(IpvsPrefix, StringComparison.Ordinal)))
        {
            if (setting.Key.StartsWith(IpvsPrefix, StringComparison.Ordinal) && !machine.IpvsLoaded)
                continue; // the keys exist only with ip_vs, whose absence is already a failure
            findings.Add(Compare(setting, machine.Read(setting.Key), Verdict.Warn, $"sysctl -w {setting.Key}={setting.Value} (kept across boots by {setting.File}, which the package installs)"));
        }
        Nat(config, machine, findings);
        Bgp(config, machine, findings);
        Interfaces(config, machine, findings);
        Cluster(config, machine, findings);
        return findings;
    }

    private static void Kernel(LvsHaConfig config, IMachine machine, List<Finding> findings)
    {
        if (!machine.IpvsLoaded)
        {
            findings.Add(new Finding(Verdict.Fail, "ip_vs", "the kernel module ip_vs is not loaded: no virtual service can be programmed",
                "modprobe ip_vs (the package loads it at boot: /usr/lib/modules-load.d/lvsha.conf)"));
            return;
        }
        findings.Add(new Finding(Verdict.Ok, "ip_vs", "loaded"));
        foreach (var scheduler in config.VirtualServers.Select(v => v.Scheduler.ToString().ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal))
        {
            findings.Add(machine.SchedulerAvailable(scheduler)
                ? new Finding(Verdict.Ok, $"lb_algo {scheduler}", $"kernel module ip_vs_{scheduler} available")
                : new Finding(Verdict.Fail, $"lb_algo {scheduler}", $"this kernel has no module ip_vs_{scheduler}: the services using it cannot be added",
                    $"use a kernel built with CONFIG_IP_VS_{scheduler.ToUpperInvariant()}, or another lb_algo"));
        }
        foreach (var setting in DirectorTuning.Module)
        {
            var current = machine.Read(setting.Key);
            // A larger table than shipped is fine too.
            findings.Add(int.TryParse(current, CultureInfo.InvariantCulture, out var now) && int.TryParse(setting.Value, CultureInfo.InvariantCulture, out var wanted) && now > wanted
                ? new Finding(Verdict.Ok, setting.Key, $"{now} (at least {wanted})")
                : Compare(setting, current, Verdict.Warn,
                    $"{setting.File} (the package installs it) takes effect when ip_vs is next loaded: at the next boot, or stop lvsha and run `modprobe -r ip_vs && modprobe ip_vs`"));
        }
    }

    private static void Nat(LvsHaConfig config, IMachine machine, List<Finding> findings)
    {
        var natFamilies = config.VirtualServers
            .Where(v => v.RealServers.Any(r => r.Method.Method == LvsMethod.Nat) || v.SorryServer?.Method.Method == LvsMethod.Nat)
            .Select(v => v.Family).ToHashSet();
        if (natFamilies.Count == 0)
            return;
        foreach (var setting in DirectorTuning.Nat)
        {
            if (setting.Key.StartsWith(IpvsPrefix, StringComparison.Ordinal) && !machine.IpvsLoaded)
                continue;
            // Forwarding is what makes NAT work at all, for the families NAT services use; the rest is advice.
            var family = setting.Key switch
            {
                "net.ipv4.ip_forward" => IpFamily.IPv4,
                "net.ipv6.conf.all.forwarding" => IpFamily.IPv6,
                _ => (IpFamily?)null,
            };
            if (family is { } f && !natFamilies.Contains(f))
                continue;
            findings.Add(Compare(setting, machine.Read(setting.Key), family is null ? Verdict.Warn : Verdict.Fail,
                $"sysctl -w {setting.Key}={setting.Value}, and copy {setting.File} to /etc/sysctl.d/ to keep it"));
        }
    }

    // The announced VIPs sit on lo of every director at once: answering ARP for them would draw traffic past the routers.
    private static void Bgp(LvsHaConfig config, IMachine machine, List<Finding> findings)
    {
        if (!config.VirtualServers.Any(v => v.AnnounceBgp))
            return;
        foreach (var setting in DirectorTuning.Bgp)
            findings.Add(Compare(setting, machine.Read(setting.Key), Verdict.Warn,
                $"sysctl -w {setting.Key}={setting.Value}, and copy {setting.File} to /etc/sysctl.d/ to keep it"));
    }

    private static void Interfaces(LvsHaConfig config, IMachine machine, List<Finding> findings)
    {
        foreach (var instance in config.VrrpInstances)
        {
            var subject = $"vrrp_instance {instance.Name} interface {instance.Interface}";
            var facts = machine.Interface(instance.Interface);
            if (facts is null)
            {
                findings.Add(new Finding(Verdict.Fail, subject, "no such interface: the instance cannot run", "fix the interface name in the config"));
                continue;
            }
            if (!facts.Up)
                findings.Add(new Finding(Verdict.Warn, subject, "down: the instance stays in FAULT until it comes up", $"ip link set {instance.Interface} up"));
            else if (instance.UnicastPeers.Count == 0 && !facts.Multicast)
                findings.Add(new Finding(Verdict.Fail, subject, "no multicast on it: adverts to the VRRP group cannot be sent",
                    "add unicast_src_ip and unicast_peer { } to the instance, or enable multicast on the interface"));
            else
                findings.Add(new Finding(Verdict.Ok, subject, instance.UnicastPeers.Count > 0 ? "up (unicast adverts)" : "up, multicast"));
        }
    }

    private static void Cluster(LvsHaConfig config, IMachine machine, List<Finding> findings)
    {
        if (config.Cluster is not { } cluster)
            return;
        var secret = machine.SecretProblem(cluster.SecretFile);
        findings.Add(secret is null
            ? new Finding(Verdict.Ok, $"secret_file {cluster.SecretFile}", "readable by root only, strong enough")
            : new Finding(Verdict.Fail, $"secret_file {cluster.SecretFile}", secret, "`lvsha secret generate FILE` writes a new one; copy the same file to every director"));
        foreach (var seed in cluster.Seeds.Where(s => !SameEndpoint(s, cluster.Listen)))
        {
            var problem = machine.Reach(seed);
            findings.Add(problem is null
                ? new Finding(Verdict.Ok, $"seed {seed}", "reachable")
                : new Finding(Verdict.Warn, $"seed {seed}", $"cannot connect: {problem} (fine if that director is stopped)",
                    $"open TCP port {seed.Port} between the directors"));
        }
    }

    private static bool SameEndpoint(NetworkEndpoint a, NetworkEndpoint b) =>
        a.Port == b.Port && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);

    private static Finding Compare(TunedSetting setting, string? current, Verdict otherwise, string fix)
    {
        if (current is null)
            return new Finding(otherwise, setting.Key, $"not present on this kernel; LvsHa recommends {setting.Value}: {setting.Reason}", fix);
        return Same(current, setting.Value)
            ? new Finding(Verdict.Ok, setting.Key, current)
            : new Finding(otherwise, setting.Key, $"{current}, LvsHa recommends {setting.Value}: {setting.Reason}", fix);
    }

    private static bool Same(string current, string wanted) =>
        string.Equals(current.Trim(), wanted, StringComparison.Ordinal)
        || (long.TryParse(current.Trim(), CultureInfo.InvariantCulture, out var a) && long.TryParse(wanted, CultureInfo.InvariantCulture, out var b) && a == b);
}
