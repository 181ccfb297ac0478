using System.Diagnostics;
using System.Net.Sockets;
using LvsHa.RealServers.Model;
using LvsHa.RealServers.Ssh;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Renci.SshNet.Common;

namespace LvsHa.RealServers.Running;

/// <summary>
/// The entry point for <c>lvsha prepare</c>: every target host in parallel (bounded), each with its own time bound,
/// the connection retried with Polly, host key checked against known_hosts; one host failing never stops the others.
/// </summary>
public static class PrepareRunner
{
    /// <summary>Connects to one host; replaced in unit tests.</summary>
    public delegate Task<IRemoteHost> Connector(PrepTarget target, CancellationToken cancellationToken);

    /// <summary>Prepares (or with <see cref="PrepareOptions.Undo"/> un-prepares) the targets over SSH and returns the report.</summary>
    public static Task<PrepareReport> RunAsync(IReadOnlyList<PrepTarget> targets, SshSettings ssh, PrepareOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ssh);
        ArgumentNullException.ThrowIfNull(options);
        KnownHosts? knownHosts = null;
        string? knownHostsError = null;
        try
        {
            knownHosts = KnownHosts.Load(ssh.KnownHostsFile);
        }
        catch (KnownHostsFormatException e)
        {
            knownHostsError = e.Message;
        }

        Connector connect = async (target, ct) => knownHosts is null
            ? throw new HostKeyRefusedException($"{knownHostsError}: every host is refused")
            : await SshRemoteHost.ConnectAsync(target.Host, ssh.Port, ssh.User, ssh.IdentityFile, knownHosts, options.EffectiveConnectTimeout, ct).ConfigureAwait(false);
        return RunAsync(targets, ssh.Persist, options, connect, cancellationToken);
    }

    /// <summary>The same run with a given connector (unit tests, other transports).</summary>
    public static async Task<PrepareReport> RunAsync(
        IReadOnlyList<PrepTarget> targets, bool persist, PrepareOptions options, Connector connect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var selected = targets
            .Where(t => options.Only is not { Count: > 0 } only || only.Contains(t.Host) || only.Contains(t.RealServerAddress.ToString()))
            .GroupBy(t => t.Host, StringComparer.Ordinal)
            .ToList();
        var reports = new HostReport[selected.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, selected.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken },
            async (index, ct) => reports[index] = await RunHostAsync(selected[index].Key, selected[index].ToList(), persist, options, connect, ct).ConfigureAwait(false))
            .ConfigureAwait(false);
        var unmatched = (options.Only ?? new HashSet<string>())
            .Where(name => !targets.Any(t => t.Host == name || t.RealServerAddress.ToString() == name))
            .Order(StringComparer.Ordinal)
            .ToList();
        return new PrepareReport(reports, options.DryRun, options.Undo, clock.Elapsed) { UnmatchedOnly = unmatched };
    }

    /// <summary>Merges the targets naming one host (a real server in several virtual services) into one, or says why not.</summary>
    public static (PrepTarget? Target, string? Error) Merge(IReadOnlyList<PrepTarget> sameHost)
    {
        ArgumentNullException.ThrowIfNull(sameHost);
        PrepTarget first = sameHost[0];
        if (sameHost.Any(t => t.Method != first.Method || t.Tunnel != first.Tunnel || t.GuePort != first.GuePort || !Equals(t.DirectorAddress, first.DirectorAddress)))
        {
            return (null, $"host {first.Host} is used with different forwarding methods, tunnels or directors; prepare needs one per host");
        }

        return (first with { Vips = sameHost.SelectMany(t => t.Vips).Distinct().ToList() }, null);
    }

    private static async Task<HostReport> RunHostAsync(string host, IReadOnlyList<PrepTarget> sameHost, bool persist, PrepareOptions options, Connector connect, CancellationToken outer)
    {
        var clock = Stopwatch.StartNew();
        (PrepTarget? target, string? mergeError) = Merge(sameHost);
        if (target is null)
        {
            return new HostReport(host, true, mergeError, [], clock.Elapsed, 0);
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(outer);
        bound.CancelAfter(options.EffectivePerHostTimeout);
        int attempts = 0;
        try
        {
            ResiliencePipeline pipeline = ConnectionPipeline(options);
            await using IRemoteHost remote = await pipeline.ExecuteAsync(
                async ct =>
                {
                    attempts++;
                    return await connect(target, ct).ConfigureAwait(false);
                },
                bound.Token).ConfigureAwait(false);
            (IReadOnlyList<ItemReport> items, string? error) = await HostPreparer.PrepareAsync(remote, target, persist, options.DryRun, options.Undo, bound.Token).ConfigureAwait(false);
            bool failed = error is not null || items.Any(i => i.Status == ItemStatus.Failed);
            return new HostReport(host, failed, error, items, clock.Elapsed, attempts);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested && !outer.IsCancellationRequested)
        {
            return new HostReport(host, true, $"timed out after {options.EffectivePerHostTimeout.TotalSeconds:0.#} s (per-host bound)", [], clock.Elapsed, attempts);
        }
        catch (Exception e) when (e is not OperationCanceledException || !outer.IsCancellationRequested)
        {
            return new HostReport(host, true, Describe(e, attempts), [], clock.Elapsed, attempts);
        }
    }

    private static ResiliencePipeline ConnectionPipeline(PrepareOptions options)
    {
        var builder = new ResiliencePipelineBuilder();
        if (options.Retries > 0)
        {
            // Only the connection is retried: a refused host key or a refused login is an answer, not a glitch.
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.Retries,
                Delay = TimeSpan.FromMilliseconds(300),
                BackoffType = DelayBackoffType.Exponential,
                ShouldHandle = new PredicateBuilder()
                    .Handle<SocketException>()
                    .Handle<SshConnectionException>()
                    .Handle<SshOperationTimeoutException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<ProxyException>(),
            });
        }

        return builder.AddTimeout(options.EffectiveConnectTimeout).Build();
    }

    private static string Describe(Exception e, int attempts) => e switch
    {
        HostKeyRefusedException => e.Message,
        SshAuthenticationException => $"key authentication refused: {e.Message}",
        SocketException s => $"unreachable after {attempts} attempt(s): {s.Message}",
        TimeoutRejectedException => $"no SSH connection within the connect timeout after {attempts} attempt(s)",
        SshConnectionException or SshOperationTimeoutException => $"SSH connection failed after {attempts} attempt(s): {e.Message}",
        _ => e.Message,
    };
}
