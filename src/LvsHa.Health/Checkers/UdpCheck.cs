using System.Net.Sockets;
using LvsHa.Health.Model;

namespace LvsHa.Health.Checkers;

/// <summary>UDP_CHECK: sends the payload; an ICMP unreachable is down. Without require_reply, silence until the
/// timeout is up; with it a reply of the allowed length whose bytes match the pattern must arrive.</summary>
public sealed class UdpCheck(UdpCheckSpec spec, CheckTarget target, TimeSpan replyWait) : IHealthCheck
{
    /// <inheritdoc/>
    public string Kind => "UDP_CHECK";

    /// <inheritdoc/>
    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var payload = spec.Payload?.ToArray() ?? RandomPayload();
        using var socket = target.NewSocket(SocketType.Dgram, ProtocolType.Udp);
        var buffer = new byte[65536];

        // The wait for a reply or an ICMP error is part of the check, so it ends a little before the attempt timeout
        // and its expiry is a verdict, not a timeout.
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(replyWait);
        try
        {
            await socket.ConnectAsync(target.Remote, cancellationToken).ConfigureAwait(false);
            await socket.SendAsync(payload, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token).ConfigureAwait(false);
            if (!spec.RequireReply) return CheckResult.Pass("UDP reply received");
            return Matches(buffer.AsSpan(0, n), spec)
                ? CheckResult.Pass($"UDP reply of {n} bytes matches")
                : CheckResult.Fail($"UDP_CHECK on {target}: reply of {n} bytes does not match");
        }
        catch (SocketException e)
        {
            return CheckResult.Fail($"UDP_CHECK on {target}: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return spec.RequireReply
                ? CheckResult.Fail($"UDP_CHECK on {target}: no reply")
                : CheckResult.Pass("no ICMP error");
        }
    }

    /// <summary>Length bounds and the nibble pattern (null nibbles match anything), up to the shorter length.</summary>
    internal static bool Matches(ReadOnlySpan<byte> reply, UdpCheckSpec spec)
    {
        if (reply.Length < spec.MinReplyLength || reply.Length > spec.MaxReplyLength) return false;
        if (spec.ReplyNibbles is not { } nibbles) return true;
        var count = Math.Min(reply.Length * 2, nibbles.Count);
        for (var i = 0; i < count; i++)
        {
            if (nibbles[i] is not { } expected) continue;
            var actual = i % 2 == 0 ? reply[i / 2] >> 4 : reply[i / 2] & 0x0F;
            if (actual != expected) return false;
        }

        return true;
    }

    private static byte[] RandomPayload()
    {
        var payload = new byte[16];
        Random.Shared.NextBytes(payload);
        return payload;
    }
}
