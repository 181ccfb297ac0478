using Akka.Actor;
using LvsHa.Director.Control;
using LvsHa.Director.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Metrics;

/// <summary>Wires the metrics into the director host when metrics_listen is set (nothing at all otherwise).</summary>
public static class DirectorMetricsHosting
{
    /// <summary>
    /// Registers <see cref="DirectorMetrics"/> (reading the director through <see cref="DirectorMetricsSource"/>)
    /// and the HTTP endpoint. Call before the ActorSystem is added, so a port in use fails the start before anything else runs.
    /// </summary>
    public static IServiceCollection AddDirectorMetrics(this IServiceCollection services, DirectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MetricsListen is not { } listen)
        {
            return services;
        }

        services.AddSingleton(sp => new DirectorMetrics(new DirectorMetricsSource(
            sp.GetRequiredService<IStatusSource>(),
            sp.GetRequiredService<DirectorRuntime>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("LvsHa.Director.Metrics"))));
        services.AddSingleton(sp => new MetricsHttpServer(
            listen, sp.GetRequiredService<DirectorMetrics>().Registry, sp.GetRequiredService<ILoggerFactory>().CreateLogger("LvsHa.Director.Metrics")));
        services.AddHostedService(sp => sp.GetRequiredService<MetricsHttpServer>());
        return services;
    }

    /// <summary>Subscribes the metrics to the actors' events; call in the ActorSystem's start before any director actor exists.</summary>
    public static void Subscribe(ActorSystem system, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService<DirectorMetrics>() is { } metrics)
        {
            StartListener(system, metrics);
        }
    }

    /// <summary>
    /// Starts the listener and subscribes it at once (synchronously, before the instance actors exist, so their first
    /// transition is counted).
    /// </summary>
    public static IActorRef StartListener(ActorSystem system, DirectorMetrics metrics, string name = "metrics")
    {
        ArgumentNullException.ThrowIfNull(system);
        var listener = system.ActorOf(MetricsListener.PropsFor(metrics), name);
        foreach (var type in MetricsListener.EventTypes)
        {
            system.EventStream.Subscribe(listener, type);
        }

        return listener;
    }
}
