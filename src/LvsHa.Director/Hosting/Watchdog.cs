using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using LvsHa.Director.Instances;
using LvsHa.Director.Membership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Hosting;

/// <summary>systemd's watchdog settings of this process (WATCHDOG_USEC, WATCHDOG_PID, NOTIFY_SOCKET).</summary>
/// <param name="NotifySocket">The notify socket path ("@name" for an abstract socket).</param>
/// <param name="Timeout">WatchdogSec: systemd restarts the daemon when no WATCHDOG=1 arrived for this long.</param>
public sealed record SystemdWatchdogSettings(string NotifySocket, TimeSpan Timeout)
{
    /// <summary>How often WATCHDOG=1 is sent while healthy: half the timeout (sd_watchdog_enabled's advice).</summary>
    public TimeSpan Interval => Timeout / 2;

    /// <summary>How long the liveness probe may take: a quarter of the timeout, at most 5 s, so a slow answer still
    /// leaves time for the next ping.</summary>
    public TimeSpan ProbeTimeout => TimeSpan.FromTicks(Math.Min(Timeout.Ticks / 4, TimeSpan.FromSeconds(5).Ticks));

    /// <summary>
    /// The settings systemd passed, or null when the watchdog is off: WATCHDOG_USEC unset or not a positive number,
    /// no NOTIFY_SOCKET, or WATCHDOG_PID naming another process (the variables leaked to a child).
    /// </summary>
    public static SystemdWatchdogSettings? FromEnvironment(Func<string, string?> environment, int processId)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var socket = environment("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(socket)
            || !long.TryParse(environment("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds)
            || microseconds <= 0)
        {
            return null;
        }

        var pid = environment("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid)
            && (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var watched) || watched != processId))
        {
            return null;
        }

        return new SystemdWatchdogSettings(socket, TimeSpan.FromTicks(microseconds * 10));
    }
}

