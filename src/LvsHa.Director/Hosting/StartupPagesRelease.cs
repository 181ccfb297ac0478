using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LvsHa.Director.Hosting;

/// <summary>
/// A read-only, private mapping of a file whose resident pages are all clean copies of the file (/proc/self/smaps:
/// no anonymous page, nothing locked): dropping those pages loses nothing, a later access reads them again from the
/// page cache.
/// </summary>
/// <param name="Start">First address.</param>
/// <param name="Length">Bytes.</param>
/// <param name="Path">The mapped file.</param>
/// <param name="ResidentKilobytes">Its pages resident now.</param>
public sealed record CleanFileMapping(ulong Start, ulong Length, string Path, long ResidentKilobytes)
{
    /// <summary>
    /// The mappings of <paramref name="smaps"/> (the text of /proc/PID/smaps) whose resident pages may be dropped: a
    /// file's, not writable, private, with resident pages, none of them anonymous (a copy-on-write page, e.g. one a
    /// relocation wrote) or locked. Pure.
    /// </summary>
    public static IReadOnlyList<CleanFileMapping> In(string smaps)
    {
        ArgumentNullException.ThrowIfNull(smaps);
        var result = new List<CleanFileMapping>();
        (ulong Start, ulong End, string Perms, string Path)? current = null;
        long resident = 0, anonymous = 0, locked = 0;

        void Finish()
        {
            if (current is { } m && m.Path.StartsWith('/') && m.Perms.Length == 4 && m.Perms[1] != 'w' && m.Perms[3] == 'p'
                && resident > 0 && anonymous == 0 && locked == 0)
            {
                result.Add(new CleanFileMapping(m.Start, m.End - m.Start, m.Path, resident));
            }
        }

        foreach (var line in smaps.Split('\n'))
        {
            var words = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
                continue;
            if (words[0].Contains('-', StringComparison.Ordinal) && !words[0].EndsWith(':'))
            {
                Finish();
                var range = words[0].Split('-');
                current = ulong.TryParse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
                    && ulong.TryParse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end) && words.Length >= 2
                    ? (start, end, words[1], words.Length >= 6 ? words[5].Trim() : "")
                    : null;
                resident = anonymous = locked = 0;
                continue;
            }
            if (words.Length >= 2 && long.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kilobytes))
            {
                switch (words[0])
                {
                    case "Rss:": resident = kilobytes; break;
                    case "Anonymous:": anonymous = kilobytes; break;
                    case "Locked:": locked = kilobytes; break;
                }
            }
        }
        Finish();
        return result;
    }
}

/// <summary>
/// Once the director has started, drops the executable's and libraries' clean pages that only the start touched. A
/// native lvsha touches about 30 MB of its 56 MB executable while it starts (Akka, the DI container, the
/// configuration) and little of it afterwards, and those pages would count in its RSS for as long as it runs. They
/// stay in the page cache, shared and reclaimable; what the idle director uses comes back at its first access (a minor
/// fault, no disk read). Writable, copied-on-write and anonymous memory (the GC heap, the runtime's rehydrated data)
/// is never touched.
/// </summary>
public sealed partial class StartupPagesRelease(ILogger<StartupPagesRelease> logger) : BackgroundService
{
    /// <summary>After the start: the actors, the first adverts and the IPVS start-up table are done by then in the VM too.</summary>
    internal static readonly TimeSpan AfterStart = TimeSpan.FromSeconds(30);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(AfterStart, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        long released = 0;
        try
        {
            foreach (var mapping in CleanFileMapping.In(await File.ReadAllTextAsync("/proc/self/smaps", stoppingToken).ConfigureAwait(false)))
            {
                if (DontNeed(mapping))
                    released += mapping.ResidentKilobytes;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            // Only memory accounting is at stake: the director runs on as it is.
            LogNotReleased(e.Message);
            return;
        }
        LogReleased(released / 1024.0);
    }

    /// <summary>Drops the mapping's resident pages (madvise MADV_DONTNEED); false when the kernel refused.</summary>
    internal static unsafe bool DontNeed(CleanFileMapping mapping) =>
        Tmds.Linux.LibC.madvise((void*)mapping.Start, (Tmds.Linux.size_t)(nuint)mapping.Length, Tmds.Linux.LibC.MADV_DONTNEED) == 0;

    [LoggerMessage(EventId = 5301, Level = LogLevel.Debug, Message = "Dropped {Megabytes:F1} MB of clean file pages touched while starting (they stay in the page cache)")]
    private partial void LogReleased(double megabytes);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Debug, Message = "Start-up pages not dropped: {Reason}")]
    private partial void LogNotReleased(string reason);
}
