using LvsHa.Config;
using LvsHa.Director.Security;
using LvsHa.Director.Vrrp;

namespace LvsHa.Director.Daemon;

/// <summary>
/// What a valid file still needs of this machine before a director runs it: every script runnable as configured
/// (<see cref="ScriptPolicy"/>), every VRRP interface present (<see cref="InterfacePresence"/>) and every track
/// file's directory present (keepalived drops such a track file with an error; it could never be watched). `check`,
/// `run` and reload all call this one method, so a file one of them passes the others pass too.
/// </summary>
public static class DirectorPreflight
{
    /// <summary>Errors and warnings, in file order.</summary>
    public static IReadOnlyList<ConfigDiagnostic> Check(LvsHaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return [.. ScriptPolicy.Check(config).Concat(InterfacePresence.Check(config))
            .Concat(TrackFileDirectories(config)).Concat(BgpDaemon(config))
            .OrderBy(d => d.Location.File, StringComparer.Ordinal).ThenBy(d => d.Location.Line).ThenBy(d => d.Location.Column)];
    }

    // The bgp block announces through BIRD 2: without it nothing would ever be announced.
    private static IEnumerable<ConfigDiagnostic> BgpDaemon(LvsHaConfig config)
    {
        if (config.Bgp is { } bgp && !File.Exists(Bgp.BgpAnnouncerOptions.DefaultBirdPath))
            yield return new ConfigDiagnostic(DiagnosticSeverity.Error,
                $"bgp: the routes are announced through BIRD 2, and {Bgp.BgpAnnouncerOptions.DefaultBirdPath} does not exist (install Debian's bird2 package)", bgp.Location);
    }

    private static IEnumerable<ConfigDiagnostic> TrackFileDirectories(LvsHaConfig config) =>
        from file in config.TrackFiles
        let directory = Path.GetDirectoryName(Path.GetFullPath(file.Path)) ?? "/"
        where !Directory.Exists(directory)
        select new ConfigDiagnostic(DiagnosticSeverity.Error,
            $"track_file {file.Name}: the directory {directory} of {file.Path} does not exist", file.Location);
}
