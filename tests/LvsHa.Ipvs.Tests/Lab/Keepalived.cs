using System.Diagnostics;
using System.Text;
using Tmds.Linux;

namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>The reference implementation (keepalived 2.2.7) run checker-only, to see which IPVS table it programs
/// for a config: the other side of every "lvsha apply vs keepalived" comparison.</summary>
public static class Keepalived
{
    /// <summary>How long the table must stay unchanged to count as settled.</summary>
    public static readonly TimeSpan DefaultSettle = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound for start-up plus settling (keepalived needs about 1 s in the emulated VM).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(45);

    /// <summary>Programs IPVS from the config text and returns the settled table as <see cref="Ipvsadm.SaveSorted"/>
    /// lines. The table is cleared before and after; keepalived is stopped (by pid) before this returns.</summary>
    public static IReadOnlyList<string> ProgramTable(string configText, TimeSpan? settle = null, TimeSpan? timeout = null)
    {
        var folder = Directory.CreateTempSubdirectory("lvsha-keepalived-");
        try
        {
            var config = Path.Combine(folder.FullName, "keepalived.conf");
            File.WriteAllText(config, configText);
            return ProgramTableFromFile(config, settle, timeout);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Like <see cref="ProgramTable"/> for a config file in place, so its relative includes resolve.</summary>
    public static IReadOnlyList<string> ProgramTableFromFile(string configFile, TimeSpan? settle = null, TimeSpan? timeout = null)
    {
        KernelLab.RequireIpvs();
        Ipvsadm.Clear();
        var pids = Directory.CreateTempSubdirectory("lvsha-keepalived-pids-");
        var log = new StringBuilder();
        Process? keepalived = null;
        try
        {
            keepalived = StartCheckers(configFile, pids.FullName, log);
            return WaitForSettledTable(keepalived, log, settle ?? DefaultSettle, timeout ?? DefaultTimeout);
        }
        finally
        {
            if (keepalived is not null)
            {
                Stop(keepalived);
                keepalived.Dispose();
            }

            Ipvsadm.Clear();
            pids.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Starts keepalived's checker process alone (`-C`) on <paramref name="configFile"/>, with its pid files in
    /// <paramref name="pidFolder"/> (a stale or shared one makes keepalived refuse to start) and everything it logs
    /// appended to <paramref name="log"/>. The caller ends it with <see cref="Stop"/>.
    /// </summary>
    public static Process StartCheckers(string configFile, string pidFolder, StringBuilder log)
    {
        var keepalived = LabProcess.Start("keepalived",
        [
            "-C", "-n", "-l", "-D", "-f", configFile,
            "-p", Path.Combine(pidFolder, "keepalived.pid"),
            "-r", Path.Combine(pidFolder, "vrrp.pid"),
            "-c", Path.Combine(pidFolder, "checkers.pid"),
        ]);
        Collect(keepalived, log);
        return keepalived;
    }

    private static void Collect(Process process, StringBuilder log)
    {
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private static string Text(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    // keepalived says "Startup complete" once its checker process has read the config; the table is settled when
    // it then stays the same for the settle time.
    private static IReadOnlyList<string> WaitForSettledTable(Process keepalived, StringBuilder log, TimeSpan settle, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<string>? last = null;
        var unchangedSince = TimeSpan.Zero;
        while (clock.Elapsed < timeout)
        {
            if (keepalived.HasExited)
            {
                Assert.Fail($"keepalived exited with {keepalived.ExitCode} before the table settled:\n{Text(log)}");
            }

            if (Text(log).Contains("Startup complete", StringComparison.Ordinal))
            {
                var table = Ipvsadm.SaveSorted();
                if (last is null || !table.SequenceEqual(last, StringComparer.Ordinal))
                {
                    last = table;
                    unchangedSince = clock.Elapsed;
                }
                else if (clock.Elapsed - unchangedSince >= settle)
                {
                    return table;
                }
            }

            Thread.Sleep(200);
        }

        Assert.Fail($"keepalived's IPVS table did not settle within {timeout.TotalSeconds} s:\n{Text(log)}");
        return [];
    }

    /// <summary>SIGTERM, not SIGKILL: keepalived then stops its checker child too (a killed parent would leave it running).</summary>
    public static void Stop(Process keepalived)
    {
        if (keepalived.HasExited)
        {
            return;
        }

        _ = LibC.kill(keepalived.Id, LibC.SIGTERM);
        if (!keepalived.WaitForExit(TimeSpan.FromSeconds(15)))
        {
            keepalived.Kill(entireProcessTree: true);
            keepalived.WaitForExit();
        }
    }
}
