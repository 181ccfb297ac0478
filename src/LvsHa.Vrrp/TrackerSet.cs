namespace LvsHa.Vrrp;

/// <summary>A track_interface or track_script entry of an instance: its name and keepalived weight.</summary>
/// <param name="Name">Interface or vrrp_script name.</param>
/// <param name="Weight">keepalived semantics: 0 = failure puts the instance in FAULT; positive = added while up;
/// negative = added while down.</param>
public sealed record TrackedObject(string Name, int Weight);

/// <summary>Folds the trackers' up/down states into the <see cref="TrackerChanged"/> input the state machine takes.</summary>
public static class TrackerSet
{
    /// <summary>Combines tracker states; a tracker missing from <paramref name="isUp"/> counts as down.</summary>
    public static TrackerChanged Evaluate(IEnumerable<TrackedObject> trackers, IReadOnlyDictionary<string, bool> isUp)
    {
        ArgumentNullException.ThrowIfNull(trackers);
        ArgumentNullException.ThrowIfNull(isUp);
        var delta = 0;
        var fault = false;
        foreach (var tracker in trackers)
        {
            var up = isUp.TryGetValue(tracker.Name, out var state) && state;
            if (tracker.Weight == 0)
                fault |= !up;
            else if (tracker.Weight > 0 && up)
                delta += tracker.Weight;
            else if (tracker.Weight < 0 && !up)
                delta += tracker.Weight;
        }

        return new TrackerChanged(delta, fault);
    }
}
