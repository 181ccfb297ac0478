using System.Net;
using System.Net.Sockets;

namespace LvsHa.Health.Benchmarks;

/// <summary>N TCP listeners on distinct loopback addresses (127.1.x.y, ephemeral ports) that accept and close every
/// connection: stand-in real servers for benchmarks.</summary>
public sealed class LoopbackListeners : IAsyncDisposable
{
    private readonly List<Socket> sockets;
    private readonly List<Task> acceptLoops;
    private readonly CancellationTokenSource stop = new();

    private LoopbackListeners(int count)
    {
        sockets = new List<Socket>(count);
        acceptLoops = new List<Task>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(listener);
                listener.Bind(new IPEndPoint(new IPAddress([127, 1, (byte)(i / 250), (byte)(i % 250 + 1)]), 0));
                listener.Listen(128);
            }
        }
        catch
        {
            foreach (var socket in sockets) socket.Dispose();
            stop.Dispose();
            throw;
        }

        Endpoints = sockets.Select(s => (IPEndPoint)s.LocalEndPoint!).ToArray();
        foreach (var socket in sockets) acceptLoops.Add(AcceptLoopAsync(socket, stop.Token));
    }

    /// <summary>The listeners' endpoints.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    /// <summary>Binds and starts <paramref name="count"/> listeners (at most 62,500).</summary>
    public static LoopbackListeners Start(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 62_500);
        return new LoopbackListeners(count);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        foreach (var socket in sockets) socket.Dispose();
        await Task.WhenAll(acceptLoops).ConfigureAwait(false);
        stop.Dispose();
    }

    private static async Task AcceptLoopAsync(Socket listener, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var accepted = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
                accepted.Dispose();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Listeners closed.
        }
    }
}
