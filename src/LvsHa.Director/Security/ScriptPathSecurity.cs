using System.Runtime.InteropServices;

namespace LvsHa.Director.Security;

/// <summary>Whether someone other than root could replace a script (keepalived's check_security in core/notify.c).</summary>
public static partial class ScriptPathSecurity
{
    private const uint TypeMask = 0xF000;
    private const uint Directory = 0x4000;
    private const uint Regular = 0x8000;
    private const uint Symlink = 0xA000;
    private const uint Sticky = 0x200;
    private const uint GroupWrite = 0x10;
    private const uint OtherWrite = 0x2;

    /// <summary>
    /// Why <paramref name="path"/> is unsafe to run as root, or null. The path as written and the file it resolves to
    /// are both walked from "/": every part must be owned by root, and a directory (unless it has the sticky bit, as
    /// /tmp) or the file must be writable neither by a group other than root nor by others. A symbolic link on the way
    /// (/bin on a merged-/usr system) is judged by its owner; its target is in the resolved path.
    /// </summary>
    public static string? UnsafePart(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var written = Path.GetFullPath(path);
        return Walk(written) ?? (RealPath(written) is { } real && real != written ? Walk(real) : null);
    }

    private static string? Walk(string full)
    {
        var parts = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        for (var i = -1; i < parts.Length; i++)
        {
            if (i >= 0)
                current = current == "/" ? "/" + parts[i] : current + "/" + parts[i];
            var last = i == parts.Length - 1;
            if (Lstat(current) is not { } st)
                return $"{current} cannot be read";
            var type = st.Mode & TypeMask;
            if (type != Symlink && type != (last ? Regular : Directory))
                return $"{current} is not a {(last ? "file" : "directory")}";
            if (st.Uid != 0)
                return $"{current} is owned by uid {st.Uid}, not root";
            var judged = (type == Directory && (st.Mode & Sticky) == 0) || type == Regular;
            if (judged && ((st.Gid != 0 && (st.Mode & GroupWrite) != 0) || (st.Mode & OtherWrite) != 0))
                return $"{current} is writable by {((st.Mode & OtherWrite) != 0 ? "everyone" : $"group {st.Gid}")}";
        }

        return null;
    }

    private static unsafe (uint Mode, uint Uid, uint Gid)? Lstat(string path)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        Tmds.Linux.stat st;
        fixed (byte* p = bytes)
        {
            if (Tmds.Linux.LibC.lstat(p, &st) != 0)
                return null;
        }

        return ((uint)st.st_mode, (uint)st.st_uid, (uint)st.st_gid);
    }

    private static string? RealPath(string path)
    {
        var resolved = RealPathNative(path, 0);
        if (resolved == 0)
            return null;
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPathNative(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);
}
