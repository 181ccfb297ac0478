using System.Net;

namespace LvsHa.Config;

/// <summary>A virtual IP address of a VRRP instance (`virtual_ipaddress` line).</summary>
/// <param name="Address">The address.</param>
/// <param name="PrefixLength">Prefix length (default 32 / 128).</param>
/// <param name="Device">`dev`, or null for the instance's interface.</param>
/// <param name="Label">`label`, or null.</param>
/// <param name="Scope">`scope` (global, host, link, site, nowhere or a number), or null.</param>
/// <param name="Broadcast">`brd`, or null.</param>
/// <param name="Location">Where it was written.</param>
public sealed record Vip(IPAddress Address, int PrefixLength, string? Device, string? Label, string? Scope,
    IPAddress? Broadcast, SourceLocation Location)
{
    /// <summary>IPv4 or IPv6.</summary>
    public IpFamily Family => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IpFamily.IPv6 : IpFamily.IPv4;

    /// <inheritdoc />
    public override string ToString() => $"{Address}/{PrefixLength}";
}

/// <summary>An interface whose state affects a VRRP instance (`track_interface`).</summary>
/// <param name="Name">Interface name.</param>
/// <param name="Weight">Priority change while it is down (0 = fault).</param>
/// <param name="Location">Where it was written.</param>
public sealed record TrackedInterface(string Name, int Weight, SourceLocation Location)
{
    /// <summary>`weight N reverse` (true) / `noreverse` (false); null when not written.</summary>
    public bool? Reverse { get; init; }
}

/// <summary>A vrrp_script tracked by an instance (`track_script`).</summary>
/// <param name="Name">vrrp_script name.</param>
/// <param name="Weight">Weight override, or null to use the script's.</param>
/// <param name="Location">Where it was written.</param>
public sealed record TrackedScript(string Name, int? Weight, SourceLocation Location)
{
    /// <summary>`weight N reverse` (true) / `noreverse` (false); null to use the vrrp_script's.</summary>
    public bool? Reverse { get; init; }
}

/// <summary>VRRP authentication (`authentication { auth_type auth_pass }`).</summary>
/// <param name="Type">PASS or AH.</param>
/// <param name="Password">Password (keepalived uses at most 8 characters).</param>
/// <param name="Location">Where the block starts.</param>
public sealed record VrrpAuthentication(VrrpAuthType Type, string Password, SourceLocation Location);

/// <summary>A `vrrp_instance NAME { ... }` block with keepalived's defaults applied.</summary>
public sealed record VrrpInstance
{
    /// <summary>Instance name.</summary>
    public required string Name { get; init; }

    /// <summary>Requested initial state (default BACKUP; priority 255 means MASTER).</summary>
    public required VrrpState State { get; init; }

    /// <summary>Interface adverts are sent on.</summary>
    public required string Interface { get; init; }

    /// <summary>VRID, 1..255.</summary>
    public required int VirtualRouterId { get; init; }

    /// <summary>Priority 1..255 (default 100; 255 with state MASTER, as keepalived).</summary>
    public required int Priority { get; init; }

    /// <summary>Advertisement interval (default 1 s).</summary>
    public required TimeSpan AdvertInterval { get; init; }

    /// <summary>VRRP version 2 or 3 (default 2).</summary>
    public required int Version { get; init; }

    /// <summary>`nopreempt`.</summary>
    public bool NoPreempt { get; init; }

    /// <summary>`preempt_delay` (zero when not set).</summary>
    public TimeSpan PreemptDelay { get; init; }

    /// <summary>`unicast_src_ip`, or null.</summary>
    public IPAddress? UnicastSourceIp { get; init; }

    /// <summary>`mcast_src_ip`, or null (the interface's primary address).</summary>
    public IPAddress? MulticastSourceIp { get; init; }

    /// <summary>`dont_track_primary`: the instance does not go to FAULT when its interface goes down.</summary>
    public bool DontTrackPrimary { get; init; }

