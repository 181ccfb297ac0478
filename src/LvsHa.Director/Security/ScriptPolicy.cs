using LvsHa.Config;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;

namespace LvsHa.Director.Security;

/// <summary>
/// Who a configured script runs as and whether it may run, with keepalived's rules (core/notify.c), decided once
/// for `check` and `run` alike (<see cref="Check"/>) and used by every place that runs a script (<see cref="Command"/>):
/// <list type="bullet">
/// <item>The user: the script's own (`user` in vrrp_script and MISC_CHECK, `USER [GROUP]` after a notify script),
/// else global_defs `script_user`, else `keepalived_script` when that user exists, else the daemon's own (root).
/// With `enable_script_security` and none of those, keepalived refuses to run the script: an error here.</item>
/// <item>A script run as root (user or group 0) must not be replaceable by anyone else: every part of its path must be
/// owned by root and writable by neither a non-root group nor others (a directory with the sticky bit may be).
/// With `enable_script_security` an unsafe script is an error; without it, a warning (keepalived runs it and
/// reports a security violation).</item>
/// <item>A script line that cannot be split (an unbalanced quote) is an error at its line.</item>
/// <item>A vrrp_script whose program is missing or not executable is an error (keepalived -t reports it).</item>
/// </list>
/// </summary>
public sealed class ScriptPolicy
{
    /// <summary>The user keepalived runs scripts as when no user is configured and it exists.</summary>
    public const string KeepalivedScriptUser = "keepalived_script";

    private readonly bool _security;
    private readonly ScriptUser? _default;
    private readonly string? _noDefault;
    private readonly Func<string, string?> _unsafePart;

    private ScriptPolicy(bool security, ScriptUser? defaultUser, string? noDefault, Func<string, string?> unsafePart)
    {
        _security = security;
        _default = defaultUser;
        _noDefault = noDefault;
        _unsafePart = unsafePart;
    }

    /// <summary>The policy of <paramref name="global"/> on this machine.</summary>
    /// <param name="global">global_defs: script_user and enable_script_security.</param>
    /// <param name="unsafePart">Tests only: the path check (default <see cref="ScriptPathSecurity.UnsafePart"/>).</param>
    /// <exception cref="ConfigException">script_user names a user or group this machine does not know.</exception>
    public static ScriptPolicy For(GlobalDefs global, Func<string, string?>? unsafePart = null)
    {
        ArgumentNullException.ThrowIfNull(global);
        unsafePart ??= ScriptPathSecurity.UnsafePart;
        if (global.ScriptUser is { } text)
        {
            var user = ScriptUser.Resolve(text, out var error)
                ?? throw Error($"script_user: {error}", global.ScriptUserLocation ?? global.Location);
            return new ScriptPolicy(global.EnableScriptSecurity, user, null, unsafePart);
        }

        var fallback = ScriptUser.Resolve(KeepalivedScriptUser, out _);
        var noDefault = fallback is null && global.EnableScriptSecurity
            ? $"enable_script_security is set and no user is given for this script: set script_user in global_defs, `user` on the script, or create the user {KeepalivedScriptUser}"
            : null;
        return new ScriptPolicy(global.EnableScriptSecurity, fallback, noDefault, unsafePart);
    }

    /// <summary>The script of <paramref name="script"/> as it runs (split, its user resolved, its path judged), or null for none.</summary>
    /// <exception cref="ConfigException">It may not run (see the class summary); warnings are left to <see cref="Check"/>.</exception>
    public ScriptCommand? Command(NotifyScript? script) =>
        script is null ? null : Command(script.Command, script.User, script.Location);

    /// <summary>The script line <paramref name="line"/> with its own <paramref name="user"/> (or null), written at <paramref name="where"/>.</summary>
    /// <exception cref="ConfigException">It may not run.</exception>
    public ScriptCommand Command(string line, string? user, SourceLocation where)
    {
        var (command, problems) = Judge(line, user, where);
        ThrowOnErrors(problems);
        return command!;
    }

