using System.Diagnostics;
using LvsHa.Config;
using LvsHa.Config.Tests;

namespace LvsHa.Benchmarks;

/// <summary>Times ConfigLoader.Load (read, parse, build the model, validate) on a generated large configuration.</summary>
internal static class ConfigBenchmark
{
    public static int Run(int virtualServers, int realServersEach, int runs)
    {
        var path = Path.Combine(Path.GetTempPath(), $"lvsha-bench-{Environment.ProcessId}.conf");
        try
        {
            File.WriteAllText(path, ConfigGenerator.Generate(virtualServers, realServersEach));
            var info = new FileInfo(path);
            Console.WriteLine($"config: {virtualServers:N0} virtual servers x {realServersEach} real servers = {virtualServers * (long)realServersEach:N0} real servers (each with TCP_CHECK), {info.Length / 1e6:F1} MB");

            // The first run includes JIT; it is shown but not counted.
            var times = new List<double>();
            var cpuTimes = new List<double>();
            for (int i = 0; i <= runs; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var syntax = Stopwatch.StartNew();
                _ = LvsHa.Config.Syntax.SyntaxParser.ParseFile(path);
                syntax.Stop();
                GC.Collect();
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var sw = Stopwatch.StartNew();
                var result = ConfigLoader.Load(path);
                sw.Stop();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
                long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                if (!result.Success || result.Config!.VirtualServers.Count != virtualServers)
                {
                    Console.Error.WriteLine("benchmark config did not load: " + string.Join('\n', result.Diagnostics.Take(5)));
                    return 1;
                }
                Console.WriteLine($"  run {i}{(i == 0 ? " (warm-up)" : "")}: {sw.Elapsed.TotalMilliseconds:F0} ms, CPU {cpu.TotalMilliseconds:F0} ms, {allocated / 1e6:F0} MB allocated (syntax tree alone: {syntax.Elapsed.TotalMilliseconds:F0} ms)");
                if (i > 0)
                {
                    times.Add(sw.Elapsed.TotalMilliseconds);
                    cpuTimes.Add(cpu.TotalMilliseconds);
                }
            }
            times.Sort();
            cpuTimes.Sort();
            Console.WriteLine($"parse+validate wall: min {times[0]:F0} ms, median {times[times.Count / 2]:F0} ms, max {times[^1]:F0} ms (goal < 2000 ms)");
            Console.WriteLine($"parse+validate CPU:  min {cpuTimes[0]:F0} ms, median {cpuTimes[cpuTimes.Count / 2]:F0} ms");
            KeepalivedReference(path, times[times.Count / 2]);
            // Wall time on a shared machine says more about the neighbours than about the parser; show the load.
            if (File.Exists("/proc/loadavg"))
                Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()} on {Environment.ProcessorCount} CPUs");
            return 0;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// The reference in the same run: `keepalived -t -f FILE` (parse and check only; exits non-zero on warnings, so
    /// only its time is used). Includes keepalived's process start, which is a few milliseconds.
    /// </summary>
    private static void KeepalivedReference(string path, double lvshaMedianMs)
    {
        try
        {
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(new ProcessStartInfo("keepalived", ["-t", "-f", path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            // Drain both pipes: keepalived writes a warning per virtual server.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            watch.Stop();
            _ = stdout.Result + stderr.Result;
            Console.WriteLine($"keepalived -t on the same file: {watch.Elapsed.TotalMilliseconds:F0} ms wall " +
                $"(LvsHa median / keepalived = {lvshaMedianMs / watch.Elapsed.TotalMilliseconds:F2})");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.WriteLine($"keepalived reference not run: {e.Message} (apt-get install keepalived)");
        }
    }
}
