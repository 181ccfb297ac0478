using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LvsHa.Health.Checkers;
using LvsHa.Health.Model;
using LvsHa.Health.Scheduling;
using LvsHa.Health.State;

namespace LvsHa.Health.Benchmarks;

/// <summary>Figures of one <see cref="CheckBenchmark"/> run.</summary>
/// <param name="RealServers">Real servers checked.</param>
/// <param name="Duration">Wall time measured (after the warm-up period).</param>
/// <param name="Checks">Check attempts completed in that time.</param>
/// <param name="Failures">Attempts that failed.</param>
/// <param name="CpuTime">Process CPU time in that time (user + system, all threads; on loopback the kernel work of
/// both ends of each handshake is charged to the connecting process).</param>
/// <param name="UserCpuTime">The user-mode part of <paramref name="CpuTime"/>.</param>
/// <param name="LatencyP50">Median attempt latency.</param>
/// <param name="LatencyP99">99th percentile attempt latency.</param>
/// <param name="ListenerCpuTime">CPU time of the listeners' process in that time, when they run in another one.</param>
/// <param name="VirtualServices">Virtual services with every real server and the same check.</param>
/// <param name="Shared">Whether their identical checks shared one probe (else each service's differed a little).</param>
public sealed record CheckBenchmarkResult(
    int RealServers, TimeSpan Duration, long Checks, long Failures, TimeSpan CpuTime, TimeSpan UserCpuTime, TimeSpan LatencyP50, TimeSpan LatencyP99,
    TimeSpan? ListenerCpuTime = null, int VirtualServices = 1, bool Shared = true)
{
    /// <summary>Checks per second.</summary>
    public double ChecksPerSecond => Checks / Duration.TotalSeconds;

    /// <summary>CPU used as a fraction of one core.</summary>
    public double CoresUsed => CpuTime / Duration;

    /// <inheritdoc/>
    public override string ToString() =>
        (VirtualServices > 1 ? $"{VirtualServices} virtual services ({(Shared ? "checks shared" : "checks not shared")}), " : string.Empty) +
        $"{RealServers} real servers, {Checks} checks in {Duration.TotalSeconds:0.0} s ({ChecksPerSecond:0} /s, {Failures} failed), " +
        $"CPU {CpuTime.TotalSeconds:0.00} s (user {UserCpuTime.TotalSeconds:0.00} s) = {CoresUsed * 100:0.0}% of one core, latency p50 {LatencyP50.TotalMilliseconds:0.000} ms " +
        $"p99 {LatencyP99.TotalMilliseconds:0.000} ms" +
        (ListenerCpuTime is { } listeners ? $"; listeners' process CPU {listeners.TotalSeconds:0.00} s = {listeners / Duration * 100:0.0}% of one core" : string.Empty);
}

