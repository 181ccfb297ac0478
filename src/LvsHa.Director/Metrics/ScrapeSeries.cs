using Prometheus;

namespace LvsHa.Director.Metrics;

/// <summary>
/// The label sets set from the last snapshot, per source group: a series whose object is gone (an instance, real
/// server or IPVS service removed by a reload) is removed at the next snapshot of its group instead of lingering
/// with its last value.
/// </summary>
internal sealed class ScrapeSeries
{
    private readonly Dictionary<string, HashSet<Series>> previous = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Series>> seen = new(StringComparer.Ordinal);

    /// <summary>Starts a snapshot of <paramref name="group"/>.</summary>
    public void Begin(string group) => seen[group] = [];

    /// <summary>Sets a gauge series.</summary>
    public void Set(string group, Gauge gauge, string[] labels, double value)
    {
        gauge.WithLabels(labels).Set(value);
        seen[group].Add(new Series(gauge, labels));
    }

    /// <summary>Sets a counter series to a kernel/actor counter's value; a counter that went back (its object was
    /// recreated) starts a new series, as Prometheus expects of a reset.</summary>
    public void Count(string group, Counter counter, string[] labels, double value)
    {
        var child = counter.WithLabels(labels);
        if (value < child.Value)
        {
            counter.RemoveLabelled(labels);
            child = counter.WithLabels(labels);
        }

        child.IncTo(value);
        seen[group].Add(new Series(counter, labels));
    }

    /// <summary>Ends the snapshot of <paramref name="group"/>: series set before but not now are removed.</summary>
    public void End(string group)
    {
        var now = seen[group];
        if (previous.TryGetValue(group, out var before))
        {
            foreach (var gone in before.Where(s => !now.Contains(s)))
            {
                gone.Remove();
            }
        }

        previous[group] = now;
    }

    private sealed class Series(Collector collector, string[] labels) : IEquatable<Series>
    {
        private readonly string key = string.Join('\u001f', labels);

        private Collector Collector => collector;

        public void Remove()
        {
            switch (collector)
            {
                case Gauge gauge:
                    gauge.RemoveLabelled(labels);
                    break;
                case Counter counter:
                    counter.RemoveLabelled(labels);
                    break;
            }
        }

        public bool Equals(Series? other) => other is not null && ReferenceEquals(collector, other.Collector) && key == other.key;

        public override bool Equals(object? obj) => Equals(obj as Series);

        public override int GetHashCode() => HashCode.Combine(collector, key);
    }
}
