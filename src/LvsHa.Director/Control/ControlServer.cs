using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using LvsHa.Director.Vrrp;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Control;

/// <summary>
/// The unix control socket: one JSON request line in, one JSON reply line out, per connection. The socket file is
/// mode 0600 and, when the server creates its folder, the folder is 0700, so only the daemon's user (root) talks to it.
/// </summary>
public sealed partial class ControlServer : BackgroundService
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private readonly string _path;
    private readonly IStatusSource _status;
    private readonly ILogger<ControlServer> _logger;
    private readonly IDirectorCommands? _commands;
    private Socket? _listener;

    /// <summary>Creates the server for socket <paramref name="path"/>; without <paramref name="commands"/> only status is served.</summary>
    public ControlServer(string path, IStatusSource status, ILogger<ControlServer> logger, IDirectorCommands? commands = null)
    {
        _path = path;
        _status = status;
        _logger = logger;
        _commands = commands;
    }

    /// <summary>Binds the socket before the director starts anything else: a path that cannot be a socket is the
    /// operator's error at start (one line, exit code 1), not a failure after the VIPs and the IPVS table were set.</summary>
    /// <exception cref="DirectorConfigException">The socket cannot be created at the path.</exception>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _listener = Bind();
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            var why = e is SocketException s ? $"{s.Message} ({s.SocketErrorCode}; a unix socket needs a local file system)" : e.Message;
            throw new DirectorConfigException($"control socket {_path}: cannot listen: {why}");
        }

        _logger.LogInformation("Control socket listening on {ControlSocket}", _path);
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var listener = _listener!;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await listener.AcceptAsync(stoppingToken).ConfigureAwait(false);
                _ = ServeAsync(client, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            TryDelete(_path);
        }
    }

    private Socket Bind()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the control socket needs unix file modes");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(_path));
        if (folder is not null && !Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // A socket file left by a killed daemon would make bind fail; a live daemon on the same path is a
        // configuration error the operator sees because both log the path.
        TryDelete(_path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(_path));
            File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(16);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stoppingToken)
    {
        // The client gets ClientTimeout to send its line and to take the answer; the command itself gets
        // CommandTimeout: a reload queued behind others on a busy host takes longer than a status read.
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        reading.CancelAfter(ClientTimeout);
        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: true);
            var line = await ControlLine.ReadAsync(stream, reading.Token).ConfigureAwait(false);
            using var running = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            running.CancelAfter(CommandTimeout);
            var response = line is null ? new ControlResponse(false, "empty request", null) : await HandleAsync(line, running.Token).ConfigureAwait(false);
            using var writing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            writing.CancelAfter(ClientTimeout);
            await ControlLine.WriteAsync(stream, JsonSerializer.Serialize(response, ControlJsonContext.Default.ControlResponse), writing.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            _logger.LogDebug(e, "Control client dropped");
        }
    }

    private async Task<ControlResponse> HandleAsync(string line, CancellationToken cancellationToken)
    {
        ControlRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlRequest);
        }
        catch (JsonException e)
        {
            return new ControlResponse(false, $"malformed request: {e.Message}", null);
        }

        switch (request?.Command)
        {
            case "status":
                try
                {
                    return new ControlResponse(true, null, await _status.GetStatusAsync(cancellationToken).ConfigureAwait(false));
                }
                catch (StatusUnavailableException e)
                {
                    return new ControlResponse(false, e.Message, null);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    _logger.LogWarning(e, "Status request failed");
                    return new ControlResponse(false, $"status failed: {e.Message}", null);
                }

            case "reload" or "drain" or "failover" when _commands is null:
                return new ControlResponse(false, $"this director does not offer '{request.Command}'", null);

            case "reload" or "drain" or "failover":
                try
                {
                    return await RunCommandAsync(request, _commands!, cancellationToken).ConfigureAwait(false);
                }
                catch (ArgumentException e)
                {
                    return new ControlResponse(false, e.Message, null);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    _logger.LogWarning(e, "Control command {Command} failed", request.Command);
                    return new ControlResponse(false, $"{request.Command} failed: {e.Message}", null);
                }

            default:
                return new ControlResponse(false, $"unknown command '{request?.Command}'", null);
        }
    }

    private static async Task<ControlResponse> RunCommandAsync(ControlRequest request, IDirectorCommands commands, CancellationToken cancellationToken)
    {
        switch (request.Command)
        {
            case "reload":
                var (applied, messages) = await commands.ReloadAsync(cancellationToken).ConfigureAwait(false);
                return new ControlResponse(applied, applied ? null : "the configuration is invalid; the running one is unchanged", null) { Messages = messages };
            case "drain" when request.Director:
                return new ControlResponse(true, null, null) { Messages = [await commands.DrainDirectorAsync(!request.Undo, cancellationToken).ConfigureAwait(false)] };
            case "drain":
                var (address, port) = ParseRealServer(request.RealServer);
                var matched = await commands.DrainAsync(request.VirtualService, address, port, !request.Undo, cancellationToken).ConfigureAwait(false);
                return matched.Count == 0
                    ? new ControlResponse(false, $"no real server {request.RealServer} in {request.VirtualService ?? "any virtual service"}", null)
                    : new ControlResponse(true, null, null) { Messages = matched };
            default:
                var text = await commands.FailoverAsync(
                    request.Instance ?? throw new ArgumentException("failover needs an instance"), request.Undo, cancellationToken).ConfigureAwait(false);
                return new ControlResponse(true, null, null) { Messages = [text] };
        }
    }

    /// <summary>"ADDRESS", "ADDRESS:PORT" or "[V6]:PORT".</summary>
    public static (System.Net.IPAddress Address, int? Port) ParseRealServer(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new ArgumentException("a real server address is needed");
        if (System.Net.IPAddress.TryParse(text, out var bare))
            return (bare, null);
        if (System.Net.IPEndPoint.TryParse(text, out var endpoint))
            return (endpoint.Address, endpoint.Port);
        throw new ArgumentException($"'{text}' is not ADDRESS or ADDRESS:PORT");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Newline-framed UTF-8 lines on a stream.</summary>
internal static class ControlLine
{
    public static async Task<string?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        while (true)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.Length == 0 ? null : Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            }

            var newline = Array.IndexOf(chunk, (byte)'\n', 0, read);
            buffer.Write(chunk, 0, newline < 0 ? read : newline);
            if (newline >= 0)
            {
                return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            }

            if (buffer.Length > ControlJson.MaxLineLength)
            {
                throw new IOException($"control line longer than {ControlJson.MaxLineLength} bytes");
            }
        }
    }

    public static async Task WriteAsync(Stream stream, string line, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
