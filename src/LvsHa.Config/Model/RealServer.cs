using System.Net;

namespace LvsHa.Config;

/// <summary>A real server of a virtual server, with keepalived's inheritance and defaults applied.</summary>
public sealed record RealServer
{
    /// <summary>Address.</summary>
    public required IPAddress Address { get; init; }

    /// <summary>IPv4 or IPv6.</summary>
    public IpFamily Family => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IpFamily.IPv6 : IpFamily.IPv4;

    /// <summary>Port: as written for NAT, the virtual port for DR/TUN, 0 for fwmark services.</summary>
    public required int Port { get; init; }

    /// <summary>Where SSH reaches this server (`ssh_host`; default its address).</summary>
    public required string SshHost { get; init; }

    /// <summary>Weight (default 1).</summary>
    public required int Weight { get; init; }

    /// <summary>Forwarding method (own `lvs_method`, else the virtual server's).</summary>
    public required ForwardingMethod Method { get; init; }

    /// <summary>`alpha` (own, else the virtual server's): the server starts down until its checkers succeed.</summary>
    public bool Alpha { get; init; }

    /// <summary>`inhibit_on_failure`: on failure set weight 0 instead of removing it.</summary>
    public bool InhibitOnFailure { get; init; }

    /// <summary>Upper connection threshold (`uthreshold`, 0 = none).</summary>
    public int UpperThreshold { get; init; }

    /// <summary>Lower connection threshold (`lthreshold`, 0 = none).</summary>
    public int LowerThreshold { get; init; }

    /// <summary>Whether up/down changes are mailed: its `smtp_alert`, else `smtp_alert_checker`, else `smtp_alert`,
    /// else yes (keepalived's default for real servers).</summary>
    public bool SmtpAlert { get; init; } = true;

    /// <summary>Script run when it comes up, or null.</summary>
    public NotifyScript? NotifyUp { get; init; }

    /// <summary>Script run when it goes down, or null.</summary>
    public NotifyScript? NotifyDown { get; init; }

    /// <summary>Interval between checks (own `delay_loop`, else the virtual server's, default 60 s).</summary>
    public required TimeSpan DelayLoop { get; init; }

    /// <summary>Host header for HTTP checks (`virtualhost`), or null.</summary>
    public string? Virtualhost { get; init; }

    /// <summary>Health checks; none means always up.</summary>
    public required IReadOnlyList<HealthChecker> Checkers { get; init; }

    /// <summary>Where `real_server` was written.</summary>
    public required SourceLocation Location { get; init; }

    /// <summary>
    /// The destination port to program under <paramref name="endpoint"/>: the endpoint's own port for DR/TUN (and for
    /// NAT real servers written without a port), 0 under a fwmark service unless NAT gave one, else <see cref="Port"/>.
    /// </summary>
    public int PortFor(ServiceEndpoint endpoint) => Method.DestinationPort(Port, endpoint);

    /// <summary>"address:port" as operators write it.</summary>
    public string Name => Family == IpFamily.IPv6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";

    /// <inheritdoc />
    public override string ToString() => Name;
}
