using LvsHa.Config;
using LvsHa.Director.Instances;
using LvsHa.Netlink;
using LvsHa.Netlink.Ipvs;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Lvs;

/// <summary>
/// `lvs_sync_daemon`: the kernel's connection-sync daemon follows the state of the named vrrp_instance, as keepalived
/// does it: MASTER runs the master daemon (sends the connection table), BACKUP and FAULT run the backup daemon
/// (receives it, so established connections survive a failover), STOP stops both. Plugged in as a notify runner
/// because that is exactly when keepalived switches it: on every state change, in order.
/// </summary>
public sealed partial class SyncDaemonFollower : INotifyRunner
{
    private readonly IIpvs _ipvs;
    private readonly LvsSyncDaemon _settings;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Task _tail = Task.CompletedTask;

    /// <summary>Creates the follower of <paramref name="settings"/>.</summary>
    public SyncDaemonFollower(IIpvs ipvs, LvsSyncDaemon settings, ILogger logger)
    {
        _ipvs = ipvs;
        _settings = settings;
        _logger = logger;
    }

    /// <summary>
    /// Without a vrrp_instance (`lvs_sync_daemon IFACE`), keepalived runs the master and the backup daemon from the
    /// start: this starts both.
    /// </summary>
    public Task StartBothAsync()
    {
        lock (_lock)
            return _tail = StartBothAsync(_tail);
    }

    private async Task StartBothAsync(Task previous)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await StartAsync(IpvsSyncDaemonRole.Master).ConfigureAwait(false);
        await StartAsync(IpvsSyncDaemonRole.Backup).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task RunAsync(string instance, string state, int priority, CancellationToken cancellationToken)
    {
        if (_settings.VrrpInstance is null || !string.Equals(instance, _settings.VrrpInstance, StringComparison.Ordinal))
            return Task.CompletedTask;
        // State changes are applied one after another in call order.
        lock (_lock)
            return _tail = FollowAsync(_tail, state);
    }

    private async Task FollowAsync(Task previous, string state)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        switch (state)
        {
            case "MASTER":
                await StopAsync(IpvsSyncDaemonRole.Backup).ConfigureAwait(false);
                await StartAsync(IpvsSyncDaemonRole.Master).ConfigureAwait(false);
                break;
            case "BACKUP" or "FAULT":
                await StopAsync(IpvsSyncDaemonRole.Master).ConfigureAwait(false);
                await StartAsync(IpvsSyncDaemonRole.Backup).ConfigureAwait(false);
                break;
            case "STOP":
                await StopAsync(IpvsSyncDaemonRole.Master).ConfigureAwait(false);
                await StopAsync(IpvsSyncDaemonRole.Backup).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>The kernel's description of the daemon for <paramref name="role"/>.</summary>
    public static IpvsSyncDaemon Daemon(LvsSyncDaemon settings, IpvsSyncDaemonRole role)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new IpvsSyncDaemon(role, settings.Interface, (uint)settings.SyncId, checked((ushort)settings.MaxLength),
            checked((ushort)settings.Port), checked((byte)settings.Ttl), settings.Group);
    }

    private async Task StartAsync(IpvsSyncDaemonRole role)
    {
        try
        {
            var running = await _ipvs.GetSyncDaemonsAsync().ConfigureAwait(false);
            if (running.Any(d => d.Role == role))
                return;
            await _ipvs.StartSyncDaemonAsync(Daemon(_settings, role)).ConfigureAwait(false);
            LogStarted(Name(role), _settings.Interface, _settings.SyncId, _settings.VrrpInstance ?? "(none)");
        }
        catch (NetlinkException e)
        {
            LogFailed("start", Name(role), _settings.Interface, e.Message);
        }
    }

    private async Task StopAsync(IpvsSyncDaemonRole role)
    {
        try
        {
            var running = await _ipvs.GetSyncDaemonsAsync().ConfigureAwait(false);
            if (running.All(d => d.Role != role))
                return;
            await _ipvs.StopSyncDaemonAsync(role).ConfigureAwait(false);
            LogStopped(Name(role), _settings.VrrpInstance ?? "(none)");
        }
        catch (NetlinkException e)
        {
            LogFailed("stop", Name(role), _settings.Interface, e.Message);
        }
    }

    private static string Name(IpvsSyncDaemonRole role) => role == IpvsSyncDaemonRole.Master ? "master" : "backup";

    [LoggerMessage(EventId = 4520, Level = LogLevel.Information, Message = "lvs_sync_daemon: {Role} sync daemon started on {Interface} (syncid {SyncId}) for vrrp_instance {Instance}")]
    private partial void LogStarted(string role, string @interface, int syncId, string instance);

    [LoggerMessage(EventId = 4521, Level = LogLevel.Information, Message = "lvs_sync_daemon: {Role} sync daemon stopped (vrrp_instance {Instance})")]
    private partial void LogStopped(string role, string instance);

    [LoggerMessage(EventId = 4522, Level = LogLevel.Error, Message = "lvs_sync_daemon: could not {Action} the {Role} sync daemon on {Interface}: {Error}")]
    private partial void LogFailed(string action, string role, string @interface, string error);
}

/// <summary>Runs several notify runners for each state change, one after another.</summary>
public sealed class NotifyChain(params INotifyRunner[] runners) : INotifyRunner
{
    /// <inheritdoc />
    public async Task RunAsync(string instance, string state, int priority, CancellationToken cancellationToken)
    {
        foreach (var runner in runners)
            await runner.RunAsync(instance, state, priority, cancellationToken).ConfigureAwait(false);
    }
}
