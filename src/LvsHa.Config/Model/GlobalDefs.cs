namespace LvsHa.Config;

/// <summary>The `global_defs` block (the parts LvsHa uses).</summary>
public sealed record GlobalDefs
{
    /// <summary>An empty global_defs (none written).</summary>
    public static GlobalDefs Empty { get; } = new() { Location = new SourceLocation("", 0, 0) };

    /// <summary>`router_id`, or null.</summary>
    public string? RouterId { get; init; }

    /// <summary>`lvs_sync_daemon`, or null.</summary>
    public LvsSyncDaemon? LvsSyncDaemon { get; init; }

    /// <summary>`metrics_listen ADDR PORT` (LvsHa), or null.</summary>
    public NetworkEndpoint? MetricsListen { get; init; }

    /// <summary>`script_user USER [GROUP]` (default user of scripts that name none), or null.</summary>
    public string? ScriptUser { get; init; }

    /// <summary>Where `script_user` is written, or null.</summary>
    public SourceLocation? ScriptUserLocation { get; init; }

    /// <summary>`enable_script_security`.</summary>
    public bool EnableScriptSecurity { get; init; }

    /// <summary>`vrrp_version`: the VRRP version of instances that do not write `version` (keepalived's default 2).</summary>
    public int VrrpVersion { get; init; } = 2;

    /// <summary>`vrrp_mcast_group4`, or null for 224.0.0.18.</summary>
    public System.Net.IPAddress? VrrpMulticastGroup4 { get; init; }

    /// <summary>`vrrp_mcast_group6`, or null for ff02::12.</summary>
    public System.Net.IPAddress? VrrpMulticastGroup6 { get; init; }

    /// <summary>`vrrp_skip_check_adv_addr`: adverts from the current master skip the address-list check.</summary>
    public bool VrrpSkipCheckAdvertAddresses { get; init; }

    /// <summary>`vrrp_strict`: RFC-strict mode; `check` refuses unicast_peer and authentication with it, as keepalived.</summary>
    public bool VrrpStrict { get; init; }

    /// <summary>`vrrp_garp_*` / `vrrp_gna_interval`: defaults of the instances' garp_* settings.</summary>
    public VrrpGarpDefaults VrrpGarp { get; init; } = new();

    /// <summary>Mail alerts (notification_email, smtp_server, ...).</summary>
    public MailAlerts Mail { get; init; } = MailAlerts.None;

    /// <summary>Global `smtp_alert [BOOL]`, or null when not written.</summary>
    public bool? SmtpAlert { get; init; }

    /// <summary>`smtp_alert_vrrp [BOOL]`: overrides <see cref="SmtpAlert"/> for vrrp instances and sync groups.</summary>
    public bool? SmtpAlertVrrp { get; init; }

    /// <summary>`smtp_alert_checker [BOOL]`: overrides <see cref="SmtpAlert"/> for virtual and real servers.</summary>
    public bool? SmtpAlertChecker { get; init; }

    /// <summary>Where the block starts.</summary>
    public required SourceLocation Location { get; init; }

    /// <summary>`lvs_timeouts tcp N tcpfin N udp N`: the kernel's IPVS connection timeouts (ipvsadm --set), set when
    /// the director starts; null when not written (the kernel's values stay).</summary>
    public LvsTimeouts? LvsTimeouts { get; init; }
}

/// <summary>keepalived's global gratuitous ARP defaults (`vrrp_garp_*`), which an instance's `garp_*` overrides.</summary>
public sealed record VrrpGarpDefaults
{
    /// <summary>`vrrp_garp_master_delay` (default 5 s).</summary>
    public TimeSpan MasterDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>`vrrp_garp_master_repeat` (default 5).</summary>
    public int MasterRepeat { get; init; } = 5;

    /// <summary>`vrrp_garp_master_refresh` (default none).</summary>
    public TimeSpan MasterRefresh { get; init; }

    /// <summary>`vrrp_garp_master_refresh_repeat` (default 1).</summary>
    public int MasterRefreshRepeat { get; init; } = 1;

    /// <summary>`vrrp_garp_interval`: pause between gratuitous ARPs (default none).</summary>
    public TimeSpan Interval { get; init; }

    /// <summary>`vrrp_gna_interval`: pause between unsolicited neighbour advertisements (default none).</summary>
    public TimeSpan NaInterval { get; init; }

    /// <summary>`vrrp_garp_lower_prio_repeat`: announcements after hearing a lower-priority master (LvsHa default 5).</summary>
    public int LowerPriorityRepeat { get; init; } = 5;
}

/// <summary>IPVS connection timeouts in seconds; null leaves the kernel's value as it is (keepalived sends 0 for it).</summary>
/// <param name="Tcp">Established TCP connections (kernel default 900).</param>
/// <param name="TcpFin">TCP connections after a FIN (kernel default 120).</param>
/// <param name="Udp">UDP (kernel default 300).</param>
/// <param name="Location">Where it was written.</param>
public sealed record LvsTimeouts(int? Tcp, int? TcpFin, int? Udp, SourceLocation Location)
{
    /// <summary>keepalived's LVS_MAX_TIMEOUT: 31 days.</summary>
    public const int MaxSeconds = 86400 * 31;
}
