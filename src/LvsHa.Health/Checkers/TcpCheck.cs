using System.Net.Sockets;

namespace LvsHa.Health.Checkers;

/// <summary>TCP_CHECK: up when the connection is established; the socket is closed at once. The connect goes through
/// <see cref="TcpConnector"/> (one epoll thread, no thread-pool hop per check).</summary>
public sealed class TcpCheck(CheckTarget target) : IHealthCheck
{
    // One result object for every success: thousands of checks a second need not format the same text each time.
    private readonly CheckResult connected = CheckResult.Pass($"connected to {target}");

    /// <inheritdoc/>
    public string Kind => "TCP_CHECK";

    /// <inheritdoc/>
    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var socket = target.NewSocket(SocketType.Stream, ProtocolType.Tcp);
            await TcpConnector.ConnectAsync(socket, target.Remote, cancellationToken).ConfigureAwait(false);
            return connected;
        }
        catch (SocketException e)
        {
            return CheckResult.Fail($"TCP connect to {target} failed: {e.Message}");
        }
    }
}
