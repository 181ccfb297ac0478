using LvsHa.Config;
using LvsHa.Director.Lvs;
using LvsHa.Director.Vrrp;

namespace LvsHa.Director.Daemon;

/// <summary>
/// What a reload may change in a running vrrp_instance without a restart: its VIPs, priority (not to or from 255, the
/// address owner's), advert_int, preemption, gratuitous ARP timing, notify scripts and smtp_alert (the notify runner
/// and the mailer read the running block at each transition). Trackers are left out here: they apply too, described
/// with the blocks they name by <see cref="RunningTrackerChanges"/>. Everything else (interface, virtual_router_id,
/// version, authentication, unicast peers, state...) needs a restart. Pure.
/// </summary>
public static class RunningInstanceChanges
{
    /// <summary>
    /// The changes from <paramref name="before"/> to <paramref name="after"/> in words, when all of them may be applied
    /// to the running instance; null when any needs a restart.
    /// </summary>
    public static string? Describe(VrrpInstance before, VrrpInstance after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (before.Family != after.Family || (before.Priority == 255) != (after.Priority == 255)
            || VirtualServerFingerprint.OfBlock(Fixed(before)) != VirtualServerFingerprint.OfBlock(Fixed(after)))
            return null;
        var changes = new List<string>();
        if (Vips(before) != Vips(after))
            changes.Add($"VIPs {Vips(after)}");
        Add(changes, "priority", before.Priority, after.Priority);
        Add(changes, "advert_int", before.AdvertInterval.TotalSeconds, after.AdvertInterval.TotalSeconds);
        Add(changes, "nopreempt", before.NoPreempt, after.NoPreempt);
        Add(changes, "preempt_delay", before.PreemptDelay.TotalSeconds, after.PreemptDelay.TotalSeconds);
        if (Garp(before) != Garp(after))
            changes.Add("gratuitous ARP timing");
        if (Notify(before) != Notify(after))
            changes.Add("notify scripts");
        Add(changes, "smtp_alert", before.SmtpAlert, after.SmtpAlert);
        return string.Join(", ", changes);
    }

    private static string Vips(VrrpInstance instance) => string.Join(' ', NetlinkVipManager.VipsOf(instance));

    private static void Add<T>(List<string> changes, string keyword, T before, T after)
    {
        if (!EqualityComparer<T>.Default.Equals(before, after))
            changes.Add(FormattableString.Invariant($"{keyword} {before} -> {after}"));
    }

    private static (TimeSpan, int, TimeSpan, int, int, TimeSpan, TimeSpan) Garp(VrrpInstance i) =>
        (i.GarpMasterDelay, i.GarpMasterRepeat, i.GarpMasterRefresh, i.GarpMasterRefreshRepeat, i.GarpLowerPriorityRepeat, i.GarpInterval, i.GnaInterval);

    // The commands and users only: where a script was written does not change what runs.
    private static string Notify(VrrpInstance i) =>
        string.Join('\n', new[] { i.Notify, i.NotifyMaster, i.NotifyBackup, i.NotifyFault, i.NotifyStop }.Select(n => n is null ? "" : $"{n.User} {n.Command}"));

    // The block with every field a running instance may change set to one value: what is left must be equal.
    private static VrrpInstance Fixed(VrrpInstance i) => i with
    {
        VirtualIpAddresses = [],
        VirtualIpAddressesExcluded = [],
        Priority = 0,
        AdvertInterval = TimeSpan.Zero,
        NoPreempt = false,
        PreemptDelay = TimeSpan.Zero,
        GarpMasterDelay = TimeSpan.Zero,
        GarpMasterRepeat = 0,
        GarpMasterRefresh = TimeSpan.Zero,
        GarpMasterRefreshRepeat = 0,
        GarpLowerPriorityRepeat = 0,
        GarpInterval = TimeSpan.Zero,
        GnaInterval = TimeSpan.Zero,
        Notify = null,
        NotifyMaster = null,
        NotifyBackup = null,
        NotifyFault = null,
        NotifyStop = null,
        SmtpAlert = false,
        TrackInterfaces = [],
        TrackScripts = [],
        TrackFiles = [],
        DontTrackPrimary = false,
    };
}
