using System.Runtime.InteropServices;

namespace LvsHa.Netlink;

/// <summary>errno numbers the netlink layer meets, and their strerror text with the symbolic name.</summary>
public static class Errno
{
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ENOBUFS = 105;
    public const int EOPNOTSUPP = 95;
    public const int EAFNOSUPPORT = 97;
    public const int EADDRNOTAVAIL = 99;
    public const int EPERM = 1;

    /// <summary>"File exists (EEXIST)".</summary>
    public static string Describe(int errno)
    {
        var name = errno switch
        {
            EPERM => "EPERM",
            ENOENT => "ENOENT",
            ESRCH => "ESRCH",
            EINTR => "EINTR",
            EAGAIN => "EAGAIN",
            ENOMEM => "ENOMEM",
            EBUSY => "EBUSY",
            EEXIST => "EEXIST",
            ENODEV => "ENODEV",
            EINVAL => "EINVAL",
            ENOBUFS => "ENOBUFS",
            EOPNOTSUPP => "EOPNOTSUPP",
            EAFNOSUPPORT => "EAFNOSUPPORT",
            EADDRNOTAVAIL => "EADDRNOTAVAIL",
            _ => $"errno {errno}",
        };
        return $"{Marshal.GetPInvokeErrorMessage(errno)} ({name})";
    }
}
