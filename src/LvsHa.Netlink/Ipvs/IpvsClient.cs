using LvsHa.Netlink.Core;

namespace LvsHa.Netlink.Ipvs;

/// <summary>
/// The kernel's IPVS table over generic netlink (family "IPVS", version 1). Open with <see cref="Open"/>; one
/// socket, calls serialised. The kernel answers at once, so calls run synchronously and return completed tasks.
/// </summary>
public sealed class IpvsClient : IIpvs, IDisposable
{
    /// <summary>Most bytes of requests put in one send: the kernel takes any size up to the send buffer; 64 KiB keeps acks in bounds.</summary>
    private const int BatchBytes = 64 * 1024;

    /// <summary>Rough kernel memory one queued ack costs (skb truesize); sizes batches to the receive buffer.</summary>
    private const int AckCost = 1024;

    private readonly object _gate = new();
    private readonly NetlinkConnection _connection;
    private readonly NetlinkWriter _writer = new(BatchBytes + 4096);
    private readonly int _maxOperationsPerBatch;

    private IpvsClient(NetlinkConnection connection, ushort familyId, uint familyVersion)
    {
        _connection = connection;
        FamilyId = familyId;
        FamilyVersion = familyVersion;
        _maxOperationsPerBatch = Math.Clamp(connection.KernelReceiveBuffer / AckCost / 2, 16, 4096);
    }

    /// <summary>The generic netlink id the kernel gave the "IPVS" family.</summary>
    public ushort FamilyId { get; }

    /// <summary>The family version the kernel reports (1 for every kernel since 2.6.29).</summary>
    public uint FamilyVersion { get; }

    /// <summary>
    /// Opens a generic netlink socket (inside <paramref name="networkNamespacePath"/> if given, e.g.
    /// /run/netns/NAME) and resolves the "IPVS" family. Throws an <see cref="IpvsException"/> saying what to do when
    /// the kernel has no ip_vs.
    /// </summary>
    public static IpvsClient Open(string? networkNamespacePath = null)
    {
        var connection = new NetlinkConnection(NetlinkSocket.Open(NetlinkProtocol.Generic, 0, networkNamespacePath));
        try
        {
            var family = GenericNetlink.Resolve(connection, IpvsGenl.FamilyName, (errno, text) => errno == Errno.ENOENT
                ? new IpvsException(errno, "IPVS is not available in this kernel",
                    "generic netlink family \"IPVS\" not found: load the ip_vs module with `modprobe ip_vs` as root, or use a kernel built with CONFIG_IP_VS")
                : new IpvsException(errno, "resolving generic netlink family \"IPVS\"", text));
            return new IpvsClient(connection, family.Id, family.Version);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public Task<IpvsInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            IpvsInfo? info = null;
            Request((w, sequence) => IpvsMessages.WriteSimple(w, FamilyId, sequence, IpvsCmd.GetInfo), "reading IPVS info",
                (in NetlinkMessage m) => info = IpvsMessages.ParseInfo(m));
            return info ?? throw new NetlinkProtocolException("no IPVS info reply");
        }, cancellationToken);

    public Task<IReadOnlyList<IpvsServiceEntry>> GetServicesAsync(CancellationToken cancellationToken = default) =>
        Run<IReadOnlyList<IpvsServiceEntry>>(() =>
        {
            var services = new List<IpvsServiceEntry>();
            Dump((w, sequence) => IpvsMessages.WriteServiceDump(w, FamilyId, sequence), "listing IPVS services",
                (in NetlinkMessage m) => services.Add(IpvsMessages.ParseService(m)));
            return services;
        }, cancellationToken);

