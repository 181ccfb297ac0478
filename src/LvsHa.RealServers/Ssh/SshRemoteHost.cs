using LvsHa.RealServers.Running;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace LvsHa.RealServers.Ssh;

/// <summary>A real server reached over SSH.NET: host key checked against known_hosts, key authentication only.</summary>
public sealed class SshRemoteHost : IRemoteHost
{
    private static readonly Dictionary<string, string[]> AlgorithmsByKeyType = new(StringComparer.Ordinal)
    {
        ["ssh-ed25519"] = ["ssh-ed25519"],
        ["ecdsa-sha2-nistp256"] = ["ecdsa-sha2-nistp256"],
        ["ecdsa-sha2-nistp384"] = ["ecdsa-sha2-nistp384"],
        ["ecdsa-sha2-nistp521"] = ["ecdsa-sha2-nistp521"],
        ["ssh-rsa"] = ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
    };

    private readonly SshClient _client;

    private SshRemoteHost(SshClient client) => _client = client;

    /// <summary>
    /// Connects and authenticates. Throws <see cref="HostKeyRefusedException"/> when the key is unknown, different or
    /// revoked (the connection is dropped during key exchange, before authentication: nothing reaches the host).
    /// </summary>
    public static async Task<SshRemoteHost> ConnectAsync(
        string host, int port, string user, string identityFile, KnownHosts knownHosts, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        var key = new PrivateKeyFile(identityFile);
        var info = new ConnectionInfo(host, port, user, new PrivateKeyAuthenticationMethod(user, key)) { Timeout = connectTimeout };
        OfferOnlyKnownKeyTypes(info, knownHosts.KeyTypesFor(host, port));

        string? refusal = null;
        var client = new SshClient(info);
        client.HostKeyReceived += (_, e) =>
        {
            HostKeyVerdict verdict = knownHosts.Check(host, port, e.HostKey);
            e.CanTrust = verdict == HostKeyVerdict.Match;
            if (!e.CanTrust)
            {
                string seen = $"{e.HostKeyName} SHA256:{e.FingerPrintSHA256}";
                refusal = verdict switch
                {
                    HostKeyVerdict.Unknown => $"host {KnownHosts.LookupName(host, port)} is not in the known_hosts file (key seen: {seen}); refused, left untouched",
                    HostKeyVerdict.Revoked => $"host {KnownHosts.LookupName(host, port)} presented a revoked key ({seen}); refused, left untouched",
                    _ => $"HOST KEY MISMATCH for {KnownHosts.LookupName(host, port)}: key seen {seen} is not the one in the known_hosts file; refused, left untouched",
                };
            }
        };

        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return new SshRemoteHost(client);
        }
        catch (Exception e) when (refusal is not null)
        {
            client.Dispose();
            throw new HostKeyRefusedException(refusal, e);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<CommandResult> RunAsync(string commandLine, CancellationToken cancellationToken)
    {
        using SshCommand command = _client.CreateCommand(commandLine);
        await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return new CommandResult(command.ExitStatus ?? -1, command.Result, command.Error);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                _client.Disconnect();
            }
        }
        catch (Exception e) when (e is SshException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // The work is done and reported; a connection that breaks while closing changes nothing on the host.
        }

        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void OfferOnlyKnownKeyTypes(ConnectionInfo info, IReadOnlySet<string> knownTypes)
    {
        // Like OpenSSH: ask for the key type known_hosts holds, so a server with several keys shows the one we can check.
        var wanted = knownTypes.SelectMany(t => AlgorithmsByKeyType.TryGetValue(t, out string[]? a) ? a : []).ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return;
        }

        foreach (string algorithm in info.HostKeyAlgorithms.Keys.Where(a => !wanted.Contains(a)).ToList())
        {
            info.HostKeyAlgorithms.Remove(algorithm);
        }
    }
}
