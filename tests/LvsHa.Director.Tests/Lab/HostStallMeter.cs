using System.Diagnostics;

namespace LvsHa.Director.Tests.Lab;

/// <summary>
/// Measures how late this machine runs a thread that asks to wake every 10 ms: the scheduling stall every process
/// here (the directors included) suffers in a window. A bound on a director's reaction holds for a host that runs the
/// director; a test adds the stall it measured in the window rather than widening its bound for every run. On an idle
/// host the stall is a few ms, so the bound still binds.
/// </summary>
public sealed class HostStallMeter : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(10);

    private readonly Stopwatch _clock;
    private readonly List<(TimeSpan At, TimeSpan Late)> _stalls = [];
    private readonly Thread _thread;
    private volatile bool _stop;

    /// <summary>Starts the meter's thread.</summary>
    /// <param name="clock">The clock the caller's times are on (<see cref="LongestStall"/> takes them).</param>
    public HostStallMeter(Stopwatch clock)
    {
        _clock = clock;
        _thread = new Thread(Run) { IsBackground = true, Name = "host-stall-meter" };
        _thread.Start();
    }

    /// <summary>The longest wake-up beyond the period that ended within [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public TimeSpan LongestStall(TimeSpan from, TimeSpan to)
    {
        lock (_stalls)
        {
            return _stalls.Where(s => s.At >= from && s.At <= to).Select(s => s.Late).DefaultIfEmpty(TimeSpan.Zero).Max();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Run()
    {
        var last = _clock.Elapsed;
        while (!_stop)
        {
            Thread.Sleep(Period);
            var now = _clock.Elapsed;
            var late = now - last - Period;
            if (late > TimeSpan.FromMilliseconds(5))
            {
                lock (_stalls)
                {
                    _stalls.Add((now, late));
                }
            }

            last = now;
        }
    }
}