/// <summary>Runs TCP_CHECK or HTTP_GET against N loopback listeners (127.1.x.y, one per real server) through the real
/// scheduler, every real server checked once per interval, and measures CPU time and latency. Entry for the
/// benchmarks project: <c>await CheckBenchmark.RunTcpAsync(5000, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1))</c>.</summary>
public static class CheckBenchmark
{
    /// <summary>TCP_CHECK against in-process listeners (their accept work counts in the CPU time).</summary>
    /// <param name="realServers">How many real servers (listeners); at most 62,500.</param>
    /// <param name="duration">Measured time, after one interval of warm-up (the warmup spread).</param>
    /// <param name="interval">delay_loop of every checker; 1 s gives N checks per second.</param>
    /// <param name="cancellationToken">Stops early.</param>
    public static async Task<CheckBenchmarkResult> RunTcpAsync(int realServers, TimeSpan duration, TimeSpan interval, CancellationToken cancellationToken = default)
    {
        await using var listeners = LoopbackListeners.Start(realServers);
        return await RunAgainstAsync(listeners.Endpoints, new TcpCheckSpec(), duration, interval, null, null, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>HTTP_GET of "/" (status 200-299) against in-process listeners answering a fixed 200 response.</summary>
    public static async Task<CheckBenchmarkResult> RunHttpAsync(int realServers, TimeSpan duration, TimeSpan interval, CancellationToken cancellationToken = default)
    {
        await using var listeners = LoopbackListeners.Start(realServers, answerHttp: true);
        var spec = new HttpCheckSpec { Urls = [new HttpUrlSpec("/")] };
        return await RunAgainstAsync(listeners.Endpoints, spec, duration, interval, null, null, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one checker per target (e.g. <see cref="LoopbackListeners"/> in another process, so that the CPU
    /// time is the checker's alone). The spec's timing keys are replaced by the benchmark's.</summary>
    /// <param name="targets">The real servers.</param>
    /// <param name="spec">The checker of every real server.</param>
    /// <param name="duration">Measured time, after one interval of warm-up.</param>
    /// <param name="interval">delay_loop of every checker.</param>
    /// <param name="listenerCpuTime">Reads the listeners' process CPU time (reported beside the checker's), if any.</param>
    /// <param name="startGranularity">The scheduler's <see cref="HealthSchedulerOptions.StartGranularity"/>; null
    /// keeps its default.</param>
    /// <param name="virtualServices">Virtual services, each with every target and the same check.</param>
    /// <param name="shared">false: each service's check differs by a millisecond of connect_timeout, so that none is
    /// shared and every service probes every real server (as before identical checks shared a probe).</param>
    /// <param name="cancellationToken">Stops early.</param>
    public static async Task<CheckBenchmarkResult> RunAgainstAsync(
        IReadOnlyList<IPEndPoint> targets,
        CheckerSpec spec,
        TimeSpan duration,
        TimeSpan interval,
        Func<TimeSpan>? listenerCpuTime = null,
        TimeSpan? startGranularity = null,
        int virtualServices = 1,
        bool shared = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(spec);
        var recorder = new LatencyRecorder();
        var services = Enumerable.Range(0, virtualServices).Select(v =>
        {
            var connectTimeout = TimeSpan.FromSeconds(3) + (shared ? TimeSpan.Zero : TimeSpan.FromMilliseconds(v));
            var timed = spec with { Timing = new() { DelayLoop = interval, Warmup = interval, ConnectTimeout = connectTimeout } };
            var members = targets.Select(endpoint => new RealServerHealthSettings(endpoint) { Checkers = [timed] }).ToArray();
            return new VirtualServiceHealthSettings(virtualServices == 1 ? "benchmark" : $"benchmark-{v}") { RealServers = members };
        }).ToArray();
        var options = new HealthSchedulerOptions
        {
            CheckFactory = (s, rs, service, timing) => new TimedCheck(HealthCheckFactory.Create(s, rs, service, timing), recorder),
        };
        if (startGranularity is { } granularity) options = options with { StartGranularity = granularity };
        await using var scheduler = new HealthCheckScheduler(services, new NullSink(), options);
        scheduler.Start();
        await Task.Delay(interval, cancellationToken).ConfigureAwait(false);

        using var process = Process.GetCurrentProcess();
        recorder.Reset();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var userBefore = process.UserProcessorTime;
        var listenersBefore = listenerCpuTime?.Invoke();
        var wall = Stopwatch.StartNew();
        await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        var (latencies, failures) = recorder.Take();
        wall.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var user = process.UserProcessorTime - userBefore;
        var listeners = listenerCpuTime?.Invoke() - listenersBefore;
        await scheduler.StopAsync().ConfigureAwait(false);
        Array.Sort(latencies);
        return new CheckBenchmarkResult(
            targets.Count, wall.Elapsed, latencies.Length, failures, cpu, user, Percentile(latencies, 0.50), Percentile(latencies, 0.99), listeners,
            virtualServices, shared);
    }

    private static TimeSpan Percentile(long[] sortedTicks, double p) =>
        sortedTicks.Length == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(sortedTicks[(int)Math.Min(sortedTicks.Length - 1, p * sortedTicks.Length)]);

    private sealed class NullSink : IHealthDecisionSink
    {
        public void Publish(IReadOnlyList<HealthDecision> decisions)
        {
        }
    }

    private sealed class LatencyRecorder
    {
        private readonly Lock gate = new();
        private List<long> ticks = new(1 << 16);
        private long failures;

        public void Add(TimeSpan latency, bool up)
        {
            lock (gate)
            {
                ticks.Add(latency.Ticks);
                if (!up) failures++;
            }
        }

        public void Reset() => Take();

        public (long[] Ticks, long Failures) Take()
        {
            lock (gate)
            {
                var taken = (ticks.ToArray(), failures);
                ticks = new List<long>(ticks.Count);
                failures = 0;
                return taken;
            }
        }
    }

    private sealed class TimedCheck(IHealthCheck inner, LatencyRecorder recorder) : IHealthCheck
    {
        public string Kind => inner.Kind;

        public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await inner.CheckAsync(cancellationToken).ConfigureAwait(false);
            recorder.Add(Stopwatch.GetElapsedTime(started), result.Up);
            return result;
        }
    }
}
