using System.Diagnostics;

namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>Runs lab tools (ipvsadm, keepalived, modprobe) and captures what they print.</summary>
public static class LabProcess
{
    /// <summary>Generous: under qemu's software emulation even a small tool can take seconds to start.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs a program to its end; a run over the time limit is killed and fails the test.</summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null, string? standardInput = null)
    {
        using var process = Start(fileName, arguments, redirectInput: standardInput is not null);
        var command = Describe(process.StartInfo);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"`{command}` did not finish within {(timeout ?? DefaultTimeout).TotalSeconds} s; stdout: {output.Result}; stderr: {error.Result}");
        }

        process.WaitForExit(); // also waits for the end of the redirected streams
        return new ProcessResult(command, process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs a program and fails the test unless it exits with 0.</summary>
    public static ProcessResult RunChecked(string fileName, params string[] arguments) =>
        Run(fileName, arguments).EnsureSuccess();

    /// <summary>Starts a program with redirected output; the caller owns (and must end) the process.</summary>
    public static Process Start(string fileName, IEnumerable<string> arguments, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            return Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"cannot run {fileName}: {e.Message} (tests/lab/install-deps.sh installs the lab tools)");
            throw;
        }
    }

    /// <summary>The command line as a person would type it, for failure messages.</summary>
    public static string Describe(ProcessStartInfo info) =>
        string.Join(' ', [info.FileName, .. info.ArgumentList]);
}
