using System.Net;

namespace LvsHa.RealServers.Planning;

/// <summary>What prepare observed on one real server before (or after) changing it.</summary>
public sealed record HostState
{
    /// <summary>Whether the login user is root (no sudo needed).</summary>
    public bool IsRoot { get; init; }

    /// <summary>Whether <c>sudo -n true</c> worked (only asked for a non-root user).</summary>
    public bool SudoWorks { get; init; }

    /// <summary>The error sudo printed when it did not work.</summary>
    public string? SudoError { get; init; }

    /// <summary>Sysctl values by dotted key; null when the sysctl does not exist (e.g. the device is missing).</summary>
    public IReadOnlyDictionary<string, int?> Sysctls { get; init; } = new Dictionary<string, int?>();

    /// <summary>The interface the route towards the director leaves by.</summary>
    public string? DirectorInterface { get; init; }

    /// <summary>Why the director route could not be found (command error text).</summary>
    public string? DirectorRouteError { get; init; }

    /// <summary>Observed links by name (only the ones prepare cares about).</summary>
    public IReadOnlyDictionary<string, LinkState> Links { get; init; } = new Dictionary<string, LinkState>();

    /// <summary>The default route of the real server's family (NAT check).</summary>
    public RouteInfo? DefaultRoute { get; init; }

    /// <summary>GUE receive ports open for IPv4 and IPv6.</summary>
    public IReadOnlySet<int> FouPorts { get; init; } = new HashSet<int>();

    /// <summary>GUE receive ports open for IPv6.</summary>
    public IReadOnlySet<int> Fou6Ports { get; init; } = new HashSet<int>();

    /// <summary>The content of /etc/sysctl.d/90-lvsha.conf, null when absent.</summary>
    public string? SysctlFile { get; init; }

    /// <summary>The content of the boot unit file, null when absent.</summary>
    public string? UnitFile { get; init; }

    /// <summary>Whether systemctl reports the unit enabled.</summary>
    public bool UnitEnabled { get; init; }

    /// <summary>Whether systemctl exists on the host.</summary>
    public bool HasSystemctl { get; init; }

    /// <summary>Whether systemd is the running init (daemon-reload then makes sense).</summary>
    public bool SystemdRunning { get; init; }

    /// <summary>The absolute path of ip, for the boot unit.</summary>
    public string IpPath { get; init; } = "/sbin/ip";

    /// <summary>The absolute path of modprobe, for the boot unit.</summary>
    public string ModprobePath { get; init; } = "/sbin/modprobe";

    /// <summary>The value of a sysctl, null when absent or unread.</summary>
    public int? Sysctl(SysctlKey key) => Sysctls.TryGetValue(key.Dotted, out int? v) ? v : null;

    /// <summary>The link state, or a missing link.</summary>
    public LinkState Link(string name) => Links.TryGetValue(name, out LinkState? l) ? l : LinkState.Missing;
}

/// <summary>One link as observed: whether it exists, is up, and its addresses.</summary>
public sealed record LinkState(bool Exists, bool Up, IReadOnlyList<InterfaceAddress> Addresses)
{
    /// <summary>A link that does not exist.</summary>
    public static LinkState Missing { get; } = new(false, false, []);

    /// <summary>Whether the address is on the link with exactly this prefix length.</summary>
    public bool Has(IPAddress address, int prefixLength) =>
        Addresses.Any(a => a.Address.Equals(address) && a.PrefixLength == prefixLength);
}

/// <summary>An address with its prefix length, as <c>ip addr</c> shows it.</summary>
public sealed record InterfaceAddress(IPAddress Address, int PrefixLength)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Address}/{PrefixLength}";
}

/// <summary>A route's gateway and device.</summary>
public sealed record RouteInfo(IPAddress? Gateway, string? Device);