/// <summary>Whether the daemon is alive enough to be left running by systemd's watchdog.</summary>
public interface IDirectorLivenessProbe
{
    /// <summary>Null while starting (no verdict yet); true when the daemon answered within <paramref name="timeout"/>.</summary>
    Task<bool?> IsAliveAsync(TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>
/// The director is alive when its ActorSystem runs and its actors answer: the majority tracker, every vrrp instance
/// and the LVS actors (when they exist) process a message within the timeout. A dispatcher that is stuck, a dead
/// ActorSystem or an actor whose mailbox no longer drains makes the probe fail.
/// </summary>
public sealed class ActorSystemLivenessProbe(DirectorRuntime runtime) : IDirectorLivenessProbe
{
    /// <inheritdoc/>
    public async Task<bool?> IsAliveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        if (!runtime.IsStarted)
        {
            return null;
        }

        if (runtime.System.WhenTerminated.IsCompleted)
        {
            return false;
        }

        try
        {
            var asks = new List<Task>
            {
                runtime.MajorityTracker.Ask<QuorumChanged>(GetQuorum.Instance, timeout, cancellationToken),
            };
            asks.AddRange(runtime.Instances.Values.Select(i => i.Ask<InstanceStatus>(GetInstanceStatus.Instance, timeout, cancellationToken)));
            if (runtime.Lvs is { } lvs)
            {
                // Identify is answered by the actor itself, after the messages queued before it: a mailbox that no
                // longer drains (a reconciler stuck in a kernel call never returns to it) fails the probe.
                asks.Add(lvs.Health.Ask<ActorIdentity>(new Identify(null), timeout, cancellationToken));
                asks.Add(lvs.Reconciler.Ask<ActorIdentity>(new Identify(null), timeout, cancellationToken));
            }
            await Task.WhenAll(asks).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>
/// Sends WATCHDOG=1 to systemd every WatchdogSec/2 while <see cref="IDirectorLivenessProbe"/> says the daemon is
/// alive. Microsoft.Extensions.Hosting.Systemd sends READY=1 and STOPPING=1 but never WATCHDOG=1; without this a
/// unit with WatchdogSec would be killed, and with pings from a plain timer a hung daemon would never be.
/// </summary>
public sealed partial class SystemdWatchdog : BackgroundService
{
    private static readonly byte[] Ping = Encoding.ASCII.GetBytes("WATCHDOG=1");

    private readonly SystemdWatchdogSettings settings;
    private readonly IDirectorLivenessProbe probe;
    private readonly ILogger logger;
    private readonly TimeProvider time;

    /// <summary>Creates the watchdog service.</summary>
    public SystemdWatchdog(SystemdWatchdogSettings settings, IDirectorLivenessProbe probe, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.settings = settings;
        this.probe = probe;
        this.logger = logger;
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>Sends one datagram to systemd's notify socket ("@name" is an abstract socket).</summary>
    public static void Notify(string notifySocket, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(notifySocket);
        var path = notifySocket.StartsWith('@') ? "\0" + notifySocket[1..] : notifySocket;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        socket.Send(message);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogEnabled(logger, settings.Timeout.TotalSeconds, settings.Interval.TotalSeconds);
        var wasAlive = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            var alive = await probe.IsAliveAsync(settings.ProbeTimeout, stoppingToken).ConfigureAwait(false);
            if (alive == true)
            {
                try
                {
                    Notify(settings.NotifySocket, Ping);
                }
                catch (SocketException e)
                {
                    LogNotifyFailed(logger, settings.NotifySocket, e.Message);
                }

                if (!wasAlive)
                {
                    LogRecovered(logger);
                }

                wasAlive = true;
            }
            else if (alive == false)
            {
                // No ping: if this lasts WatchdogSec, systemd kills and restarts the daemon (Restart=on-failure).
                LogUnhealthy(logger, settings.ProbeTimeout.TotalSeconds, settings.Timeout.TotalSeconds);
                wasAlive = false;
            }

            await Task.Delay(settings.Interval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 4700, Level = LogLevel.Information, Message = "systemd watchdog: WatchdogSec {Timeout} s, WATCHDOG=1 every {Interval} s while the actors answer")]
    private static partial void LogEnabled(ILogger logger, double timeout, double interval);

    [LoggerMessage(EventId = 4701, Level = LogLevel.Error, Message = "systemd watchdog: the director's actors did not answer within {ProbeTimeout} s; no WATCHDOG=1 sent (systemd restarts the daemon after {Timeout} s without one)")]
    private static partial void LogUnhealthy(ILogger logger, double probeTimeout, double timeout);

    [LoggerMessage(EventId = 4702, Level = LogLevel.Information, Message = "systemd watchdog: the director's actors answer again; WATCHDOG=1 resumed")]
    private static partial void LogRecovered(ILogger logger);

    [LoggerMessage(EventId = 4703, Level = LogLevel.Warning, Message = "systemd watchdog: sending WATCHDOG=1 to {NotifySocket} failed: {Reason}")]
    private static partial void LogNotifyFailed(ILogger logger, string notifySocket, string reason);
}

/// <summary>Registers <see cref="SystemdWatchdog"/> when systemd asked for a watchdog.</summary>
public static class SystemdWatchdogHosting
{
    /// <summary>Adds the watchdog when WATCHDOG_USEC (and NOTIFY_SOCKET) are set for this process; nothing otherwise.</summary>
    public static IServiceCollection AddDirectorWatchdog(this IServiceCollection services)
    {
        if (SystemdWatchdogSettings.FromEnvironment(Environment.GetEnvironmentVariable, Environment.ProcessId) is not { } settings)
        {
            return services;
        }

        return services.AddHostedService(sp => new SystemdWatchdog(
            settings,
            new ActorSystemLivenessProbe(sp.GetRequiredService<DirectorRuntime>()),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("LvsHa.Director.Watchdog"),
            sp.GetRequiredService<TimeProvider>()));
    }
}
