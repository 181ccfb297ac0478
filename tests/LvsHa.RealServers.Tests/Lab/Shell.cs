using System.Diagnostics;

namespace LvsHa.RealServers.Tests.Lab;

/// <summary>Runs lab tool processes (ip, ssh-keygen, nsenter) with a bound and captures their output.</summary>
internal static class Shell
{
    public static (int Exit, string Out, string Err) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using Process p = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 30 s");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Check(string file, params string[] args)
    {
        (int exit, string output, string error) = Run(file, args);
        return exit == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {exit}: {error}{output}");
    }
}