    /// <summary>One service with its counters, or null when the kernel has no such service.</summary>
    public Task<IpvsServiceEntry?> GetServiceAsync(IpvsServiceKey key, CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            IpvsServiceEntry? entry = null;
            try
            {
                Request((w, sequence) => IpvsMessages.WriteGetService(w, FamilyId, sequence, key), $"reading service {key}",
                    (in NetlinkMessage m) => entry = IpvsMessages.ParseService(m));
            }
            catch (IpvsException e) when (e.Errno is Errno.ESRCH or Errno.ENOENT)
            {
                return null;
            }
            return entry;
        }, cancellationToken);

    public Task<IReadOnlyList<IpvsDestinationEntry>> GetDestinationsAsync(IpvsServiceKey service, CancellationToken cancellationToken = default) =>
        Run<IReadOnlyList<IpvsDestinationEntry>>(() =>
        {
            var destinations = new List<IpvsDestinationEntry>();
            Dump((w, sequence) => IpvsMessages.WriteDestinationDump(w, FamilyId, sequence, service), $"listing destinations of {service}",
                (in NetlinkMessage m) => destinations.Add(IpvsMessages.ParseDestination(m, service)));
            return destinations;
        }, cancellationToken);

    public Task<IReadOnlyList<IpvsOperationResult>> ExecuteAsync(IReadOnlyList<IpvsOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count == 0)
            return Task.FromResult<IReadOnlyList<IpvsOperationResult>>([]);
        return Run<IReadOnlyList<IpvsOperationResult>>(() => Execute(operations, cancellationToken), cancellationToken);
    }

    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            Request((w, sequence) => IpvsMessages.WriteSimple(w, FamilyId, sequence, IpvsCmd.Flush), "flushing the IPVS table", null);
            return true;
        }, cancellationToken);

    public Task<IpvsTimeouts> GetTimeoutsAsync(CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            IpvsTimeouts? timeouts = null;
            Request((w, sequence) => IpvsMessages.WriteSimple(w, FamilyId, sequence, IpvsCmd.GetConfig), "reading IPVS timeouts",
                (in NetlinkMessage m) => timeouts = IpvsMessages.ParseTimeouts(m));
            return timeouts ?? throw new NetlinkProtocolException("no IPVS timeouts reply");
        }, cancellationToken);

    public Task SetTimeoutsAsync(IpvsTimeouts timeouts, CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            Request((w, sequence) => IpvsMessages.WriteSetTimeouts(w, FamilyId, sequence, timeouts),
                $"setting IPVS timeouts tcp {timeouts.Tcp} tcpfin {timeouts.TcpFin} udp {timeouts.Udp}", null);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<IpvsSyncDaemon>> GetSyncDaemonsAsync(CancellationToken cancellationToken = default) =>
        Run<IReadOnlyList<IpvsSyncDaemon>>(() =>
        {
            var daemons = new List<IpvsSyncDaemon>();
            Dump((w, sequence) => IpvsMessages.WriteDaemonDump(w, FamilyId, sequence), "listing IPVS sync daemons",
                (in NetlinkMessage m) => daemons.Add(IpvsMessages.ParseDaemon(m)));
            return daemons;
        }, cancellationToken);

    public Task StartSyncDaemonAsync(IpvsSyncDaemon daemon, CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            ArgumentNullException.ThrowIfNull(daemon);
            Request((w, sequence) => IpvsMessages.WriteNewDaemon(w, FamilyId, sequence, daemon),
                $"starting the {daemon.Role.ToString().ToLowerInvariant()} sync daemon on {daemon.Interface} (syncid {daemon.SyncId})", null);
            return true;
        }, cancellationToken);

    public Task StopSyncDaemonAsync(IpvsSyncDaemonRole role, CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            Request((w, sequence) => IpvsMessages.WriteDelDaemon(w, FamilyId, sequence, role),
                $"stopping the {role.ToString().ToLowerInvariant()} sync daemon", null);
            return true;
        }, cancellationToken);

    public void Dispose()
    {
        lock (_gate)
            _connection.Dispose();
    }

    private IpvsOperationResult[] Execute(IReadOnlyList<IpvsOperation> operations, CancellationToken cancellationToken)
    {
        var results = new IpvsOperationResult[operations.Count];
        var batchIndexes = new List<int>(_maxOperationsPerBatch);
        var next = 0;
        while (next < operations.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _writer.Clear();
            batchIndexes.Clear();
            uint firstSequence = 0;
            while (next < operations.Count && _writer.Length < BatchBytes && batchIndexes.Count < _maxOperationsPerBatch)
            {
                var operation = operations[next];
                var invalid = IpvsMessages.Validate(operation);
                if (invalid is not null)
                {
                    results[next] = new IpvsOperationResult(operation, new IpvsException(Errno.EINVAL, IpvsMessages.Describe(operation), invalid));
                }
                else
                {
                    var sequence = _connection.NextSequence();
                    if (batchIndexes.Count == 0)
                        firstSequence = sequence;
                    else if (sequence != firstSequence + (uint)batchIndexes.Count)
                        break; // the counter wrapped: start a new batch so sequences stay contiguous
                    IpvsMessages.WriteOperation(_writer, FamilyId, sequence, operation);
                    batchIndexes.Add(next);
                }
                next++;
            }
            try
            {
                _connection.Batch(_writer.WrittenSpan, firstSequence, batchIndexes.Count, (index, errno, text) =>
                {
                    var operation = operations[batchIndexes[index]];
                    results[batchIndexes[index]] = new IpvsOperationResult(operation, errno == 0 ? null
                        : new IpvsException(errno, IpvsMessages.Describe(operation), text ?? IpvsMessages.Explain(operation, errno)));
                });
            }
            catch (NetlinkException e) when (e.Errno == Errno.ENOBUFS)
            {
                // The kernel dropped acknowledgements: it may or may not have applied those operations.
                foreach (var index in batchIndexes.Where(i => results[i] is null))
                    results[index] = new IpvsOperationResult(operations[index], new IpvsException(Errno.ENOBUFS, IpvsMessages.Describe(operations[index]),
                        "acknowledgement lost in a receive queue overflow; re-read the table to know whether it was applied"));
            }
        }
        return results;
    }

    private void Request(Action<NetlinkWriter, uint> build, string subject, NetlinkReplyHandler? onReply) =>
        _connection.Request(build, onReply, Refusal(subject));

    private void Dump(Action<NetlinkWriter, uint> build, string subject, NetlinkReplyHandler onReply) =>
        _connection.Request(build, onReply, Refusal(subject));

    private static NetlinkErrorFactory Refusal(string subject) => (errno, text) => new IpvsException(errno, subject, text);

    private Task<T> Run<T>(Func<T> action, CancellationToken cancellationToken) =>
        SynchronousCall.Run(_gate, action, cancellationToken);
}
