using LvsHa.Vrrp;

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

    /// <summary>A real server went up or down (its checker's verdict, e.g. "TCP CHECK failed").</summary>
    /// <param name="routerId">global_defs router_id (the host name by default).</param>
    /// <param name="realServer">keepalived's FMT_RS, e.g. "[10.0.1.4]:tcp:80".</param>
    /// <param name="virtualServer">keepalived's FMT_VS, e.g. "[10.0.0.1]:tcp:80" or "FWM 7".</param>
    /// <param name="up">The real server's new state.</param>
    /// <param name="verdict">What the checker found, e.g. "TCP CHECK succeed" (keepalived's wording).</param>
    public static MailAlert RealServer(string routerId, string realServer, string virtualServer, bool up, string verdict) => new(
        $"[{routerId}] Realserver {realServer} of virtual server {virtualServer} - {(up ? "UP" : "DOWN")}",
        $"=> {verdict} on service <=");

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
