using System.Collections.Immutable;
using System.Net;
using LvsHa.Ipvs;
using LvsHa.Netlink;
using LvsHa.Netlink.Ipvs;

namespace LvsHa.Testing;

/// <summary>
/// An IPVS table in memory with the kernel's refusals (EEXIST, ENOENT/ESRCH, EINVAL for an unknown scheduler),
/// for unit tests of the reconciler and applier. It counts the write requests it receives.
/// Thread-safe (actors call it from the thread pool while a test reads it), with a log of the operations and an
/// injectable refusal. Shared by the test projects through a linked source file (tests/Shared).
/// </summary>
internal sealed class InMemoryIpvs : IIpvs
{
    private static readonly HashSet<string> Schedulers = new() { "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh" };
    private readonly Dictionary<IpvsServiceKey, (IpvsService Service, List<IpvsDestination> Destinations)> _services = new();

    private readonly Lock _gate = new();
    private readonly List<IpvsOperation> _operations = new();

    public int WriteRequests { get { lock (_gate) return _operations.Count; } }

    /// <summary>Called for every operation before it is applied; a non-null answer is the kernel's refusal.</summary>
    public Func<IpvsOperation, IpvsException?>? Refuse { get; set; }

    public IpvsTable Snapshot()
    {
        lock (_gate)
        {
            return new(_services.Values
                .Select(s => new IpvsTableEntry(s.Service, s.Destinations.ToImmutableArray())).ToImmutableArray());
        }
    }

    /// <summary>The operations received since the last call (refused ones included).</summary>
    private int _reads;

    /// <summary>How many times the service list was dumped.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>While set, reading the table fails as a broken netlink socket would.</summary>
    public bool FailReads { get; set; }

    public IReadOnlyList<IpvsOperation> TakeOperations()
    {
        lock (_gate)
        {
            var taken = _operations.ToArray();
            _operations.Clear();
            return taken;
        }
    }

    /// <summary>Changes the table as another tool would (not logged as LvsHa's operations).</summary>
    public IpvsException? BehindTheBack(IpvsOperation operation)
    {
        lock (_gate) return Apply(operation);
    }

    public Task<IReadOnlyList<IpvsOperationResult>> ExecuteAsync(IReadOnlyList<IpvsOperation> operations, CancellationToken cancellationToken = default)
    {
        var results = new List<IpvsOperationResult>();
        lock (_gate)
        {
            foreach (var op in operations)
            {
                _operations.Add(op);
                results.Add(new IpvsOperationResult(op, Refuse?.Invoke(op) ?? Apply(op)));
            }
        }
        return Task.FromResult<IReadOnlyList<IpvsOperationResult>>(results);
    }

