namespace LvsHa.RealServers.Planning;

/// <summary>The per-interface IPv4 sysctls prepare may touch: a fixed list, nothing else reaches a command.</summary>
public enum SysctlName
{
    /// <summary>arp_ignore: answer ARP only for addresses on the receiving interface.</summary>
    ArpIgnore,

    /// <summary>arp_announce: never announce the VIP as ARP source.</summary>
    ArpAnnounce,

    /// <summary>rp_filter: reverse-path filtering, which drops tunnelled packets unless relaxed.</summary>
    RpFilter,
}

/// <summary>One net.ipv4.conf.IFACE.NAME sysctl with a validated interface.</summary>
public sealed record SysctlKey
{
    /// <summary>Creates the key; the interface must pass <see cref="SafeValues.IsInterfaceName"/>.</summary>
    public SysctlKey(string iface, SysctlName name)
    {
        Interface = SafeValues.InterfaceName(iface);
        Name = name;
    }

    /// <summary>The interface ("all" for the global switch).</summary>
    public string Interface { get; }

    /// <summary>Which sysctl.</summary>
    public SysctlName Name { get; }

    /// <summary>The kernel's file name of the sysctl.</summary>
    public string LeafName => Name switch
    {
        SysctlName.ArpIgnore => "arp_ignore",
        SysctlName.ArpAnnounce => "arp_announce",
        SysctlName.RpFilter => "rp_filter",
        _ => throw new ArgumentOutOfRangeException(nameof(Name)),
    };

    /// <summary>The familiar dotted form, for people.</summary>
    public string Dotted => $"net.ipv4.conf.{Interface}.{LeafName}";

    /// <summary>The slash form: unambiguous when an interface name has a dot (eth0.100), accepted by sysctl and sysctl.d.</summary>
    public string Slashed => $"net/ipv4/conf/{Interface}/{LeafName}";

    /// <summary>The form written to sysctl.d: dotted unless the interface has a dot.</summary>
    public string FileKey => Interface.Contains('.', StringComparison.Ordinal) ? Slashed : Dotted;

    /// <summary>The /proc file holding the value.</summary>
    public string ProcPath => $"/proc/sys/{Slashed}";

    /// <summary>Parses the dotted or slash form written by <see cref="FileKey"/>; null for anything else.</summary>
    public static SysctlKey? TryParse(string text)
    {
        string[] parts = text.StartsWith("net/", StringComparison.Ordinal)
            ? text.Split('/')
            : SplitDotted(text);
        if (parts.Length != 5 || parts[0] != "net" || parts[1] != "ipv4" || parts[2] != "conf" || !SafeValues.IsInterfaceName(parts[3]))
        {
            return null;
        }

        SysctlName? name = parts[4] switch
        {
            "arp_ignore" => SysctlName.ArpIgnore,
            "arp_announce" => SysctlName.ArpAnnounce,
            "rp_filter" => SysctlName.RpFilter,
            _ => null,
        };
        return name is null ? null : new SysctlKey(parts[3], name.Value);
    }

    private static string[] SplitDotted(string text)
    {
        // Dotted form cannot carry a dotted interface name; the file writes those in slash form.
        return text.Split('.');
    }

    /// <inheritdoc/>
    public override string ToString() => Dotted;
}
