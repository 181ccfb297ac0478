namespace LvsHa.Config;

/// <summary>Transport protocol of a virtual service (keepalived `protocol`).</summary>
public enum ServiceProtocol
{
    /// <summary>TCP (the keepalived default).</summary>
    Tcp,
    /// <summary>UDP.</summary>
    Udp,
    /// <summary>SCTP.</summary>
    Sctp,
}

/// <summary>IP family of a service or address.</summary>
public enum IpFamily
{
    /// <summary>IPv4.</summary>
    IPv4,
    /// <summary>IPv6.</summary>
    IPv6,
}

/// <summary>IPVS scheduler (keepalived `lb_algo` / `lvs_sched`).</summary>
public enum Scheduler
{
    /// <summary>Round robin.</summary>
    Rr,
    /// <summary>Weighted round robin.</summary>
    Wrr,
    /// <summary>Least connection.</summary>
    Lc,
    /// <summary>Weighted least connection.</summary>
    Wlc,
    /// <summary>Locality-based least connection.</summary>
    Lblc,
    /// <summary>Locality-based least connection with replication.</summary>
    Lblcr,
    /// <summary>Destination hashing.</summary>
    Dh,
    /// <summary>Source hashing.</summary>
    Sh,
    /// <summary>Shortest expected delay.</summary>
    Sed,
    /// <summary>Never queue.</summary>
    Nq,
    /// <summary>Weighted fail over.</summary>
    Fo,
    /// <summary>Weighted overflow.</summary>
    Ovf,
    /// <summary>Maglev hashing.</summary>
    Mh,
    /// <summary>Weighted random twos choice.</summary>
    Twos,
}

/// <summary>Scheduler flags; the values are the kernel's IP_VS_SVC_F_SCHED1..3 bits.</summary>
[Flags]
public enum SchedulerFlags
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>flag-1 (sh-fallback / mh-fallback).</summary>
    Flag1 = 0x0008,
    /// <summary>flag-2 (sh-port / mh-port).</summary>
    Flag2 = 0x0010,
    /// <summary>flag-3.</summary>
    Flag3 = 0x0020,
}

/// <summary>LVS forwarding method (keepalived `lb_kind` / `lvs_method`).</summary>
public enum LvsMethod
{
    /// <summary>Masquerading (NAT).</summary>
    Nat,
    /// <summary>Direct routing (gatewaying).</summary>
    Dr,
    /// <summary>IP tunnelling.</summary>
    Tun,
}

/// <summary>Tunnel encapsulation for the TUN method.</summary>
public enum TunnelType
{
    /// <summary>IP in IP (the default).</summary>
    Ipip,
    /// <summary>Generic UDP encapsulation.</summary>
    Gue,
    /// <summary>Generic routing encapsulation.</summary>
    Gre,
}

/// <summary>Checksum handling of GUE/GRE tunnels.</summary>
public enum TunnelChecksum
{
    /// <summary>No checksum (keepalived's default for GUE and GRE).</summary>
    NoCsum,
    /// <summary>Checksum.</summary>
    Csum,
    /// <summary>Remote checksum offload.</summary>
    RemCsum,
}

/// <summary>Initial VRRP state asked for by `state`.</summary>
public enum VrrpState
{
    /// <summary>BACKUP (the keepalived default).</summary>
    Backup,
    /// <summary>MASTER.</summary>
    Master,
}

/// <summary>VRRP authentication type.</summary>
public enum VrrpAuthType
{
    /// <summary>Simple password.</summary>
    Pass,
    /// <summary>IPSEC AH.</summary>
    Ah,
}

/// <summary>What LvsHa does when the cluster partitions.</summary>
public enum SplitBrainGuard
{
    /// <summary>Only the side with a majority of the configured nodes keeps VIPs.</summary>
    Majority,
    /// <summary>No guard: every side acts alone.</summary>
    Off,
}

/// <summary>Severity of a configuration diagnostic.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Loads, but the operator should look.</summary>
    Warning,
    /// <summary>The configuration is refused.</summary>
    Error,
}
