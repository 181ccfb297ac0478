using LvsHa.Config;
using LvsHa.Director.Lvs;

namespace LvsHa.Director.Daemon;

/// <summary>
/// What a reload does with each global_defs setting: applied to the running director, or reported as taking effect at
/// the next restart (never silently ignored). The one owner of that rule: every <see cref="GlobalDefs"/> property is
/// named by exactly one of <see cref="Rules"/> (a test holds new properties to it). Pure.
/// </summary>
public static class GlobalDefsChanges
{
    /// <summary>How a reload treats one global_defs setting.</summary>
    /// <param name="Keyword">keepalived's keyword, as the reload reply names it.</param>
    /// <param name="Reload">What a reload does with it.</param>
    /// <param name="Properties">The <see cref="GlobalDefs"/> properties it covers.</param>
    /// <param name="Take">Copies the setting from the second global_defs into the first.</param>
    public sealed record Rule(string Keyword, GlobalDefsReload Reload, string[] Properties, Func<GlobalDefs, GlobalDefs, GlobalDefs> Take);

    /// <summary>lvs_timeouts' keyword: applied by the IPVS side, which a director started without virtual_server blocks does not run.</summary>
    public const string LvsTimeouts = "lvs_timeouts";

    /// <summary>Every global_defs setting, with why a reload applies it or cannot.</summary>
    public static IReadOnlyList<Rule> Rules { get; } =
    [
        // Read only by the mail alerter (the subjects' "[router_id]"), which takes new settings on reload.
        new("router_id", GlobalDefsReload.Applied, [nameof(GlobalDefs.RouterId)], (g, from) => g with { RouterId = from.RouterId }),
        // The mail alerter takes them on reload (MailAlerter.Reload), as keepalived re-reads them on SIGHUP.
        new("notification_email / smtp_server / smtp_* mail settings", GlobalDefsReload.Applied, [nameof(GlobalDefs.Mail)], (g, from) => g with { Mail = from.Mail }),
        // smtp_alert* resolve into each vrrp_instance, vrrp_sync_group, virtual_server and real_server when the file is
        // read (ModelBuilder): the blocks they change are compared and applied as if their own smtp_alert changed.
        new("smtp_alert", GlobalDefsReload.ThroughBlocks, [nameof(GlobalDefs.SmtpAlert)], (g, from) => g with { SmtpAlert = from.SmtpAlert }),
        new("smtp_alert_vrrp", GlobalDefsReload.ThroughBlocks, [nameof(GlobalDefs.SmtpAlertVrrp)], (g, from) => g with { SmtpAlertVrrp = from.SmtpAlertVrrp }),
        new("smtp_alert_checker", GlobalDefsReload.ThroughBlocks, [nameof(GlobalDefs.SmtpAlertChecker)], (g, from) => g with { SmtpAlertChecker = from.SmtpAlertChecker }),
        // Defaults of the instances' own settings, resolved into each vrrp_instance block when the file is read: an
        // instance they change is reloaded like one whose block changed (RunningInstanceChanges: GARP timing in place,
        // version or the address-list check need a restart of that instance, reported with its name).
        new("vrrp_version", GlobalDefsReload.ThroughBlocks, [nameof(GlobalDefs.VrrpVersion)], (g, from) => g with { VrrpVersion = from.VrrpVersion }),
        new("vrrp_skip_check_adv_addr", GlobalDefsReload.ThroughBlocks, [nameof(GlobalDefs.VrrpSkipCheckAdvertAddresses)], (g, from) => g with { VrrpSkipCheckAdvertAddresses = from.VrrpSkipCheckAdvertAddresses }),
        new("vrrp_garp_* / vrrp_gna_interval", GlobalDefsReload.ThroughBlocks, [nameof(GlobalDefs.VrrpGarp)], (g, from) => g with { VrrpGarp = from.VrrpGarp }),
        // Only a check of the file (no unicast_peer, no authentication), made on the reloaded file before it applies.
        new("vrrp_strict", GlobalDefsReload.Applied, [nameof(GlobalDefs.VrrpStrict)], (g, from) => g with { VrrpStrict = from.VrrpStrict }),
        // The IPVS reconciler sets the kernel's timeouts again when they change (IpvsReconcilerActor, on ReloadConfig).
        new(LvsTimeouts, GlobalDefsReload.Applied, [nameof(GlobalDefs.LvsTimeouts)], (g, from) => g with { LvsTimeouts = from.LvsTimeouts }),
        // The instances' sockets joined the groups when they started; a reloaded instance keeps its group.
        new("vrrp_mcast_group4", GlobalDefsReload.AtRestart, [nameof(GlobalDefs.VrrpMulticastGroup4)], (g, from) => g with { VrrpMulticastGroup4 = from.VrrpMulticastGroup4 }),
        new("vrrp_mcast_group6", GlobalDefsReload.AtRestart, [nameof(GlobalDefs.VrrpMulticastGroup6)], (g, from) => g with { VrrpMulticastGroup6 = from.VrrpMulticastGroup6 }),
        // The HTTP listener is bound once, when the host starts (DirectorMetricsHosting).
        new("metrics_listen", GlobalDefsReload.AtRestart, [nameof(GlobalDefs.MetricsListen)], (g, from) => g with { MetricsListen = from.MetricsListen }),
        // The script policy is built at start for the notify runner and the vrrp_script trackers (ScriptPolicy.For):
        // applied to the health checks alone it would run scripts of one daemon under two policies.
        new("script_user", GlobalDefsReload.AtRestart, [nameof(GlobalDefs.ScriptUser), nameof(GlobalDefs.ScriptUserLocation)],
            (g, from) => g with { ScriptUser = from.ScriptUser, ScriptUserLocation = from.ScriptUserLocation }),
        new("enable_script_security", GlobalDefsReload.AtRestart, [nameof(GlobalDefs.EnableScriptSecurity)], (g, from) => g with { EnableScriptSecurity = from.EnableScriptSecurity }),
        // The kernel's sync daemons are started at start and followed by one SyncDaemonFollower built with them.
        new("lvs_sync_daemon", GlobalDefsReload.AtRestart, [nameof(GlobalDefs.LvsSyncDaemon)], (g, from) => g with { LvsSyncDaemon = from.LvsSyncDaemon }),
        // Where the block was written: no setting.
        new("(location)", GlobalDefsReload.Applied, [nameof(GlobalDefs.Location)], (g, from) => g with { Location = from.Location }),
    ];

