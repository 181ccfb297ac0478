using Microsoft.Extensions.Logging;

namespace LvsHa.Health.Tests.Support;

/// <summary>Keeps every formatted log line with its level and event id.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly Lock gate = new();
    private readonly List<(LogLevel Level, EventId Event, string Message)> entries = [];

    public IReadOnlyList<(LogLevel Level, EventId Event, string Message)> Entries
    {
        get
        {
            lock (gate) return entries.ToArray();
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (gate) entries.Add((logLevel, eventId, formatter(state, exception)));
    }
}
