namespace LvsHa.Vrrp;

/// <summary>A track_interface, track_script or track_file entry of an instance: its name and keepalived weight.</summary>
/// <param name="Name">Interface, vrrp_script or track_file name.</param>
/// <param name="Weight">keepalived semantics: 0 = failure puts the instance in FAULT; positive = added while up;
/// negative = added while down. A track file's number is multiplied by it instead.</param>
/// <param name="Reverse">keepalived's `weight N reverse`: the weight counts the other way round (a positive weight is
/// subtracted while up, a negative one added while down; weight 0 faults while the tracker is up).</param>
/// <param name="Valued">A track_file: its state is the file's number, not up or down.</param>
public sealed record TrackedObject(string Name, int Weight, bool Reverse = false, bool Valued = false)
{
    /// <summary>keepalived's lowest priority contribution of a track file; at or below it the instance faults.</summary>
    private const long FileFault = -254;

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

    /// <summary>
    /// The effect of the tracker's state: for up/down trackers 1 is up and 0 down; for a track file the number read
    /// (keepalived's track_file.c: with weight 0 a non-zero number faults, or zero with reverse; otherwise the number
    /// times the weight, limited to -254..253, is added, and -254 faults).
    /// </summary>
    public (int PriorityDelta, bool Fault) Effect(long state)
    {
        if (!Valued)
            return (PriorityDelta(state != 0), Faults(state != 0));
        if (Weight == 0)
            return (0, (state != 0) != Reverse);
        var delta = Math.Clamp(state * Weight * (Reverse ? -1 : 1), FileFault, 253);
        return delta == FileFault ? (0, true) : ((int)delta, false);
    }
}

/// <summary>Folds the trackers' states into the <see cref="TrackerChanged"/> input the state machine takes.</summary>
public static class TrackerSet
{
    /// <summary>Combines tracker states (see <see cref="TrackedObject.Effect"/>); a tracker missing from
    /// <paramref name="states"/> counts as down (0).</summary>
    public static TrackerChanged Evaluate(IEnumerable<TrackedObject> trackers, IReadOnlyDictionary<string, long> states)
    {
        ArgumentNullException.ThrowIfNull(trackers);
        ArgumentNullException.ThrowIfNull(states);
        var delta = 0;
        var fault = false;
        foreach (var tracker in trackers)
        {
            var (priorityDelta, faults) = tracker.Effect(states.GetValueOrDefault(tracker.Name));
            fault |= faults;
            delta += priorityDelta;
        }

        return new TrackerChanged(delta, fault);
    }

    /// <summary>The state of an up/down tracker as <see cref="Evaluate"/> takes it.</summary>
    public static long State(bool up) => up ? 1 : 0;
}
