using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>
/// One `lvsha run` process started as an operator would (`lvsha run -f FILE ...`, see <see cref="Command"/>) for the
/// kernel tests: its log is kept, it is stopped with SIGTERM, and killed (with its children) on Dispose if still
/// running.
/// </summary>
public sealed class LvshaDaemon : IDisposable
{
    /// <summary>Under the VM's software emulation the first start of a .NET process takes tens of seconds.</summary>
    public static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private bool _disposed;

    private LvshaDaemon(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The lvsha entry assembly next to the test assembly (the test project references LvsHa.Cli).</summary>
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "lvsha.dll");

    /// <summary>
    /// The command line of `lvsha ARGS`: $LVSHA when set (a published executable, or a lvsha.dll), otherwise the
    /// Release build next to the tests under `dotnet`. ./test.sh sets LVSHA to the package's native AOT executable:
    /// the labs then run what operators run, which also starts in milliseconds where the JIT build takes tens of
    /// seconds of the emulated VM's CPU per process (three JIT directors starting together there took longer than
    /// their 15 s connect timeout to complete TLS handshakes, and each founded a cluster of its own).
    /// </summary>
    public static string[] Command(params string[] args)
    {
        var lvsha = Environment.GetEnvironmentVariable("LVSHA");
        if (string.IsNullOrEmpty(lvsha))
            return ["dotnet", Assembly, .. args];
        return lvsha.EndsWith(".dll", StringComparison.Ordinal) ? ["dotnet", lvsha, .. args] : [lvsha, .. args];
    }

    /// <summary>Runs `lvsha ARGS` to its end (at most two minutes) and fails unless it exits with 0.</summary>
    public static ProcessResult Run(params string[] args)
    {
        var command = Command(args);
        return LabProcess.Run(command[0], command[1..], TimeSpan.FromSeconds(120)).EnsureSuccess();
    }

    /// <summary>Everything the daemon printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts `lvsha run -f <paramref name="configFile"/>` with the control socket and node name given, and
    /// waits until it has adopted the IPVS table (<paramref name="readyLine"/>; null: do not wait).</summary>
    /// <param name="netns">The network namespace to run it in (`ip netns exec`, which execs: the pid is lvsha's), or null.</param>
    public static LvshaDaemon Start(string configFile, string controlSocket, string nodeName, string? readyLine = "IPVS table adopted", string? netns = null, params string[] extra)
    {
        string[] command = Command(["run", "-f", configFile, "--control-socket", controlSocket, "--node-name", nodeName, .. extra]);
        var daemon = new LvshaDaemon(netns is null
            ? LabProcess.Start(command[0], command[1..])
            : LabProcess.Start("ip", ["netns", "exec", netns, .. command]));
        if (readyLine is not null)
        {
            var clock = Stopwatch.StartNew();
            while (!daemon.Logged(readyLine) && !daemon.HasExited)
            {
                if (clock.Elapsed > StartLimit)
                {
                    daemon.Dispose();
                    Assert.Fail($"lvsha run did not log \"{readyLine}\" within {StartLimit.TotalSeconds} s:\n{daemon.Log}");
                }
                Thread.Sleep(50);
            }
            Assert.False(daemon.HasExited, $"lvsha run exited with {(daemon.HasExited ? daemon._process.ExitCode : 0)}:\n{daemon.Log}");
        }
        return daemon;
    }

    /// <summary>Whether the log contains <paramref name="text"/>.</summary>
    public bool Logged(string text) => Log.Contains(text, StringComparison.Ordinal);

    /// <summary>SIGTERM, as systemd stops it; fails unless it exits with 0 within a minute.</summary>
    public void Stop()
    {
        LabProcess.RunChecked("kill", "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture));
        Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(60)), $"lvsha run did not stop within 60 s of SIGTERM:\n{Log}");
        Assert.True(_process.ExitCode == 0, $"lvsha run exited with {_process.ExitCode}:\n{Log}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Idempotent: a lab may end a director early (a death) and again when it is disposed.
        if (_disposed)
            return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_log)
            _log.AppendLine(line);
    }
}
