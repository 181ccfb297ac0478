using System.Net;
using Akka.Actor;
using LvsHa.Director.Hosting;
using LvsHa.Netlink;
using LvsHa.Netlink.Route;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Lvs;

/// <summary>
/// For ha_suspend: tells the reconciler which addresses this director holds, at start and after every address
/// change (rtnetlink events, so a VIP taken over by VRRP resumes its services at once). Runs only when a
/// virtual_server has ha_suspend.
/// </summary>
public sealed partial class LocalAddressWatcher(
    ILinkMonitor monitor, IAddressManager addresses, DirectorRuntime runtime, ILogger<LocalAddressWatcher> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Subscribe before reading, so no change between the read and the first event is lost.
            var changes = monitor.WatchAsync(stoppingToken);
            var reconciler = await ReconcilerAsync(stoppingToken).ConfigureAwait(false);
            if (reconciler is null)
                return;
            var held = await ReadAsync(stoppingToken).ConfigureAwait(false);
            reconciler.Tell(new LocalAddresses(held));
            await foreach (var change in changes.ConfigureAwait(false))
            {
                switch (change)
                {
                    case AddressChange { Removed: false } added:
                        held = new HashSet<IPAddress>(held) { added.Address.Address };
                        break;
                    case AddressChange { Removed: true } removed:
                        held = [.. held.Where(a => !a.Equals(removed.Address.Address))];
                        break;
                    case ChangesLost:
                        held = await ReadAsync(stoppingToken).ConfigureAwait(false);
                        break;
                    default:
                        continue;
                }
                reconciler.Tell(new LocalAddresses(held));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (NetlinkException e)
        {
            LogWatchFailed(e.Message);
        }
    }

    private async Task<HashSet<IPAddress>> ReadAsync(CancellationToken cancellationToken) =>
        [.. (await addresses.GetAddressesAsync(null, cancellationToken).ConfigureAwait(false)).Select(a => a.Address)];

    // The actors start with the ActorSystem, a moment after the hosted services.
    private async Task<IActorRef?> ReconcilerAsync(CancellationToken cancellationToken)
    {
        while (!runtime.IsStarted)
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        return runtime.Lvs?.Reconciler;
    }

    [LoggerMessage(EventId = 4508, Level = LogLevel.Error, Message = "ha_suspend: watching this director's addresses failed ({Error}); suspended services stay as they are")]
    private partial void LogWatchFailed(string error);
}