    /// <summary>Every script of <paramref name="config"/> judged (and script_user resolved): errors and warnings.</summary>
    public static IReadOnlyList<ConfigDiagnostic> Check(LvsHaConfig config, Func<string, string?>? unsafePart = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ScriptPolicy policy;
        try
        {
            policy = For(config.Global, unsafePart);
        }
        catch (ConfigException e)
        {
            return e.Diagnostics;
        }

        var problems = new List<ConfigDiagnostic>();
        foreach (var script in Scripts(config))
        {
            var (command, found) = policy.Judge(script.Line, script.User, script.Where);
            problems.AddRange(found);
            if (command is not null && script.TrackScript is { } name && ScriptRunner.Problem(command, out _) is { } problem)
                problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error,
                    $"vrrp_script {name}: {problem} (keepalived reports it and runs the instances without this script)", script.Where));
        }

        return problems;
    }

    /// <summary>Throws the errors among <paramref name="diagnostics"/>, if any.</summary>
    /// <exception cref="ConfigException">There are errors.</exception>
    public static void ThrowOnErrors(IReadOnlyList<ConfigDiagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList() is { Count: > 0 } errors)
            throw new ConfigException(errors);
    }

    // TrackScript names a vrrp_script whose program must exist and be executable: keepalived -t reports one that is
    // not and keepalived then runs the instances without it, where LvsHa would fail it on every run. Only with vrrp
    // instances (nothing runs it otherwise). A missing notify or MISC_CHECK program passes keepalived -t: not judged.
    private static IEnumerable<(string Line, string? User, SourceLocation Where, string? TrackScript)> Scripts(LvsHaConfig config)
    {
        foreach (var script in config.VrrpScripts)
            yield return (script.Script, script.User, script.Location, config.VrrpInstances.Count > 0 ? script.Name : null);
        var notifies = config.VrrpInstances
            .SelectMany(i => new[] { i.NotifyMaster, i.NotifyBackup, i.NotifyFault, i.NotifyStop, i.Notify })
            .Concat(config.VrrpSyncGroups.SelectMany(g => new[] { g.NotifyMaster, g.NotifyBackup, g.NotifyFault, g.NotifyStop, g.Notify }))
            .Concat(config.VirtualServers.SelectMany(v => new[] { v.QuorumUp, v.QuorumDown }))
            .Concat(config.VirtualServers.SelectMany(v => v.RealServers).SelectMany(r => new[] { r.NotifyUp, r.NotifyDown }));
        foreach (var notify in notifies.OfType<NotifyScript>())
            yield return (notify.Command, notify.User, notify.Location, null);
        foreach (var misc in config.VirtualServers.SelectMany(v => v.RealServers).SelectMany(r => r.Checkers).OfType<MiscChecker>())
            yield return (misc.Path, misc.User, misc.Location, null);
    }

    private (ScriptCommand? Command, List<ConfigDiagnostic> Problems) Judge(string line, string? userText, SourceLocation where)
    {
        var problems = new List<ConfigDiagnostic>();
        ScriptCommand command;
        try
        {
            command = ScriptCommand.Parse(line);
        }
        catch (FormatException e)
        {
            problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, $"script `{line}`: {e.Message}", where));
            return (null, problems);
        }

        ScriptUser? user;
        if (userText is not null)
        {
            user = ScriptUser.Resolve(userText, out var error);
            if (user is null)
            {
                problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, $"script {command.Program} cannot run as '{userText}': {error}", where));
                return (null, problems);
            }
        }
        else if (_noDefault is not null)
        {
            problems.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, $"script {command.Program}: {_noDefault}", where));
            return (null, problems);
        }
        else
        {
            user = _default;
        }

        // As keepalived: only a script that runs as root (user or group) can be used to become root.
        var asRoot = user is null ? IsRootProcess() : user.Uid == 0 || user.Gid == 0;
        if (asRoot && ScriptRunner.ResolvePath(command.Program) is { } path && _unsafePart(path) is { } why)
        {
            problems.Add(new ConfigDiagnostic(
                _security ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
                $"script {path} runs as root but {why}" + (_security
                    ? " (enable_script_security refuses it)"
                    : "; anyone who can write there can run commands as root (enable_script_security would refuse it)"),
                where));
        }

        return (command with { User = user }, problems);
    }

    // No user: the script runs as the daemon does.
    private static bool IsRootProcess() => Tmds.Linux.LibC.geteuid() == 0;

    private static ConfigException Error(string message, SourceLocation where) =>
        new([new ConfigDiagnostic(DiagnosticSeverity.Error, message, where)]);
}
