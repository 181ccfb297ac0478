using System.Runtime.InteropServices;

namespace LvsHa.Config.Syntax;

/// <summary>
/// Whether a path is a regular file on a real file system: a configuration is never read from a device, a FIFO (an
/// open that blocks), a socket, or the kernel's /proc and /sys (endless or changing content).
/// </summary>
public static partial class RegularFile
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x0001;
    private const int ModeOffset = 28;
    private const ushort TypeMask = 0xF000;
    private const ushort Regular = 0x8000;
    private const ushort Directory = 0x4000;

    /// <summary>Null when <paramref name="path"/> is a regular file, else why not (in the operator's words).</summary>
    public static string? Problem(string path)
    {
        string full = Path.GetFullPath(path);
        string real = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        foreach (var pseudo in (ReadOnlySpan<string>)["/proc/", "/sys/", "/dev/"])
        {
            if (real.StartsWith(pseudo, StringComparison.Ordinal) || full.StartsWith(pseudo, StringComparison.Ordinal))
                return $"not a regular file (under {pseudo.TrimEnd('/')})";
        }
        if (!OperatingSystem.IsLinux())
            return File.Exists(full) ? null : System.IO.Directory.Exists(full) ? "is a directory" : "file not found";
        // statx's layout is the same on every architecture (unlike struct stat).
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, full, 0, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno == 2 ? "file not found" : Marshal.GetPInvokeErrorMessage(errno);
        }
        ushort type = (ushort)(BitConverter.ToUInt16(buffer[ModeOffset..]) & TypeMask);
        return type switch
        {
            Regular => null,
            Directory => "is a directory",
            0x1000 => "not a regular file (a FIFO)",
            0x2000 or 0x6000 => "not a regular file (a device)",
            0xC000 => "not a regular file (a socket)",
            _ => "not a regular file",
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
