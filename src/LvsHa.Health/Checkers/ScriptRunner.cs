using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using LvsHa.Health.Model;

namespace LvsHa.Health.Checkers;

/// <summary>Runs a script without a shell in its own process group, and kills the whole group when cancelled
/// (keepalived runs MISC_CHECK and notify scripts in a new process group for the same reason: a script's children
/// must not outlive its timeout).</summary>
public static partial class ScriptRunner
{
    private const string SetSid = "/usr/bin/setsid";
    private const string SetPriv = "/usr/bin/setpriv";
    private const int SigKill = 9;
    private const int SigTerm = 15;

    /// <summary>Why a script cannot be run, or null when it can: missing, not a file, not executable.</summary>
    public static string? Problem(ScriptCommand command, out string? resolvedPath)
    {
        ArgumentNullException.ThrowIfNull(command);
        resolvedPath = ResolvePath(command.Program);
        if (resolvedPath is null) return $"script {command.Program} not found";
        if (Directory.Exists(resolvedPath)) return $"script {resolvedPath} is a directory";
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(resolvedPath);
            const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & anyExecute) == 0) return $"script {resolvedPath} is not executable";
        }

        return null;
    }

    /// <summary>Runs the script to its end and returns its exit status (128+signal when killed by a signal).</summary>
    /// <param name="command">The script and its arguments.</param>
    /// <param name="cancellationToken">Kills the script's process group.</param>
    /// <exception cref="OperationCanceledException">Cancelled; the script's process group has been killed.</exception>
    /// <exception cref="InvalidOperationException">The script cannot be started (see <see cref="Problem"/>), or
    /// cannot be run as its user because setpriv is missing.</exception>
    /// <remarks>A script with a <see cref="ScriptCommand.User"/> runs as that user and group through util-linux's
    /// setpriv, which sets the ids and the user's supplementary groups after the fork (.NET's Process cannot).</remarks>
    public static async Task<int> RunAsync(ScriptCommand command, CancellationToken cancellationToken)
    {
        var user = command.User;
        var problem = Problem(command, out var path);
        if (problem is not null) throw new InvalidOperationException(problem);
        if (user is not null && !File.Exists(SetPriv))
            throw new InvalidOperationException($"script {path} cannot run as user {user}: {SetPriv} (util-linux) not found");
        var useSetSid = File.Exists(SetSid);
        var argv = new List<string>();
        if (useSetSid) argv.Add(SetSid);
        if (user is not null)
        {
            argv.Add(SetPriv);
            argv.Add(FormattableString.Invariant($"--reuid={user.Uid}"));
            argv.Add(FormattableString.Invariant($"--regid={user.Gid}"));
            argv.Add("--init-groups");
            argv.Add("--");
        }

        argv.Add(path!);
        argv.AddRange(command.Arguments);
        var info = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in argv.Skip(1)) info.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"script {path} could not be started: {e.Message}", e);
        }

        // Output is drained and dropped (keepalived sends it to /dev/null) so a chatty script never blocks on a pipe.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await TerminateAsync(process, useSetSid).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>As keepalived on a script timeout: SIGTERM to the process group, SIGKILL to it 2 s later if the
    /// script is still there, and SIGKILL anyway so that no child outlives it.</summary>
    private static async Task TerminateAsync(Process process, bool ownGroup)
    {
        try
        {
            if (ownGroup && !OperatingSystem.IsWindows())
            {
                _ = KillNative(-process.Id, SigTerm);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Still running after the grace period.
                }

                _ = KillNative(-process.Id, SigKill);
            }

            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        using var reap = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(reap.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Unkillable (D state); nothing more to do.
        }
    }

    /// <summary>The file <paramref name="program"/> names: itself when it has a slash, else the first match on PATH.</summary>
    public static string? ResolvePath(string program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (program.Contains('/', StringComparison.Ordinal)) return File.Exists(program) || Directory.Exists(program) ? program : null;
        var pathVariable = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        return pathVariable.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);
}
