using System.Net.Sockets;

namespace LvsHa.Health.Checkers;

/// <summary>TCP_CHECK: up when the connection is established; the socket is closed at once.</summary>
public sealed class TcpCheck(CheckTarget target) : IHealthCheck
{
    /// <inheritdoc/>
    public string Kind => "TCP_CHECK";

    /// <inheritdoc/>
    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var socket = await target.ConnectTcpAsync(cancellationToken).ConfigureAwait(false);
            return CheckResult.Pass($"connected to {target}");
        }
        catch (SocketException e)
        {
            return CheckResult.Fail($"TCP connect to {target} failed: {e.Message}");
        }
    }
}
