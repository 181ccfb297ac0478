using LvsHa.Config;

namespace LvsHa.Director.Vrrp;

/// <summary>
/// The vrrp_instance blocks running now, by name: what the VIP manager puts on the interfaces and the GARP sender
/// announces; and the vrrp_script and track_file blocks their trackers are planned from. A reload that changes an
/// instance replaces its block here before telling the instance.
/// </summary>
public sealed class RunningInstances
{
    // Replaced whole (reloads run one at a time), never changed in place: the effects read it from other threads.
    private volatile Snapshot _now;

    /// <summary>Starts with the blocks of the configuration the director started with.</summary>
    public RunningInstances(IEnumerable<VrrpInstance> instances, IReadOnlyList<VrrpScript>? scripts = null, IReadOnlyList<TrackFile>? trackFiles = null) =>
        _now = new Snapshot(ByName(instances), scripts ?? [], trackFiles ?? []);

    /// <summary>The running block of <paramref name="name"/>.</summary>
    public VrrpInstance this[string name] => _now.ByName[name];

    /// <summary>Every running block.</summary>
    public IEnumerable<VrrpInstance> All => _now.ByName.Values;

    /// <summary>The vrrp_script blocks the running instances' trackers follow.</summary>
    public IReadOnlyList<VrrpScript> Scripts => _now.Scripts;

    /// <summary>The track_file blocks the running instances' trackers follow.</summary>
    public IReadOnlyList<TrackFile> TrackFiles => _now.TrackFiles;

    /// <summary>Makes <paramref name="instances"/> the running blocks (a reload); the scripts and files stay.</summary>
    public void Replace(IEnumerable<VrrpInstance> instances)
    {
        var now = _now;
        _now = now with { ByName = ByName(instances) };
    }

    /// <summary>Makes <paramref name="scripts"/> and <paramref name="trackFiles"/> the running tracker blocks (a reload).</summary>
    public void ReplaceTrackers(IReadOnlyList<VrrpScript> scripts, IReadOnlyList<TrackFile> trackFiles)
    {
        ArgumentNullException.ThrowIfNull(scripts);
        ArgumentNullException.ThrowIfNull(trackFiles);
        var now = _now;
        _now = now with { Scripts = scripts, TrackFiles = trackFiles };
    }

    /// <summary>The trackers of running instance <paramref name="name"/>, planned from the running blocks.</summary>
    public IReadOnlyList<InstanceTracker> TrackersOf(string name)
    {
        var now = _now;
        return VrrpTrackerPlan.For(now.ByName[name], now.Scripts, now.TrackFiles);
    }

    private static Dictionary<string, VrrpInstance> ByName(IEnumerable<VrrpInstance> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        return instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
    }

    private sealed record Snapshot(Dictionary<string, VrrpInstance> ByName, IReadOnlyList<VrrpScript> Scripts, IReadOnlyList<TrackFile> TrackFiles);
}
