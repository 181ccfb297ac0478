using LvsHa.Config;
using LvsHa.Netlink.Route;
using LvsHa.Vrrp;

namespace LvsHa.Director.Vrrp;

/// <summary>
/// Which trackers each vrrp_instance has, from the configuration (pure): its own interface (FAULT while down, as
/// keepalived's VRRP_ISUP, unless dont_track_primary), each track_interface, each track_script (the track_script's
/// weight and reverse override the vrrp_script's) and each track_file (likewise over the track_file block's).
/// </summary>
public static class VrrpTrackerPlan
{
    private const uint InterfaceUp = 0x1;       // IFF_UP
    private const uint InterfaceRunning = 0x40; // IFF_RUNNING (operationally up: carrier)

    /// <summary>Tracker name of the instance's own interface.</summary>
    public static string OwnInterface(string name) => "interface " + name;

    /// <summary>Tracker name of a track_interface entry.</summary>
    public static string TrackInterface(string name) => "track_interface " + name;

    /// <summary>Tracker name of a track_script entry.</summary>
    public static string TrackScript(string name) => "track_script " + name;

    /// <summary>Tracker name of a track_file entry.</summary>
    public static string TrackFile(string name) => "track_file " + name;

    /// <summary>keepalived's notion of an interface being up: IFF_UP and IFF_RUNNING both set.</summary>
    public static bool IsUp(NetworkLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        return (link.Flags & (InterfaceUp | InterfaceRunning)) == (InterfaceUp | InterfaceRunning);
    }

    /// <summary>The trackers of <paramref name="instance"/>; interfaces, weight-0 scripts and files hold its start until known.</summary>
    public static IReadOnlyList<InstanceTracker> For(VrrpInstance instance, IReadOnlyList<VrrpScript> scripts, IReadOnlyList<TrackFile>? files = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(scripts);
        // dont_track_primary: the instance's own interface going down is no fault (keepalived's VRRP_ISUP skipped).
        var result = instance.DontTrackPrimary
            ? new List<InstanceTracker>()
            : [new(new TrackedObject(OwnInterface(instance.Interface), 0), HoldsStart: true)];
        foreach (var tracked in instance.TrackInterfaces)
            result.Add(new(new TrackedObject(TrackInterface(tracked.Name), tracked.Weight, tracked.Reverse ?? false), HoldsStart: true));
        foreach (var tracked in instance.TrackScripts)
        {
            // The validator reports unknown scripts; a config that reached here names only defined ones.
            if (scripts.FirstOrDefault(s => s.Name == tracked.Name) is not { } script)
                continue;
            var weight = tracked.Weight ?? script.Weight;
            result.Add(new(new TrackedObject(TrackScript(tracked.Name), weight, tracked.Reverse ?? script.WeightReverse), HoldsStart: weight == 0));
        }

        foreach (var tracked in instance.TrackFiles)
        {
            if ((files ?? []).FirstOrDefault(f => f.Name == tracked.Name) is not { } file)
                continue;
            // A file is read at start (keepalived reads it before the instance runs): it never keeps the start waiting long.
            result.Add(new(new TrackedObject(TrackFile(tracked.Name), tracked.Weight ?? file.Weight, tracked.Reverse ?? file.WeightReverse, Valued: true), HoldsStart: true));
        }

        return result;
    }

    /// <summary>
    /// What decides how a vrrp_script runs (script line, interval, timeout, rise, fall, init_fail, user), without its
    /// weight: equal for two blocks means a reload keeps the running loop and its verdict. The weight and reverse
    /// flag are the instances' (their trackers, <see cref="For"/>), changed there without touching the loop.
    /// </summary>
    public static string RunKey(VrrpScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return Lvs.VirtualServerFingerprint.OfBlock(script with { Weight = 0, WeightReverse = false });
    }

    /// <summary>The instances tracking each interface (own interface and track_interface), by interface name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<(string Instance, string Tracker)>> InterfaceWatchers(LvsHaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.VrrpInstances
            .SelectMany(i => (i.DontTrackPrimary ? [] : new[] { (Interface: i.Interface, i.Name, Tracker: OwnInterface(i.Interface)) })
                .Concat(i.TrackInterfaces.Select(t => (Interface: t.Name, i.Name, Tracker: TrackInterface(t.Name)))))
            .GroupBy(w => w.Interface, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<(string, string)>)[.. g.Select(w => (w.Name, w.Tracker))], StringComparer.Ordinal);
    }

    /// <summary>The instances tracking each track_file, by track_file (one watch serves them all).</summary>
    public static IReadOnlyList<(TrackFile File, IReadOnlyList<string> Instances)> FileWatchers(LvsHaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return [.. config.TrackFiles
            .Select(f => (f, (IReadOnlyList<string>)[.. config.VrrpInstances.Where(i => i.TrackFiles.Any(t => t.Name == f.Name)).Select(i => i.Name)]))
            .Where(w => w.Item2.Count > 0)];
    }

    /// <summary>The instances tracking each vrrp_script (one run of the script serves them all, as keepalived), by script.</summary>
    public static IReadOnlyList<(VrrpScript Script, IReadOnlyList<string> Instances)> ScriptWatchers(LvsHaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return [.. config.VrrpScripts
            .Select(s => (s, (IReadOnlyList<string>)[.. config.VrrpInstances.Where(i => i.TrackScripts.Any(t => t.Name == s.Name)).Select(i => i.Name)]))
            .Where(w => w.Item2.Count > 0)];
    }
}
