using System.Net;

namespace LvsHa.Director.Control;

/// <summary>The operator actions the control socket offers besides status.</summary>
public interface IDirectorCommands
{
    /// <summary>Re-reads the configuration file; an invalid one leaves the running configuration untouched.</summary>
    /// <returns>Whether it was applied, and every message for the operator.</returns>
    Task<(bool Applied, IReadOnlyList<string> Messages)> ReloadAsync(CancellationToken cancellationToken);

    /// <summary>Drains (or undrains) the real servers at <paramref name="address"/> (and <paramref name="port"/>),
    /// in one virtual service or all; returns the "virtual service / real server" pairs matched.</summary>
    Task<IReadOnlyList<string>> DrainAsync(string? virtualService, IPAddress address, int? port, bool drain, CancellationToken cancellationToken);

    /// <summary>Drains (or undrains) the whole director: its BGP routes are withdrawn and stay so; returns what
    /// happened in words.</summary>
    Task<string> DrainDirectorAsync(bool drain, CancellationToken cancellationToken);

    /// <summary>Hands the VIPs of <paramref name="instance"/> to the next director (or releases that hold with
    /// <paramref name="release"/>); returns what happened in words.</summary>
    Task<string> FailoverAsync(string instance, bool release, CancellationToken cancellationToken);
}
