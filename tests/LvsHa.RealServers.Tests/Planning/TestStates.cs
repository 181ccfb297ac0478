using System.Net;
using LvsHa.RealServers.Model;
using LvsHa.RealServers.Planning;

namespace LvsHa.RealServers.Tests.Planning;

/// <summary>Observed states and targets for planner unit tests.</summary>
internal static class TestStates
{
    public static readonly IPAddress Director = IPAddress.Parse("10.1.0.1");
    public static readonly IPAddress RealServer = IPAddress.Parse("10.1.0.2");
    public static readonly IPAddress Vip = IPAddress.Parse("192.168.50.10");
    public static readonly IPAddress Vip6 = IPAddress.Parse("2001:db8::10");

    public static PrepTarget Dr(params IPAddress[] vips) =>
        new("rs1.example", RealServer, ForwardingMethodKind.DirectRouting, vips.Length > 0 ? vips : [Vip], Director);

    public static PrepTarget Tun(TunnelKind kind, int? port = null, params IPAddress[] vips) =>
        new("rs1.example", RealServer, ForwardingMethodKind.Tunnel, vips.Length > 0 ? vips : [Vip], Director, kind, port);

    /// <summary>A fresh host: root, kernel defaults, lo down without VIPs, no files, systemctl present.</summary>
    public static HostState Fresh(params string[] links) => new()
    {
        IsRoot = true,
        SudoWorks = true,
        DirectorInterface = "eth0",
        Sysctls = new Dictionary<string, int?>
        {
            ["net.ipv4.conf.all.arp_ignore"] = 0,
            ["net.ipv4.conf.all.arp_announce"] = 0,
            ["net.ipv4.conf.lo.arp_ignore"] = 0,
            ["net.ipv4.conf.lo.arp_announce"] = 0,
            ["net.ipv4.conf.eth0.arp_ignore"] = 0,
            ["net.ipv4.conf.eth0.arp_announce"] = 0,
            ["net.ipv4.conf.all.rp_filter"] = 1,
        },
        Links = links.Append("lo").Distinct().ToDictionary(l => l, l => new LinkState(l == "lo", false, [])),
        HasSystemctl = true,
        IpPath = "/usr/sbin/ip",
        ModprobePath = "/usr/sbin/modprobe",
    };

    /// <summary>Applies the commands of the items not yet right to a state the way the kernel would, to build an "already right" state.</summary>
    public static HostState Applied(HostState state, HostPlan plan)
    {
        var sysctls = new Dictionary<string, int?>(state.Sysctls);
        var links = state.Links.ToDictionary(l => l.Key, l => l.Value);
        string? sysctlFile = state.SysctlFile;
        string? unitFile = state.UnitFile;
        bool enabled = state.UnitEnabled;
        foreach (RemoteCommand c in plan.Items.Where(i => !i.Observe(state).IsRight).SelectMany(i => i.Commands))
        {
            string[] a = [.. c.Argv];
            switch (a[0])
            {
                case "sysctl":
                    string[] kv = a[^1].Split('=');
                    sysctls[SysctlKey.TryParse(kv[0])!.Dotted] = int.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "ip" when a[1] == "link":
                    links[a[4]] = (links.TryGetValue(a[4], out LinkState? l) ? l : LinkState.Missing) with { Exists = true, Up = true };
                    break;
                case "ip" when a[1] == "addr":
                    string[] cidr = a[3].Split('/');
                    LinkState link = links.TryGetValue(a[5], out LinkState? found) ? found : LinkState.Missing;
                    var address = new InterfaceAddress(IPAddress.Parse(cidr[0]), int.Parse(cidr[1], System.Globalization.CultureInfo.InvariantCulture));
                    links[a[5]] = link with { Addresses = a[2] == "add" ? [.. link.Addresses, address] : link.Addresses.Where(x => x != address).ToList() };
                    break;
                case "tee":
                    string content = PersistedFiles.Content(c.StdinLines!);
                    if (a[1] == RemoteCommand.SysctlFilePath)
                    {
                        sysctlFile = content;
                    }
                    else
                    {
                        unitFile = content;
                    }

                    break;
                case "rm":
                    if (a[2] == RemoteCommand.SysctlFilePath)
                    {
                        sysctlFile = null;
                    }
                    else
                    {
                        unitFile = null;
                    }

                    break;
                case "systemctl":
                    enabled = a[1] == "enable";
                    break;
            }
        }

        return state with { Sysctls = sysctls, Links = links, SysctlFile = sysctlFile, UnitFile = unitFile, UnitEnabled = enabled };
    }
}
