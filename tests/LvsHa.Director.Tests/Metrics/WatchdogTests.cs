using System.Net.Sockets;
using System.Text;
using LvsHa.Director.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsHa.Director.Tests.Metrics;

public sealed class WatchdogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lvsha-watchdog-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("/run/systemd/notify", "10000000", null, 10.0)]
    [InlineData("/run/systemd/notify", "3000000", "4242", 3.0)]
    [InlineData("@abstract", "500000", "", 0.5)]
    [InlineData("/run/systemd/notify", "10000000", "1", null)]
    [InlineData("/run/systemd/notify", null, null, null)]
    [InlineData("/run/systemd/notify", "0", null, null)]
    [InlineData("/run/systemd/notify", "ten", null, null)]
    [InlineData(null, "10000000", null, null)]
    public void FromEnvironment_SystemdVariables_EnabledOnlyForThisProcess(string? socket, string? usec, string? pid, double? timeoutSeconds)
    {
        var environment = new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = socket, ["WATCHDOG_USEC"] = usec, ["WATCHDOG_PID"] = pid };

        var settings = SystemdWatchdogSettings.FromEnvironment(name => environment.GetValueOrDefault(name), processId: 4242);

        Assert.Equal(timeoutSeconds, settings?.Timeout.TotalSeconds);
        if (settings is not null)
        {
            Assert.Equal(settings.Timeout / 2, settings.Interval);
        }
    }

    [Fact]
    public async Task Watchdog_AliveProbe_PingsEveryHalfTimeout_DeadProbe_Silent()
    {
        var (path, notify) = BindNotifySocket();
        using var bound = notify;
        var probe = new SwitchProbe { Alive = true };
        using var watchdog = new SystemdWatchdog(new SystemdWatchdogSettings(path, TimeSpan.FromMilliseconds(400)), probe, NullLogger.Instance);

        await watchdog.StartAsync(CancellationToken.None);
        var first = await ReceiveAsync(notify, TimeSpan.FromSeconds(2));
        var second = await ReceiveAsync(notify, TimeSpan.FromSeconds(2));
        probe.Alive = false;
        await Task.Delay(300);
        while (notify.Available > 0)
        {
            await ReceiveAsync(notify, TimeSpan.FromSeconds(1));
        }

        var whileDead = await ReceiveAsync(notify, TimeSpan.FromSeconds(1));
        probe.Alive = true;
        var recovered = await ReceiveAsync(notify, TimeSpan.FromSeconds(2));
        await watchdog.StopAsync(CancellationToken.None);

        Assert.Equal(("WATCHDOG=1", "WATCHDOG=1"), (first, second));
        Assert.Null(whileDead);
        Assert.Equal("WATCHDOG=1", recovered);
        Assert.True(probe.Calls >= 4, $"probe asked {probe.Calls} times");
    }

    [Fact]
    public async Task Watchdog_Starting_NoPingUntilTheProbeHasAVerdict()
    {
        var (path, notify) = BindNotifySocket();
        using var bound = notify;
        var probe = new SwitchProbe { Alive = null };
        using var watchdog = new SystemdWatchdog(new SystemdWatchdogSettings(path, TimeSpan.FromMilliseconds(200)), probe, NullLogger.Instance);

        await watchdog.StartAsync(CancellationToken.None);
        var starting = await ReceiveAsync(notify, TimeSpan.FromMilliseconds(600));
        probe.Alive = true;
        var started = await ReceiveAsync(notify, TimeSpan.FromSeconds(2));
        await watchdog.StopAsync(CancellationToken.None);

        Assert.Null(starting);
        Assert.Equal("WATCHDOG=1", started);
    }

    /// <summary>A datagram socket standing in for systemd's notify socket.</summary>
    private (string Path, Socket Socket) BindNotifySocket()
    {
        var path = Path.Combine(_folder, "notify");
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return (path, socket);
    }

    internal static async Task<string?> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[4096];
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
            return Encoding.ASCII.GetString(buffer, 0, length);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private sealed class SwitchProbe : IDirectorLivenessProbe
    {
        private int _calls;

        private int _alive;

        /// <summary>Read by the watchdog's loop, set by the test thread: stored as an int (-1 null, 0, 1).</summary>
        public bool? Alive
        {
            get => Volatile.Read(ref _alive) switch { -1 => null, 0 => false, _ => true };
            set => Volatile.Write(ref _alive, value switch { null => -1, false => 0, true => 1 });
        }

        public int Calls => Volatile.Read(ref _calls);

        public Task<bool?> IsAliveAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(Alive);
        }
    }
}
