using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace LvsHa.Director.Daemon;

/// <summary>SIGHUP reloads the configuration, as keepalived does (`systemctl reload lvsha` sends it).</summary>
public sealed class ReloadOnSignal(DirectorReloader reloader, IHostApplicationLifetime lifetime) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _registration;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            // Handled here: the default action of SIGHUP would end the process.
            context.Cancel = true;
            // The reloader logs its outcome; a reload still running when the daemon stops is abandoned.
            _ = reloader.ReloadAsync(lifetime.ApplicationStopping);
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _registration?.Dispose();
        _registration = null;
    }
}
