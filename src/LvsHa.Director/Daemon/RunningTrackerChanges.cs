using System.Globalization;
using LvsHa.Config;
using LvsHa.Director.Vrrp;

namespace LvsHa.Director.Daemon;

/// <summary>
/// What a reload changes in a running vrrp_instance's trackers, in the operator's words: track_interface,
/// track_script and track_file entries added, removed, re-weighted or reversed (its own and those a vrrp_sync_group
/// adds, which the config layer has merged into it; dont_track_primary shows as its interface's tracker), and the
/// vrrp_script and track_file blocks it names (script line, timing, user; the file's path). All of them apply to the
/// running instance (keepalived applies them at reload). Pure.
/// </summary>
public static class RunningTrackerChanges
{
    /// <summary>
    /// The tracker changes of <paramref name="before"/> (in <paramref name="beforeConfig"/>) to <paramref name="after"/>
    /// (in <paramref name="afterConfig"/>), one entry each, e.g. "track_script chk_web weight -20 -> -30"; empty when
    /// none.
    /// </summary>
    public static IReadOnlyList<string> Describe(VrrpInstance before, LvsHaConfig beforeConfig, VrrpInstance after, LvsHaConfig afterConfig)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(beforeConfig);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(afterConfig);
        var changes = new List<string>();
        var old = VrrpTrackerPlan.For(before, beforeConfig.VrrpScripts, beforeConfig.TrackFiles).ToDictionary(t => t.Tracked.Name, StringComparer.Ordinal);
        var now = VrrpTrackerPlan.For(after, afterConfig.VrrpScripts, afterConfig.TrackFiles);
        foreach (var tracker in now.Select(t => t.Tracked))
        {
            if (!old.Remove(tracker.Name, out var was))
            {
                changes.Add(FormattableString.Invariant($"{tracker.Name} added (weight {tracker.Weight}{(tracker.Reverse ? " reverse" : "")})"));
                continue;
            }

            if (was.Tracked.Weight != tracker.Weight)
                changes.Add(FormattableString.Invariant($"{tracker.Name} weight {was.Tracked.Weight} -> {tracker.Weight}"));
            if (was.Tracked.Reverse != tracker.Reverse)
                changes.Add($"{tracker.Name} {Reverse(was.Tracked.Reverse)} -> {Reverse(tracker.Reverse)}");
        }

        changes.AddRange(old.Keys.Select(name => $"{name} removed"));

        // The blocks behind entries kept: a changed script restarts its loop, a moved file is read from its new path.
        foreach (var name in after.TrackScripts.Select(t => t.Name).Intersect(before.TrackScripts.Select(t => t.Name), StringComparer.Ordinal))
        {
            if (Find(beforeConfig.VrrpScripts, name) is { } a && Find(afterConfig.VrrpScripts, name) is { } b && VrrpTrackerPlan.RunKey(a) != VrrpTrackerPlan.RunKey(b))
                changes.Add($"vrrp_script {name} {string.Join(", ", Script(a, b))}");
        }

        foreach (var name in after.TrackFiles.Select(t => t.Name).Intersect(before.TrackFiles.Select(t => t.Name), StringComparer.Ordinal))
        {
            if (beforeConfig.TrackFiles.FirstOrDefault(f => f.Name == name) is { } a && afterConfig.TrackFiles.FirstOrDefault(f => f.Name == name) is { } b && a.Path != b.Path)
                changes.Add($"track_file {name} file {a.Path} -> {b.Path}");
        }

        return changes;
    }

    private static VrrpScript? Find(IReadOnlyList<VrrpScript> scripts, string name) => scripts.FirstOrDefault(s => s.Name == name);

    private static string Reverse(bool reverse) => reverse ? "reverse" : "noreverse";

    private static IEnumerable<string> Script(VrrpScript a, VrrpScript b)
    {
        if (a.Script != b.Script)
            yield return $"script \"{a.Script}\" -> \"{b.Script}\"";
        if (a.Interval != b.Interval)
            yield return Seconds("interval", a.Interval, b.Interval);
        if (a.Timeout != b.Timeout)
            yield return Seconds("timeout", a.Timeout, b.Timeout);
        if (a.Rise != b.Rise)
            yield return FormattableString.Invariant($"rise {a.Rise} -> {b.Rise}");
        if (a.Fall != b.Fall)
            yield return FormattableString.Invariant($"fall {a.Fall} -> {b.Fall}");
        if (a.InitFail != b.InitFail)
            yield return $"init_fail {a.InitFail} -> {b.InitFail}";
        if (a.User != b.User)
            yield return $"user {a.User ?? "(default)"} -> {b.User ?? "(default)"}";
    }

    private static string Seconds(string keyword, TimeSpan a, TimeSpan b) =>
        string.Create(CultureInfo.InvariantCulture, $"{keyword} {a.TotalSeconds} -> {b.TotalSeconds}");
}
