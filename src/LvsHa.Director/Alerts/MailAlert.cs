using System.Net;
using LvsHa.Config;
using VrrpState = LvsHa.Vrrp.VrrpState;

namespace LvsHa.Director.Alerts;

/// <summary>One alert mail's subject and body, worded as keepalived 2.2.7 words them (core/smtp.c, vrrp_notify.c,
/// check_*.c), so filters operators wrote for keepalived's mail keep working. Pure.</summary>
public sealed record MailAlert(string Subject, string Body)
{
    /// <summary>A vrrp_instance entered <paramref name="state"/>; null for states keepalived does not mail (INIT).</summary>
    public static MailAlert? Instance(string routerId, string instance, VrrpState state) => StateWords(state, group: false) is { } words
        ? new MailAlert($"[{routerId}] VRRP Instance {instance} - {words.Subject}", words.Body)
        : null;

    /// <summary>A vrrp_sync_group entered <paramref name="state"/>; null for states keepalived does not mail.</summary>
    public static MailAlert? Group(string routerId, string group, VrrpState state) => StateWords(state, group: true) is { } words
        ? new MailAlert($"[{routerId}] VRRP Group {group} - {words.Subject}", words.Body)
        : null;

    /// <summary>A real server went up or down.</summary>
    /// <param name="routerId">global_defs router_id (the host name by default).</param>
    /// <param name="realServer">keepalived's FMT_RS, e.g. "[10.0.1.4]:tcp:80" (<see cref="Trio"/>).</param>
    /// <param name="virtualServer">keepalived's FMT_VS, e.g. "[10.0.0.1]:tcp:80" or "FWM 7" (<see cref="VirtualServerName"/>).</param>
    /// <param name="up">The real server's new state.</param>
    /// <param name="body">What the checker found, in keepalived's words (<see cref="CheckerBody"/>).</param>
    public static MailAlert RealServer(string routerId, string realServer, string virtualServer, bool up, string body) => new(
        $"[{routerId}] Realserver {realServer} of virtual server {virtualServer} - {(up ? "UP" : "DOWN")}", body);

    /// <summary>A virtual server gained or lost its quorum, started with it up or down, or shut down; <paramref name="body"/>
    /// as <see cref="QuorumBody"/> or <see cref="ShuttingDownBody"/>.</summary>
    public static MailAlert VirtualServer(string routerId, string virtualServer, bool up, string body) => new(
        $"[{routerId}] Virtualserver {virtualServer} - {(up ? "UP" : "DOWN")}", body);

    /// <summary>keepalived's do_vs_notifies body, e.g. "=> Gained quorum 1+0=1 <= 3 <=" (always "+" and "<=", even for
    /// a lost quorum); <paramref name="starting"/> for the state a virtual server starts with ("Starting with quorum
    /// up").</summary>
    public static string QuorumBody(bool up, bool starting, long quorum, long hysteresis, long threshold, long liveWeight)
    {
        var words = (up, starting) switch
        {
            (true, true) => "Starting with quorum up",
            (false, true) => "Starting with quorum down",
            (true, false) => "Gained quorum",
            (false, false) => "Lost quorum",
        };
        return FormattableString.Invariant($"=> {words} {quorum}+{hysteresis}={threshold} <= {liveWeight} <=");
    }

    /// <summary>The body of the DOWN mails of a virtual server stopped with omega and of its live real servers
    /// (keepalived's clear_service_rs and do_vs_notifies when stopping).</summary>
    public const string ShuttingDownBody = "=> Shutting down <=";

    /// <summary>A live real server's mail when a reload takes it away (keepalived's clear_service_rs on reload).</summary>
    public const string RemovingBody = "=> Removing <=";

    /// <summary>The body of the mail keepalived's checker sends for <paramref name="verdict"/>, or null when it sends
    /// none: every checker mails a verdict that changed its state (check_*.c, checker_was_up), MISC_CHECK also its
    /// first verdict (check_misc.c mails whenever it reports "succeeded", "failed" or "timed out", and it reports the first one
    /// even when it changes nothing); FILE_CHECK never mails.</summary>
    public static string? CheckerBody(HealthChecker? checker, LvsHa.Health.State.CheckerVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (!verdict.Changed && checker is not MiscChecker)
            return null;
        // check_misc.c words a script it had to end "timed out" (script_exit_type).
        return checker is MiscChecker && !verdict.Up && verdict.TimedOut ? "=> MISC CHECK timed out on service <=" : CheckerBody(checker, verdict.Up);
    }

    /// <summary>keepalived's inet_sockaddrtotrio: "[ADDRESS]:PROTO:PORT".</summary>
    public static string Trio(IPAddress address, ServiceProtocol protocol, int port) =>
        FormattableString.Invariant($"[{address}]:{protocol.ToString().ToLowerInvariant()}:{port}");

    /// <summary>keepalived's format_vs: "[GROUP]:PORT" for a virtual_server group, "FWM N", else the trio.</summary>
    public static string VirtualServerName(VirtualServer vs)
    {
        ArgumentNullException.ThrowIfNull(vs);
        return vs.GroupName is { } group ? FormattableString.Invariant($"[{group}]:{vs.Port}")
            : vs.Fwmark != 0 ? FormattableString.Invariant($"FWM {vs.Fwmark}")
            : Trio(vs.Address!, vs.Protocol, vs.Port);
    }

    /// <summary>The body keepalived's checker writes for its verdict <paramref name="up"/> (check_*.c); null for
    /// FILE_CHECK, which keepalived never mails about.</summary>
    public static string? CheckerBody(HealthChecker? checker, bool up) => checker switch
    {
        FileChecker => null,
        TcpChecker => $"=> TCP CHECK {(up ? "succeed" : "failed")} on service <=",
        PingChecker => $"=> ICMP CHECK {(up ? "succeed" : "failed")} on service <=",
        UdpChecker => $"=> UDP CHECK {(up ? "succeed" : "failed")} on service <=",
        DnsChecker => $"=> DNS_CHECK: {(up ? "succeed" : "failed")} on service <=",
        MiscChecker => $"=> MISC CHECK {(up ? "succeeded" : "failed")} on service <=",
        HttpChecker when !up => "=> CHECK failed on service : HTTP request failed <=",
        _ => $"=> CHECK {(up ? "succeed" : "failed")} on service <=",
    };

    private static (string Subject, string Body)? StateWords(VrrpState state, bool group) => state switch
    {
        VrrpState.Master => ("Entering MASTER state", group
            ? "=> All VRRP group instances are now in MASTER state <="
            : "=> VRRP Instance is now owning VRRP VIPs <="),
        VrrpState.Backup => ("Entering BACKUP state", group
            ? "=> All VRRP group instances are now in BACKUP state <="
            : "=> VRRP Instance is no longer owning VRRP VIPs <="),
        VrrpState.Fault => ("Entering FAULT state", group
            ? "=> All VRRP group instances are now in FAULT state <="
            : "=> VRRP Instance is no longer owning VRRP VIPs <="),
        VrrpState.Stopped => ("Stopping", group
            ? "=> All VRRP group instances are now stopping <="
            : "=> VRRP Instance stopping <="),
        _ => null,
    };
}