    private IpvsException? Apply(IpvsOperation op)
    {
        switch (op)
        {
            case IpvsOperation.AddService a:
                if (!Schedulers.Contains(a.Service.Scheduler))
                    return new IpvsException(Errno.ENOENT, $"adding service {a.Service.Key}", $"scheduler {a.Service.Scheduler} not found");
                if (_services.ContainsKey(Key(a.Service.Key)))
                    return new IpvsException(Errno.EEXIST, $"adding service {a.Service.Key}");
                _services[Key(a.Service.Key)] = (a.Service, new List<IpvsDestination>());
                return null;
            case IpvsOperation.UpdateService u:
                if (!_services.TryGetValue(Key(u.Service.Key), out var s))
                    return new IpvsException(Errno.ESRCH, $"editing service {u.Service.Key}");
                _services[Key(u.Service.Key)] = (u.Service, s.Destinations);
                return null;
            case IpvsOperation.DeleteService d:
                return _services.Remove(Key(d.Key)) ? null : new IpvsException(Errno.ESRCH, $"deleting service {d.Key}");
            case IpvsOperation.AddDestination a:
                if (!_services.TryGetValue(Key(a.Destination.Service), out var sa))
                    return new IpvsException(Errno.ESRCH, $"adding destination {a.Destination}");
                if (sa.Destinations.Any(x => Same(x, a.Destination.Address, a.Destination.Port)))
                    return new IpvsException(Errno.EEXIST, $"adding destination {a.Destination}");
                sa.Destinations.Add(a.Destination with { Service = sa.Service.Key });
                return null;
            case IpvsOperation.UpdateDestination u:
                if (!_services.TryGetValue(Key(u.Destination.Service), out var su))
                    return new IpvsException(Errno.ESRCH, $"editing destination {u.Destination}");
                var index = su.Destinations.FindIndex(x => Same(x, u.Destination.Address, u.Destination.Port));
                if (index < 0)
                    return new IpvsException(Errno.ENOENT, $"editing destination {u.Destination}");
                su.Destinations[index] = u.Destination with { Service = su.Service.Key };
                return null;
            case IpvsOperation.DeleteDestination d:
                if (!_services.TryGetValue(Key(d.Service), out var sd))
                    return new IpvsException(Errno.ESRCH, $"deleting destination {d.Service} -r {d.Address}");
                return sd.Destinations.RemoveAll(x => Same(x, d.Address, d.Port)) == 1
                    ? null
                    : new IpvsException(Errno.ENOENT, $"deleting destination {d.Service} -r {d.Address}");
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    private static IpvsServiceKey Key(IpvsServiceKey key) => IpvsKeys.Normalize(key);

    private static bool Same(IpvsDestination d, IPAddress address, ushort port) => d.Address.Equals(address) && d.Port == port;

    /// <summary>
    /// How long each read of the service list takes (a large table in a slow kernel). A delayed read answers the
    /// table as it was when the read began, as a dump that ran before a concurrent write would.
    /// </summary>
    public TimeSpan ReadDelay { get; set; }

    // The table a delayed read began with; its destination reads answer from it too.
    private IpvsTable? _readView;

    public async Task<IReadOnlyList<IpvsServiceEntry>> GetServicesAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        var delay = ReadDelay;
        var view = Snapshot();
        lock (_gate)
            _readView = delay > TimeSpan.Zero ? view : null;
        if (delay > TimeSpan.Zero)
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        if (FailReads)
            throw new IOException("netlink socket closed");
        return view.Entries
            .Select(e => new IpvsServiceEntry(e.Service with { Flags = e.Service.Flags | IpvsServiceFlags.Hashed }, IpvsStats.Zero)).ToList();
    }

    public Task<IReadOnlyList<IpvsDestinationEntry>> GetDestinationsAsync(IpvsServiceKey service, CancellationToken cancellationToken = default)
    {
        IpvsTable? view;
        lock (_gate)
            view = _readView;
        view ??= Snapshot();
        return Task.FromResult<IReadOnlyList<IpvsDestinationEntry>>(view.Entries.Single(e => Key(e.Service.Key) == Key(service)).Destinations
            .Select(d => new IpvsDestinationEntry(d, 0, 0, 0, IpvsStats.Zero)).ToList());
    }

    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate) _services.Clear();
        return Task.CompletedTask;
    }

    public Task<IpvsInfo> GetInfoAsync(CancellationToken cancellationToken = default) => Task.FromResult(new IpvsInfo(new Version(1, 2, 1), 4096));
    /// <summary>The connection timeouts as the kernel keeps them (a 0 in a set leaves that one as it is).</summary>
    public IpvsTimeouts Timeouts { get { lock (_gate) return _timeouts; } }
    private IpvsTimeouts _timeouts = new(900, 120, 300);
    public Task<IpvsTimeouts> GetTimeoutsAsync(CancellationToken cancellationToken = default) => Task.FromResult(Timeouts);
    public Task SetTimeoutsAsync(IpvsTimeouts timeouts, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            _timeouts = new(timeouts.Tcp == 0 ? _timeouts.Tcp : timeouts.Tcp, timeouts.TcpFin == 0 ? _timeouts.TcpFin : timeouts.TcpFin, timeouts.Udp == 0 ? _timeouts.Udp : timeouts.Udp);
        return Task.CompletedTask;
    }
    public Task<IReadOnlyList<IpvsSyncDaemon>> GetSyncDaemonsAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<IpvsSyncDaemon>>(Array.Empty<IpvsSyncDaemon>());
    public Task StartSyncDaemonAsync(IpvsSyncDaemon daemon, CancellationToken cancellationToken = default) => Task.CompletedTask;
    public Task StopSyncDaemonAsync(IpvsSyncDaemonRole role, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
