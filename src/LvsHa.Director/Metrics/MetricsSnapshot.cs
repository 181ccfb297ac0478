using LvsHa.Director.Control;
using LvsHa.Director.Lvs;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Director.Metrics;

/// <summary>What is read at scrape time; a part that could not be read is null (its metrics keep their last values
/// and <c>lvsha_metrics_source_up</c> says 0).</summary>
/// <param name="Director">The status report `lvsha status` shows (instances, quorum); null while starting.</param>
/// <param name="Health">The health actor's report; null when the director runs no virtual services.</param>
/// <param name="Ipvs">The kernel's IPVS services with their destinations and counters; null when not read.</param>
public sealed record MetricsSnapshot(StatusReport? Director, LvsStatus? Health, IReadOnlyList<IpvsServiceCounters>? Ipvs)
{
    /// <summary>Which of the sources answered (source name -> read ok); absent sources are not configured here.</summary>
    public IReadOnlyDictionary<string, bool> Sources { get; init; } = new Dictionary<string, bool>(StringComparer.Ordinal);
}

/// <summary>One kernel IPVS service and its destinations, as dumped with their counters.</summary>
public sealed record IpvsServiceCounters(IpvsServiceEntry Service, IReadOnlyList<IpvsDestinationEntry> Destinations);

/// <summary>Reads what the metrics show at scrape time.</summary>
public interface IMetricsSource
{
    /// <summary>Reads the current snapshot; never throws for a source that fails (that part is null).</summary>
    Task<MetricsSnapshot> ReadAsync(CancellationToken cancellationToken);
}
