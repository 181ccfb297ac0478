namespace LvsHa.Director.Control;

/// <summary>Produces the status report the control socket returns.</summary>
public interface IStatusSource
{
    /// <summary>The current report.</summary>
    Task<StatusReport> GetStatusAsync(CancellationToken cancellationToken);
}