    /// <summary>
    /// The global_defs a director runs after a reload from <paramref name="before"/> to <paramref name="after"/>:
    /// <paramref name="after"/>'s settings that apply at run time, <paramref name="before"/>'s others; with the keywords
    /// of the changed settings the director applies (<paramref name="applied"/>; those reaching blocks are reported
    /// with the blocks) and those needing a restart (<paramref name="restartNeeded"/>).
    /// </summary>
    public static GlobalDefs Running(GlobalDefs before, GlobalDefs after, out IReadOnlyList<string> applied, out IReadOnlyList<string> restartNeeded)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var running = after;
        var done = new List<string>();
        var pending = new List<string>();
        foreach (var rule in Rules)
        {
            if (Compared(rule, before) == Compared(rule, after))
                continue;
            switch (rule.Reload)
            {
                case GlobalDefsReload.Applied:
                    done.Add(rule.Keyword);
                    break;
                case GlobalDefsReload.AtRestart:
                    pending.Add($"global_defs {rule.Keyword}");
                    running = rule.Take(running, before);
                    break;
            }
        }

        applied = done;
        restartNeeded = pending;
        return running;
    }

    // One setting as the dump writes it, without where it was written (a setting moved in the file is unchanged): the
    // fingerprint drops the `location` of the blocks, script_user's is a property of its own.
    private static string Compared(Rule rule, GlobalDefs global) =>
        VirtualServerFingerprint.OfBlock(rule.Take(GlobalDefs.Empty, global) with { ScriptUserLocation = null });
}

/// <summary>What a reload does with a global_defs setting.</summary>
public enum GlobalDefsReload
{
    /// <summary>The running director takes the new value.</summary>
    Applied,

    /// <summary>A default resolved into blocks when the file is read: the blocks it changes are reloaded (or reported
    /// as needing a restart) as if their own setting changed.</summary>
    ThroughBlocks,

    /// <summary>The running value stays; the change is reported as taking effect at the next restart.</summary>
    AtRestart,
}
