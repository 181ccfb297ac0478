using System.Runtime.InteropServices;

namespace LvsHa.Health.Model;

/// <summary>The user and group a script runs as (MISC_CHECK's `user USER [GROUP]`), resolved to ids once, when the
/// configuration is mapped, so that an unknown name is an error at start and not a failing check.</summary>
/// <param name="Name">"user" or "user:group" as written, for logs.</param>
/// <param name="Uid">The user's id.</param>
/// <param name="Gid">The group's id: the one written, else the user's primary group.</param>
public sealed partial record ScriptUser(string Name, uint Uid, uint Gid)
{
    /// <summary>Resolves "USER [GROUP]" through the system's user database (getpwnam/getgrnam, so NSS sources count).</summary>
    /// <returns>null and the reason when the text is malformed or a name is unknown.</returns>
    public static ScriptUser? Resolve(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is 0 or > 2)
        {
            error = $"'{text}' is not 'USER [GROUP]'";
            return null;
        }

        // glibc's struct passwd: two char* then uid_t pw_uid and gid_t pw_gid; struct group: two char* then gr_gid.
        var passwd = GetPwNam(words[0]);
        if (passwd == 0)
        {
            error = $"no such user '{words[0]}'";
            return null;
        }

        var uid = (uint)Marshal.ReadInt32(passwd, 2 * IntPtr.Size);
        var gid = (uint)Marshal.ReadInt32(passwd, (2 * IntPtr.Size) + 4);
        if (words.Length == 2)
        {
            var group = GetGrNam(words[1]);
            if (group == 0)
            {
                error = $"no such group '{words[1]}'";
                return null;
            }

            gid = (uint)Marshal.ReadInt32(group, 2 * IntPtr.Size);
        }

        error = null;
        return new ScriptUser(string.Join(':', words), uid, gid);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Uid}:{Gid})";

    [LibraryImport("libc", EntryPoint = "getpwnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetPwNam(string name);

    [LibraryImport("libc", EntryPoint = "getgrnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetGrNam(string name);
}
