namespace LvsHa.Director.Lvs;

/// <summary>Tuning of <see cref="IpvsReconcilerActor"/>.</summary>
public sealed record IpvsReconcilerOptions
{
    /// <summary>How often the kernel table is read again to repair changes made behind LvsHa's back (default 5 s).</summary>
    public TimeSpan DriftRepairInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// On <see cref="ReleaseTable"/>: true deletes the services LvsHa manages (keepalived's default at shutdown);
    /// false leaves them in the kernel so traffic keeps flowing across a restart (keepalived's -I /
    /// --dont-release-ipvs). The next start adopts them without disturbing established connections.
    /// </summary>
    public bool RemoveServicesOnStop { get; init; } = true;
}
