using System.Net.Sockets;
using System.Text;
using LvsHa.Health.Model;

namespace LvsHa.Health.Checkers;

/// <summary>SMTP_CHECK: reads the 220 banner, sends HELO and expects 250, then QUIT and waits for its answer.</summary>
public sealed class SmtpCheck(SmtpCheckSpec spec, CheckTarget target) : IHealthCheck
{
    /// <inheritdoc/>
    public string Kind => "SMTP_CHECK";

    /// <inheritdoc/>
    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var socket = await target.ConnectTcpAsync(cancellationToken).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var reader = new SmtpReplyReader(stream);
            var banner = await reader.ReadCodeAsync(cancellationToken).ConfigureAwait(false);
            if (banner != 220) return CheckResult.Fail($"SMTP_CHECK on {target}: banner {Show(banner)}, expected 220");
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HELO {spec.HeloName}\r\n"), cancellationToken).ConfigureAwait(false);
            var helo = await reader.ReadCodeAsync(cancellationToken).ConfigureAwait(false);
            if (helo != 250) return CheckResult.Fail($"SMTP_CHECK on {target}: HELO answered {Show(helo)}, expected 250");
            await stream.WriteAsync("QUIT\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);

            // keepalived waits for the answer to QUIT, whatever its code, before declaring success.
            var quit = await reader.ReadCodeAsync(cancellationToken).ConfigureAwait(false);
            if (quit < 0) return CheckResult.Fail($"SMTP_CHECK on {target}: no answer to QUIT");
            return CheckResult.Pass($"SMTP 220/250/{quit}");
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return CheckResult.Fail($"SMTP_CHECK on {target}: {e.Message}");
        }
    }

    private static string Show(int code) => code < 0 ? "missing or malformed" : code.ToString();

    /// <summary>Reads SMTP replies, multi-line ones ("250-...") to their last line.</summary>
    private sealed class SmtpReplyReader(Stream stream)
    {
        private readonly byte[] buffer = new byte[4096];
        private int start;
        private int end;

        /// <summary>The reply code, or -1 when the connection closed or the reply is malformed.</summary>
        public async Task<int> ReadCodeAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line is null || line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), out var code)) return -1;
                if (line.Length == 3 || line[3] != '-') return code;
            }
        }

        private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    var line = Encoding.ASCII.GetString(buffer, start, newline).TrimEnd('\r');
                    start += newline + 1;
                    return line;
                }

                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length) return null; // a line longer than any sane SMTP reply
                var n = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                if (n == 0) return null;
                end += n;
            }
        }
    }
}
