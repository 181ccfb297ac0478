using System.Net.Sockets;
using LvsHa.Health.Model;

namespace LvsHa.Health.Checkers;

/// <summary>VIP_CHECK: a TCP connection to the VIP from the probe namespace, marked so that it is routed to one real
/// server (see <see cref="VipCheckSpec"/>). Up when the real server completes the handshake for the VIP.</summary>
public sealed class VipCheck(VipCheckSpec spec) : IHealthCheck
{
    /// <inheritdoc/>
    public string Kind => "VIP_CHECK";

    /// <inheritdoc/>
    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        Socket socket;
        try
        {
            socket = NetworkNamespace.CreateSocket(spec.ProbeNamespace, spec.Vip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception)
        {
            return CheckResult.Fail($"VIP_CHECK cannot use probe namespace {spec.ProbeNamespace}: {e.Message}");
        }

        using (socket)
        {
            try
            {
                CheckTarget.SetMark(socket, spec.Mark);
                await socket.ConnectAsync(spec.Vip, cancellationToken).ConfigureAwait(false);
                return CheckResult.Pass($"real server accepted {spec.Vip}");
            }
            catch (SocketException e)
            {
                return CheckResult.Fail($"VIP_CHECK to {spec.Vip} (mark {spec.Mark}) failed: {e.Message}");
            }
        }
    }
}
