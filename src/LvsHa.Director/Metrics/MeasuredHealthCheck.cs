using System.Diagnostics;
using System.Net;
using Akka.Event;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;

namespace LvsHa.Director.Metrics;

/// <summary>
/// Wraps a checker to report every attempt (checker kind, result, latency) as a <see cref="HealthCheckObserved"/>.
/// Plugged in through <c>HealthSchedulerOptions.CheckFactory</c>, so LvsHa.Health knows nothing of metrics.
/// </summary>
public sealed class MeasuredHealthCheck : IHealthCheck
{
    private readonly IHealthCheck inner;
    private readonly string virtualService;
    private readonly IPEndPoint realServer;
    private readonly Action<HealthCheckObserved> report;

    /// <summary>Creates the wrapper of <paramref name="inner"/>, checking <paramref name="realServer"/> of <paramref name="virtualService"/>.</summary>
    public MeasuredHealthCheck(IHealthCheck inner, string virtualService, IPEndPoint realServer, Action<HealthCheckObserved> report)
    {
        ArgumentNullException.ThrowIfNull(inner);
        this.inner = inner;
        this.virtualService = virtualService;
        this.realServer = realServer;
        this.report = report;
    }

    /// <inheritdoc/>
    public string Kind => inner.Kind;

    /// <summary>A checker factory that wraps what <paramref name="factory"/> builds and publishes on <paramref name="events"/>.</summary>
    public static Func<CheckerSpec, RealServerHealthSettings, VirtualServiceHealthSettings, CheckerTiming, IHealthCheck> Wrap(
        Func<CheckerSpec, RealServerHealthSettings, VirtualServiceHealthSettings, CheckerTiming, IHealthCheck> factory, EventStream events)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(events);
        return (spec, realServer, service, timing) =>
            new MeasuredHealthCheck(factory(spec, realServer, service, timing), service.Name, realServer.Endpoint, events.Publish);
    }

    /// <inheritdoc/>
    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await inner.CheckAsync(cancellationToken).ConfigureAwait(false);
            report(new HealthCheckObserved(virtualService, realServer, inner.Kind, result.Up, Stopwatch.GetElapsedTime(started)));
            return result;
        }
        catch (Exception)
        {
            // A timeout (the runner cancels the attempt) or a checker fault: both count as a failed attempt, as the
            // runner records them.
            report(new HealthCheckObserved(virtualService, realServer, inner.Kind, false, Stopwatch.GetElapsedTime(started)));
            throw;
        }
    }
}
