using System.Net.Sockets;
using System.Text;

namespace LvsHa.Director.Bgp;

/// <summary>
/// A command on BIRD's control socket (what birdc does, without running it): one connection per command. BIRD
/// answers in lines "CODE-text" (more follows), " text" (same code) and "CODE text" (the last); codes from 8000 are
/// errors (doc/prog: the CLI protocol).
/// </summary>
public static class BirdControl
{
    /// <summary>Runs <paramref name="command"/> and returns the reply lines; throws <see cref="BirdException"/> when
    /// BIRD answers with an error, <see cref="SocketException"/> or <see cref="IOException"/> when it cannot be
    /// reached.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(string socketPath, string command, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        // The greeting: "0001 BIRD 2.0.12 ready."
        await ReadReplyAsync(reader, socketPath, "(greeting)", cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\n"), cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync(reader, socketPath, command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>`configure "PATH"`: BIRD reads the file and applies the differences.</summary>
    public static Task<IReadOnlyList<string>> ConfigureAsync(string socketPath, string configFile, CancellationToken cancellationToken) =>
        RunAsync(socketPath, $"configure \"{configFile}\"", cancellationToken);

    private static async Task<IReadOnlyList<string>> ReadReplyAsync(StreamReader reader, string socketPath, string command, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new IOException($"BIRD at {socketPath} closed the connection during '{command}'");
            lines.Add(line);
            if (line.Length >= 5 && char.IsAsciiDigit(line[0]) && line[4] == ' ')
            {
                if (line[0] is '8' or '9')
                    throw new BirdException($"BIRD at {socketPath} refused '{command}': {string.Join(" | ", lines)}");
                return lines;
            }
        }
    }
}

/// <summary>BIRD answered a command with an error.</summary>
public sealed class BirdException(string message) : Exception(message);
