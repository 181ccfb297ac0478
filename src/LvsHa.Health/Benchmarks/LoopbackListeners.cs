using System.Net;
using System.Net.Sockets;

namespace LvsHa.Health.Benchmarks;

/// <summary>N TCP listeners on distinct loopback addresses (127.1.x.y, ephemeral ports) that accept and close every
/// connection, or answer one HTTP request with 200 first: stand-in real servers for benchmarks.</summary>
public sealed class LoopbackListeners : IAsyncDisposable
{
    private readonly List<Socket> sockets;
    private readonly List<Task> acceptLoops;
    private readonly CancellationTokenSource stop = new();

    private static readonly byte[] HttpResponse = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray();

    private LoopbackListeners(int count, bool answerHttp)
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
        foreach (var socket in sockets) acceptLoops.Add(AcceptLoopAsync(socket, answerHttp, stop.Token));
    }

    /// <summary>The listeners' endpoints.</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    /// <summary>Binds and starts <paramref name="count"/> listeners (at most 62,500).</summary>
    public static LoopbackListeners Start(int count, bool answerHttp = false)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 62_500);
        return new LoopbackListeners(count, answerHttp);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        foreach (var socket in sockets) socket.Dispose();
        await Task.WhenAll(acceptLoops).ConfigureAwait(false);
        stop.Dispose();
    }

    private static async Task AcceptLoopAsync(Socket listener, bool answerHttp, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var accepted = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
                if (answerHttp) _ = AnswerHttpAsync(accepted, cancellationToken);
                else accepted.Dispose();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Listeners closed.
        }
    }

    private static async Task AnswerHttpAsync(Socket connection, CancellationToken cancellationToken)
    {
        using (connection)
        {
            try
            {
                // One read is enough for a checker's small request on loopback; the answer does not depend on it.
                var buffer = new byte[1024];
                _ = await connection.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                await connection.SendAsync(HttpResponse, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                connection.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The checker went away or the listeners are closing.
            }
        }
    }
}
