using System.Runtime.InteropServices;

namespace LvsHa.Netlink.Raw;

/// <summary>Interface names to indexes in the calling thread's network namespace (if_nametoindex; /sys/class/net
/// would show the namespace sysfs was mounted in, not necessarily this one).</summary>
public static partial class InterfaceIndex
{
    /// <summary>The interface's index, or 0 when there is none of that name (the error is in Marshal.GetLastPInvokeError).</summary>
    public static int Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length == 0 ? 0 : (int)IfNameToIndex(name);
    }

    [LibraryImport("libc", EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial uint IfNameToIndex(string name);
}
