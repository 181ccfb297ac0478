using System.Net;

namespace LvsHa.Config;

/// <summary>A `virtual_server` block: one or more IPVS services (see <see cref="Endpoints"/>) and their real servers.</summary>
public sealed record VirtualServer
{
    /// <summary>How it was named: "10.0.0.1 80", "fwmark 5" or "group web".</summary>
    public required string Name { get; init; }

    /// <summary>Virtual address (null for fwmark and group virtual servers).</summary>
    public IPAddress? Address { get; init; }

    /// <summary>Virtual port (0 for fwmark and group virtual servers).</summary>
    public int Port { get; init; }

    /// <summary>Firewall mark (0 unless `virtual_server fwmark N`).</summary>
    public uint Fwmark { get; init; }

    /// <summary>Group name (null unless `virtual_server group NAME`).</summary>
    public string? GroupName { get; init; }

    /// <summary>IPv4 or IPv6 (from the address, `ip_family`, or the real servers).</summary>
    public required IpFamily Family { get; init; }

    /// <summary>Protocol (default TCP).</summary>
    public required ServiceProtocol Protocol { get; init; }

    /// <summary>The IPVS services this virtual server programs (one, or one per group entry).</summary>
    public required IReadOnlyList<ServiceEndpoint> Endpoints { get; init; }

    /// <summary>Scheduler (`lb_algo` / `lvs_sched`; default wlc).</summary>
    public required Scheduler Scheduler { get; init; }

    /// <summary>Scheduler flags (flag-1..3, sh-port, sh-fallback, mh-port, mh-fallback).</summary>
    public SchedulerFlags SchedulerFlags { get; init; }

    /// <summary>One-packet scheduling (`ops`, UDP only).</summary>
    public bool OnePacketScheduling { get; init; }

    /// <summary>Default forwarding method of the real servers (default NAT).</summary>
    public required ForwardingMethod Method { get; init; }

    /// <summary>Persistence timeout in seconds (`persistence_timeout`; bare keyword = 360), or null for none.</summary>
    public int? PersistenceTimeout { get; init; }

    /// <summary>Persistence granularity: IPv4 netmask (e.g. 255.255.255.0), or null for a single address.</summary>
    public IPAddress? PersistenceGranularity { get; init; }

    /// <summary>Persistence granularity as a prefix length (32 or 128 when not set).</summary>
    public required int PersistencePrefixLength { get; init; }

    /// <summary>Persistence engine (`persistence_engine`, e.g. "sip"), or null.</summary>
    public string? PersistenceEngine { get; init; }

    /// <summary>Minimum live weight to keep the service up (default 1; lowered to the weight sum if above).</summary>
    public required int Quorum { get; init; }

    /// <summary>Hysteresis around the quorum (default 0).</summary>
    public int Hysteresis { get; init; }

    /// <summary>Script run when quorum is gained, or null.</summary>
    public NotifyScript? QuorumUp { get; init; }

    /// <summary>Script run when quorum is lost, or null.</summary>
    public NotifyScript? QuorumDown { get; init; }

    /// <summary>Sorry server, or null.</summary>
    public SorryServer? SorryServer { get; init; }

    /// <summary>`alpha`: real servers start down until a check succeeds.</summary>
    public bool Alpha { get; init; }

    /// <summary>`omega`: run notify_down / quorum_down scripts when the service is removed.</summary>
    public bool Omega { get; init; }

    /// <summary>`inhibit_on_failure` default for the real servers.</summary>
    public bool InhibitOnFailure { get; init; }

    /// <summary>`ha_suspend`: only program the service while a VIP for it is held.</summary>
    public bool HaSuspend { get; init; }

    /// <summary>`announce bgp`: while this director can forward the service, its address is announced through the bgp
    /// block's neighbors (several directors behind ECMP); see <see cref="BgpSettings"/>.</summary>
    public bool AnnounceBgp { get; init; }

    /// <summary>Whether quorum changes are mailed: its `smtp_alert`, else `smtp_alert_checker`, else `smtp_alert`, else no.</summary>
    public bool SmtpAlert { get; init; }

    /// <summary>Checker interval default (`delay_loop`, default 60 s).</summary>
    public required TimeSpan DelayLoop { get; init; }

    /// <summary>Host header default for HTTP checks (`virtualhost`), or null.</summary>
    public string? Virtualhost { get; init; }

    /// <summary>Real servers, in file order.</summary>
    public required IReadOnlyList<RealServer> RealServers { get; init; }

    /// <summary>Where `virtual_server` was written.</summary>
    public required SourceLocation Location { get; init; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