    /// <summary>`promote_secondaries`: the interface's IPv4 promote_secondaries sysctl is 1 while the director runs
    /// (removing a VIP that became the primary address then keeps the other addresses of its subnet).</summary>
    public bool PromoteSecondaries { get; init; }

    /// <summary>`skip_check_adv_addr` (or global vrrp_skip_check_adv_addr).</summary>
    public bool SkipCheckAdvertAddresses { get; init; }

    /// <summary>Global `vrrp_garp_interval` (keepalived 2.2.7 knows garp_interval only in garp_group blocks).</summary>
    public TimeSpan GarpInterval { get; init; }

    /// <summary>Global `vrrp_gna_interval`.</summary>
    public TimeSpan GnaInterval { get; init; }

    /// <summary>`garp_lower_prio_repeat` (default global vrrp_garp_lower_prio_repeat).</summary>
    public int GarpLowerPriorityRepeat { get; init; } = 5;

    /// <summary>The address family of the instance's adverts: its VIPs', else its unicast_src_ip's, else IPv4.</summary>
    public IpFamily Family => VirtualIpAddresses.Count > 0 ? VirtualIpAddresses[0].Family
        : (UnicastSourceIp ?? MulticastSourceIp)?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IpFamily.IPv6 : IpFamily.IPv4;

    /// <summary>The advert source written in the config (unicast_src_ip, else mcast_src_ip), or null.</summary>
    public IPAddress? SourceIp => UnicastSourceIp ?? MulticastSourceIp;

    /// <summary>`unicast_peer` addresses (empty = multicast).</summary>
    public required IReadOnlyList<IPAddress> UnicastPeers { get; init; }

    /// <summary>`virtual_ipaddress` entries.</summary>
    public required IReadOnlyList<Vip> VirtualIpAddresses { get; init; }

    /// <summary>`virtual_ipaddress_excluded` entries (held but not advertised).</summary>
    public required IReadOnlyList<Vip> VirtualIpAddressesExcluded { get; init; }

    /// <summary>`track_interface` entries.</summary>
    public required IReadOnlyList<TrackedInterface> TrackInterfaces { get; init; }

    /// <summary>`track_script` entries.</summary>
    public required IReadOnlyList<TrackedScript> TrackScripts { get; init; }

    /// <summary>`track_file` entries.</summary>
    public IReadOnlyList<TrackedFile> TrackFiles { get; init; } = [];

    /// <summary>Whether state changes are mailed: its `smtp_alert`, else global_defs' `smtp_alert_vrrp`, else
    /// `smtp_alert`, else no (keepalived's vrrp.c).</summary>
    public bool SmtpAlert { get; init; }

    /// <summary>`notify` (called with the state as argument), or null.</summary>
    public NotifyScript? Notify { get; init; }

    /// <summary>`notify_master`, or null.</summary>
    public NotifyScript? NotifyMaster { get; init; }

    /// <summary>`notify_backup`, or null.</summary>
    public NotifyScript? NotifyBackup { get; init; }

    /// <summary>`notify_fault`, or null.</summary>
    public NotifyScript? NotifyFault { get; init; }

    /// <summary>`notify_stop`, or null.</summary>
    public NotifyScript? NotifyStop { get; init; }

    /// <summary>`garp_master_delay` (default 5 s).</summary>
    public required TimeSpan GarpMasterDelay { get; init; }

    /// <summary>`garp_master_repeat` (default 5).</summary>
    public required int GarpMasterRepeat { get; init; }

    /// <summary>`garp_master_refresh` (zero = none).</summary>
    public TimeSpan GarpMasterRefresh { get; init; }

    /// <summary>`garp_master_refresh_repeat` (default 1).</summary>
    public required int GarpMasterRefreshRepeat { get; init; }

    /// <summary>`authentication`, or null.</summary>
    public VrrpAuthentication? Authentication { get; init; }

    /// <summary>Where the block starts.</summary>
    public required SourceLocation Location { get; init; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
