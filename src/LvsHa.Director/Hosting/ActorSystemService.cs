using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Microsoft.Extensions.Hosting;

namespace LvsHa.Director.Hosting;

/// <summary>
/// The director's ActorSystem as a hosted service: created with the director's HOCON and setups when the host
/// starts, then the <paramref name="starters"/> run in order (each may rely on what the ones before it created);
/// CoordinatedShutdown runs when the host stops, and the host stops when the ActorSystem ends on its own (downed,
/// a stuck join), so <see cref="DirectorHost.RunAsync(DirectorOptions, CancellationToken)"/> can give the exit code.
/// </summary>
/// <remarks>
/// This is what Akka.Hosting did for the director, without its dependencies: Akka.Streams, dependency injection for
/// actors, OpenTelemetry and health checks, none of which a director uses, were compiled whole into the native
/// executable and cost resident memory in every director (docs/benchmarks.md).
/// </remarks>
internal sealed class ActorSystemService(
    string hocon, IReadOnlyList<Setup> setups, IReadOnlyList<Action<ActorSystem>> starters, IHostApplicationLifetime lifetime)
    : IHostedService
{
    private ActorSystem? _system;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var bootstrap = BootstrapSetup.Create().WithConfig(ConfigurationFactory.ParseString(hocon));
        var system = ActorSystem.Create(AkkaConfigBuilder.SystemName, ActorSystemSetup.Create([bootstrap, .. setups]));
        _system = system;
        try
        {
            foreach (var start in starters)
            {
                start(system);
            }
        }
        catch
        {
            // Whatever already runs (an instance that took a VIP) is stopped as on any stop, then the start fails.
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        _ = system.WhenTerminated.ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _system is { } system ? CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance) : Task.CompletedTask;
}
