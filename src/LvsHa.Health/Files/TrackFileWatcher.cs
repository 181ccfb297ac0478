using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace LvsHa.Health.Files;

/// <summary>
/// Watches tracked files as keepalived does (inotify on each file's directory for IN_CLOSE_WRITE, IN_DELETE and
/// IN_MOVE, so a file is read once its writer closed it, never half-written) and reports each file's number when it
/// changes: <see cref="TrackFileValue.Read"/> after a write or a move into place, 0 when the file is deleted or moved
/// away. One inotify descriptor and one thread, blocked in poll(2) while nothing happens (no timer), serve every file.
/// </summary>
public sealed partial class TrackFileWatcher : IDisposable
{
    private const int InCloseWrite = 0x8, InMovedFrom = 0x40, InMovedTo = 0x80, InDelete = 0x200, InIsDir = 0x40000000;
    private const int InNonBlock = 0x800, InCloExec = 0x80000;
    private const short PollIn = 0x1;

    private readonly Dictionary<int, List<(string Name, string Path)>> _byWatch = [];
    private readonly Action<string, long> _changed;
    private readonly ILogger _logger;
    private readonly int _inotify;
    private readonly int _wake;
    private readonly Thread _thread;
    private volatile bool _stopping;

    /// <summary>
    /// Starts watching <paramref name="paths"/> (absolute or relative file paths); <paramref name="changed"/> gets
    /// the path and its new number on every change (called on the watcher's thread, one call at a time).
    /// </summary>
    /// <exception cref="IOException">inotify is not available or a file's directory cannot be watched (its name and errno).</exception>
    public TrackFileWatcher(IEnumerable<string> paths, Action<string, long> changed, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _changed = changed;
        _logger = logger;
        _inotify = InotifyInit1(InNonBlock | InCloExec);
        if (_inotify < 0)
            throw new IOException($"inotify_init1: errno {Marshal.GetLastPInvokeError()}");
        _wake = EventFd(0, InNonBlock | InCloExec);
        if (_wake < 0)
        {
            _ = Close(_inotify);
            throw new IOException($"eventfd: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            foreach (var path in paths.Distinct(StringComparer.Ordinal))
            {
                var full = System.IO.Path.GetFullPath(path);
                var directory = System.IO.Path.GetDirectoryName(full) ?? "/";
                var watch = InotifyAddWatch(_inotify, directory, InCloseWrite | InDelete | InMovedFrom | InMovedTo);
                if (watch < 0)
                    throw new IOException($"cannot watch the directory {directory} of tracked file {path}: errno {Marshal.GetLastPInvokeError()}");
                if (!_byWatch.TryGetValue(watch, out var files))
                    _byWatch[watch] = files = [];
                files.Add((System.IO.Path.GetFileName(full), path));
            }
        }
        catch
        {
            _ = Close(_inotify);
            _ = Close(_wake);
            throw;
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "track-file-watcher" };
        _thread.Start();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_stopping)
            return;
        _stopping = true;
        Span<byte> one = stackalloc byte[8];
        one[0] = 1;
        _ = Write(_wake, one, 8);
        _thread.Join();
        _ = Close(_inotify);
        _ = Close(_wake);
    }

    private void Run()
    {
        var buffer = new byte[64 * 1024];
        var fds = new PollFd[] { new() { Fd = _inotify, Events = PollIn }, new() { Fd = _wake, Events = PollIn } };
        while (!_stopping)
        {
            fds[0].Revents = fds[1].Revents = 0;
            if (Poll(fds, 2, -1) < 0)
                continue; // EINTR
            if (_stopping)
                return;
            int length;
            while ((length = (int)Read(_inotify, buffer, buffer.Length)) > 0)
            {
                try
                {
                    Dispatch(buffer.AsSpan(0, length));
                }
                catch (Exception e)
                {
                    // A failing consumer must not end the watch of every other file.
                    LogFailed(e, e.Message);
                }
            }
        }
    }

    // struct inotify_event { int wd; uint32 mask, cookie, len; char name[len]; }
    private void Dispatch(ReadOnlySpan<byte> events)
    {
        while (events.Length >= 16)
        {
            var watch = BitConverter.ToInt32(events);
            var mask = BitConverter.ToInt32(events[4..]);
            var nameLength = BitConverter.ToInt32(events[12..]);
            var name = System.Text.Encoding.UTF8.GetString(events.Slice(16, nameLength)).TrimEnd('\0');
            events = events[(16 + nameLength)..];
            if ((mask & InIsDir) != 0 || !_byWatch.TryGetValue(watch, out var files))
                continue;
            foreach (var (fileName, path) in files)
            {
                if (fileName != name)
                    continue;
                var gone = (mask & (InDelete | InMovedFrom)) != 0;
                if ((gone ? 0 : TrackFileValue.Read(path)) is { } value)
                    _changed(path, value);
                else
                    LogOutOfRange(path);
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    private static partial int InotifyInit1(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int InotifyAddWatch(int fd, string path, int mask);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFd(uint initval, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll([In, Out] PollFd[] fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, [Out] byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, ReadOnlySpan<byte> buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Tracked file {Path}: the number is out of range (as keepalived, the reading is ignored)")]
    private partial void LogOutOfRange(string path);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Error, Message = "Tracked file change could not be applied: {Reason}")]
    private partial void LogFailed(Exception exception, string reason);
}
