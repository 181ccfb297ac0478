namespace LvsHa.Vrrp;

/// <summary>A track_interface or track_script entry of an instance: its name and keepalived weight.</summary>
/// <param name="Name">Interface or vrrp_script name.</param>
/// <param name="Weight">keepalived semantics: 0 = failure puts the instance in FAULT; positive = added while up;
/// negative = added while down.</param>
/// <param name="Reverse">keepalived's `weight N reverse`: the weight counts the other way round (a positive weight is
/// subtracted while up, a negative one added while down; weight 0 faults while the tracker is up).</param>
public sealed record TrackedObject(string Name, int Weight, bool Reverse = false)
{
    /// <summary>What this tracker adds to the base priority while <paramref name="up"/> (0 for weight 0).</summary>
    public int PriorityDelta(bool up)
    {
        var delta = Weight switch
        {
            > 0 when up => Weight,
            < 0 when !up => Weight,
            _ => 0,
        };
        return Reverse ? -delta : delta;
    }

    /// <summary>Whether this tracker holds the instance in FAULT while <paramref name="up"/> (weight 0 only).</summary>
    public bool Faults(bool up) => Weight == 0 && up == Reverse;
}

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
            fault |= tracker.Faults(up);
            delta += tracker.PriorityDelta(up);
        }

        return new TrackerChanged(delta, fault);
    }
}
