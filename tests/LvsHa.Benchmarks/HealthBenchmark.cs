using System.Diagnostics;
using System.Globalization;
using System.Net;
using LvsHa.Health.Benchmarks;
using LvsHa.Health.Model;

namespace LvsHa.Benchmarks;

/// <summary>`health tcp|http [N] [SECONDS] [--in-process] [--virtual-services V [--unshared]]`: N real servers checked
/// every second (by V virtual services with the same check, sharing one probe per real server unless --unshared). By default the
/// listeners run in a child process (this executable, `health-listeners`), so the CPU figure is the checker's alone,
/// as on a director whose real servers are other machines; the listeners' CPU is reported beside it.</summary>
internal static class HealthBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var granularityAt = Array.IndexOf(args, "--start-granularity-ms");
        TimeSpan? granularity = granularityAt > 0 && granularityAt + 1 < args.Length
            ? TimeSpan.FromMilliseconds(double.Parse(args[granularityAt + 1], CultureInfo.InvariantCulture))
            : null;
        var servicesAt = Array.IndexOf(args, "--virtual-services");
        var virtualServices = servicesAt > 0 && servicesAt + 1 < args.Length ? int.Parse(args[servicesAt + 1], CultureInfo.InvariantCulture) : 1;
        var shared = !args.Contains("--unshared");
        // args[i + 1] is the i-th after "health": the values of the options (at their index + 1) are not positional.
        var positional = args.Skip(1).Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && i != granularityAt && i != servicesAt).ToArray();
        var kind = positional.Length > 0 ? positional[0] : "tcp";
        if (kind is not ("tcp" or "http"))
        {
            Console.Error.WriteLine($"unknown health check '{kind}' (known: tcp, http)");
            return 2;
        }

        var realServers = positional.Length > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 5000;
        var duration = TimeSpan.FromSeconds(positional.Length > 2 ? int.Parse(positional[2], CultureInfo.InvariantCulture) : 15);
        var interval = TimeSpan.FromSeconds(1);
        var http = kind == "http";
        if (args.Contains("--in-process"))
        {
            var inProcess = http
                ? await CheckBenchmark.RunHttpAsync(realServers, duration, interval).ConfigureAwait(false)
                : await CheckBenchmark.RunTcpAsync(realServers, duration, interval).ConfigureAwait(false);
            Console.WriteLine($"health {kind}, {realServers} real servers every 1 s for {duration.TotalSeconds:F0} s, listeners in this process: {inProcess}");
            return 0;
        }

        using var child = StartListeners(kind, realServers);
        try
        {
            var endpoints = new List<IPEndPoint>(realServers);
            while (await child.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line && line != "ready")
                endpoints.Add(IPEndPoint.Parse(line));
            if (endpoints.Count != realServers)
                throw new InvalidOperationException($"listener process gave {endpoints.Count} endpoints, not {realServers}: {await child.StandardError.ReadToEndAsync().ConfigureAwait(false)}");
            CheckerSpec spec = http ? new HttpCheckSpec { Urls = [new HttpUrlSpec("/")] } : new TcpCheckSpec();
            var result = await CheckBenchmark.RunAgainstAsync(endpoints, spec, duration, interval, () => CpuTime(child.Id), granularity, virtualServices, shared).ConfigureAwait(false);
            Console.WriteLine($"health {kind}, {realServers} real servers every 1 s for {duration.TotalSeconds:F0} s, listeners in process {child.Id}: {result}");
            return 0;
        }
        finally
        {
            child.StandardInput.Close();
            if (!child.WaitForExit(10_000)) child.Kill();
        }
    }

    /// <summary>`health-listeners tcp|http N`: binds N loopback listeners, prints their endpoints and "ready", and
    /// serves until standard input closes.</summary>
    public static async Task<int> ServeListenersAsync(string[] args)
    {
        var http = args.Length > 1 && args[1] == "http";
        var count = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5000;
        await using var listeners = LoopbackListeners.Start(count, answerHttp: http);
        var output = new System.Text.StringBuilder();
        foreach (var endpoint in listeners.Endpoints) output.Append(endpoint).Append('\n');
        output.Append("ready\n");
        await Console.Out.WriteAsync(output.ToString()).ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);
        await Console.In.ReadToEndAsync().ConfigureAwait(false);
        return 0;
    }

    private static Process StartListeners(string kind, int count)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var info = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Run through the dotnet host when this process is one (dotnet LvsHa.Benchmarks.dll).
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(HealthBenchmark).Assembly.Location);
        info.ArgumentList.Add("health-listeners");
        info.ArgumentList.Add(kind);
        info.ArgumentList.Add(count.ToString(CultureInfo.InvariantCulture));
        return Process.Start(info) ?? throw new InvalidOperationException("cannot start the listener process");
    }

    /// <summary>utime + stime of a process from /proc/PID/stat (clock ticks of 10 ms).</summary>
    private static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields after "(comm) ": state is index 0, so utime (14th field) is index 11 and stime index 12.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
