using Akka.Actor;
using LvsHa.Director.Control;
using LvsHa.Director.Hosting;
using LvsHa.Director.Lvs;
using LvsHa.Netlink.Ipvs;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Metrics;

/// <summary>
/// Reads the running director at scrape time: the same status report `lvsha status` shows, the health actor's
/// report (/user/lvs-health, when the director runs virtual services) and the kernel's IPVS table with counters
/// (through the daemon's <see cref="IIpvs"/>, when it has one). Each part that fails is logged and left out.
/// </summary>
public sealed partial class DirectorMetricsSource : IMetricsSource
{
    /// <summary>Path of the health actor (see Lvs/README.md).</summary>
    public const string HealthActorPath = "/user/lvs-health";

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    private readonly IStatusSource status;
    private readonly DirectorRuntime runtime;
    private readonly Func<IIpvs?> ipvs;
    private readonly ILogger logger;
    private IActorRef? health;

    /// <summary>Creates the source.</summary>
    /// <param name="status">What `lvsha status` reads.</param>
    /// <param name="runtime">The running director's actors.</param>
    /// <param name="ipvs">The daemon's IPVS client, or null when it programs no IPVS.</param>
    /// <param name="logger">Where failed reads are logged.</param>
    public DirectorMetricsSource(IStatusSource status, DirectorRuntime runtime, Func<IIpvs?> ipvs, ILogger logger)
    {
        this.status = status;
        this.runtime = runtime;
        this.ipvs = ipvs;
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
            LogSourceFailed(logger, e, "vrrp", e.Message);
        }

        LvsStatus? lvs = null;
        if (await HealthActorAsync().ConfigureAwait(false) is { } actor)
        {
            try
            {
                lvs = await actor.Ask<LvsStatus>(GetLvsStatus.Instance, AskTimeout, cancellationToken).ConfigureAwait(false);
                sources["health"] = true;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                sources["health"] = false;
                LogSourceFailed(logger, e, "health", e.Message);
            }
        }

        IReadOnlyList<IpvsServiceCounters>? table = null;
        if (ipvs() is { } client)
        {
            try
            {
                table = await ReadIpvsAsync(client, cancellationToken).ConfigureAwait(false);
                sources["ipvs"] = true;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                sources["ipvs"] = false;
                LogSourceFailed(logger, e, "ipvs", e.Message);
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

    private async Task<IActorRef?> HealthActorAsync()
    {
        if (health is not null)
        {
            return health;
        }

        try
        {
            // Resolved once it exists; a director without virtual services has none (answered at once, not a timeout).
            health = await runtime.System.ActorSelection(HealthActorPath).ResolveOne(AskTimeout).ConfigureAwait(false);
            return health;
        }
        catch (ActorNotFoundException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 4601, Level = LogLevel.Warning, Message = "Metrics: reading {Source} for a scrape failed: {Reason}")]
    private static partial void LogSourceFailed(ILogger logger, Exception exception, string source, string reason);
}
