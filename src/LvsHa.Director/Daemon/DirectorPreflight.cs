using LvsHa.Config;
using LvsHa.Director.Security;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;
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
        return [.. ScriptPolicy.Check(config).Concat(VrrpScriptPrograms(config)).Concat(InterfacePresence.Check(config))
            .Concat(TrackFileDirectories(config)).Concat(BgpDaemon(config))
            .OrderBy(d => d.Location.File, StringComparer.Ordinal).ThenBy(d => d.Location.Line).ThenBy(d => d.Location.Column)];
    }

    // keepalived disables a vrrp_script whose program it cannot find or run ("Disabling track script ... since not
    // found/accessible", an error to `keepalived -t`) and its instances run as if it were not tracked; run, it would
    // fail every time here and take its weight or the instance down. Refused rather than guessed. A line that does
    // not parse is ScriptPolicy's error.
    private static IEnumerable<ConfigDiagnostic> VrrpScriptPrograms(LvsHaConfig config)
    {
        if (config.VrrpInstances.Count == 0)
            yield break;
        foreach (var script in config.VrrpScripts)
        {
            ScriptCommand command;
            try
            {
                command = ScriptCommand.Parse(script.Script);
            }
            catch (FormatException)
            {
                continue;
            }
            if (ScriptRunner.Problem(command, out _) is { } problem)
                yield return new ConfigDiagnostic(DiagnosticSeverity.Error,
                    $"vrrp_script {script.Name}: {problem} (keepalived reports it and runs the instances without this script)", script.Location);
        }
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
