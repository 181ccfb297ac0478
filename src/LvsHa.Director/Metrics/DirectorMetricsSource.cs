using Akka.Actor;
using LvsHa.Director.Control;
using LvsHa.Director.Hosting;
using LvsHa.Director.Lvs;
using LvsHa.Netlink.Ipvs;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Metrics;

/// <summary>
/// Reads the running director at scrape time: the same status report `lvsha status` shows, and when the director
/// runs virtual services the health actor's report and the kernel's IPVS table with counters (through the daemon's
/// <see cref="IIpvs"/>, the netlink client the reconciler also uses). Each part that fails is logged and left out.
/// </summary>
public sealed partial class DirectorMetricsSource : IMetricsSource
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    private readonly IStatusSource status;
    private readonly DirectorRuntime runtime;
    private readonly ILogger logger;

    /// <summary>Creates the source.</summary>
    /// <param name="status">What `lvsha status` reads.</param>
    /// <param name="runtime">The running director's actors.</param>
    /// <param name="logger">Where failed reads are logged.</param>
    public DirectorMetricsSource(IStatusSource status, DirectorRuntime runtime, ILogger logger)
    {
        this.status = status;
        this.runtime = runtime;
        this.logger = logger;
    }

    /// <inheritdoc/>
    public async Task<MetricsSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var sources = new Dictionary<string, bool>(StringComparer.Ordinal);
        if (!runtime.IsStarted)
        {
            return new MetricsSnapshot(null, null, null) { Sources = sources };
        }

        StatusReport? director = null;
        try
        {
            director = await status.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            sources["vrrp"] = true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            sources["vrrp"] = false;
            LogSourceFailed(logger, "vrrp", e.Message);
        }

        LvsStatus? lvs = null;
        var lvsActors = runtime.Lvs;
        if (lvsActors?.Health is { } actor)
        {
            try
            {
                lvs = await actor.Ask<LvsStatus>(GetLvsStatus.Instance, AskTimeout, cancellationToken).ConfigureAwait(false);
                sources["health"] = true;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                sources["health"] = false;
                LogSourceFailed(logger, "health", e.Message);
            }
        }

        IReadOnlyList<IpvsServiceCounters>? table = null;
        if (lvsActors?.Ipvs is { } client)
        {
            try
            {
                table = await ReadIpvsAsync(client, cancellationToken).ConfigureAwait(false);
                sources["ipvs"] = true;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                sources["ipvs"] = false;
                LogSourceFailed(logger, "ipvs", e.Message);
            }
        }

        return new MetricsSnapshot(director, lvs, table) { Sources = sources };
    }

    /// <summary>Every IPVS service with its destinations and counters (one dump plus one per service, as ipvsadm -Ln --stats).</summary>
    public static async Task<IReadOnlyList<IpvsServiceCounters>> ReadIpvsAsync(IIpvs client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var result = new List<IpvsServiceCounters>();
        foreach (var service in await client.GetServicesAsync(cancellationToken).ConfigureAwait(false))
        {
            var destinations = await client.GetDestinationsAsync(service.Service.Key, cancellationToken).ConfigureAwait(false);
            result.Add(new IpvsServiceCounters(service, destinations));
        }

        return result;
    }

    [LoggerMessage(EventId = 4601, Level = LogLevel.Warning, Message = "Metrics: reading {Source} for a scrape failed (its metrics keep their last values): {Reason}")]
    private static partial void LogSourceFailed(ILogger logger, string source, string reason);
}
