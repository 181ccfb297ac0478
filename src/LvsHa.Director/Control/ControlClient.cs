using System.Net.Sockets;
using System.Text.Json;

namespace LvsHa.Director.Control;

/// <summary>Client of a director's control socket; `lvsha status` uses it.</summary>
public sealed class ControlClient
{
    private readonly string _path;

    /// <summary>Creates a client of the socket at <paramref name="path"/>.</summary>
    public ControlClient(string path = Hosting.DirectorOptions.DefaultControlSocketPath) => _path = path;

    /// <summary>Sends <paramref name="request"/> and returns the daemon's reply.</summary>
    /// <exception cref="ControlClientException">The daemon is not running, not reachable or replied garbage.</exception>
    public async Task<ControlResponse> SendAsync(ControlRequest request, CancellationToken cancellationToken = default)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(_path), cancellationToken).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await ControlLine.WriteAsync(stream, JsonSerializer.Serialize(request, ControlJsonContext.Default.ControlRequest), cancellationToken).ConfigureAwait(false);
            var line = await ControlLine.ReadAsync(stream, cancellationToken).ConfigureAwait(false)
                ?? throw new ControlClientException($"the director at {_path} closed the connection without a reply");
            return JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlResponse)
                ?? throw new ControlClientException($"the director at {_path} replied null");
        }
        catch (SocketException e)
        {
            throw new ControlClientException($"cannot talk to the director at {_path} ({e.SocketErrorCode}): is `lvsha run` running, and are you root?", e);
        }
        catch (IOException e)
        {
            throw new ControlClientException($"connection to the director at {_path} failed: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new ControlClientException($"the director at {_path} sent a malformed reply: {e.Message}", e);
        }
    }

    /// <summary>The director's status report.</summary>
    /// <exception cref="ControlClientException">No report (see <see cref="SendAsync"/>), or the daemon reported an error.</exception>
    public async Task<StatusReport> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(new ControlRequest("status"), cancellationToken).ConfigureAwait(false);
        return response is { Ok: true, Status: { } status }
            ? status
            : throw new ControlClientException($"status failed: {response.Error}");
    }
}
