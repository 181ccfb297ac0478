namespace LvsHa.Netlink.Ipvs;

/// <summary>
/// One change to the kernel's IPVS table. The reconciler produces lists of these, `lvsha plan` prints them
/// (ipvsadm-like, one per line) and <see cref="IIpvs.ExecuteAsync"/> sends them pipelined.
/// </summary>
public abstract record IpvsOperation
{
    private IpvsOperation() { }

    public sealed record AddService(IpvsService Service) : IpvsOperation;
    public sealed record UpdateService(IpvsService Service) : IpvsOperation;
    public sealed record DeleteService(IpvsServiceKey Key) : IpvsOperation;
    public sealed record AddDestination(IpvsDestination Destination) : IpvsOperation;
    public sealed record UpdateDestination(IpvsDestination Destination) : IpvsOperation;
    public sealed record DeleteDestination(IpvsServiceKey Service, System.Net.IPAddress Address, ushort Port) : IpvsOperation;
}

/// <summary>The outcome of one operation of a batch: null Error means the kernel acknowledged it.</summary>
public sealed record IpvsOperationResult(IpvsOperation Operation, IpvsException? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>The IPVS table of the kernel, as the reconciler and the daemon use it.</summary>
public interface IIpvs
{
    Task<IpvsInfo> GetInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>All services with their counters, in one dump; their destinations come from <see cref="GetDestinationsAsync"/> (one dump per service).</summary>
    Task<IReadOnlyList<IpvsServiceEntry>> GetServicesAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<IpvsDestinationEntry>> GetDestinationsAsync(IpvsServiceKey service, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends the operations in order, many per send, and reads the acknowledgements afterwards. Every operation is
    /// attempted; the result says for each whether the kernel accepted it (no exception for a refusal).
    /// </summary>
    Task<IReadOnlyList<IpvsOperationResult>> ExecuteAsync(IReadOnlyList<IpvsOperation> operations, CancellationToken cancellationToken = default);

    /// <summary>Removes every service (ipvsadm -C).</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    Task<IpvsTimeouts> GetTimeoutsAsync(CancellationToken cancellationToken = default);
    Task SetTimeoutsAsync(IpvsTimeouts timeouts, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<IpvsSyncDaemon>> GetSyncDaemonsAsync(CancellationToken cancellationToken = default);
    Task StartSyncDaemonAsync(IpvsSyncDaemon daemon, CancellationToken cancellationToken = default);
    Task StopSyncDaemonAsync(IpvsSyncDaemonRole role, CancellationToken cancellationToken = default);
}
