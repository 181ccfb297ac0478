namespace LvsHa.Netlink;

/// <summary>
/// A netlink request failed: the kernel answered NLMSG_ERROR with an errno, or the socket itself failed.
/// <see cref="Subject"/> names what the request was about (a service, destination, address, family).
/// </summary>
public class NetlinkException : Exception
{
    public NetlinkException(int errno, string subject, string? detail = null)
        : base(FormatMessage(errno, subject, detail))
    {
        Errno = errno;
        Subject = subject;
    }

    public NetlinkException()
    {
        Subject = "";
    }

    public NetlinkException(string message) : base(message)
    {
        Subject = "";
    }

    public NetlinkException(string message, Exception innerException) : base(message, innerException)
    {
        Subject = "";
    }

    /// <summary>Positive errno (EEXIST = 17, ENOENT = 2, ...); 0 when the failure was not an errno.</summary>
    public int Errno { get; }

    /// <summary>What the failed request was about, in ipvsadm/ip spelling.</summary>
    public string Subject { get; }

    private static string FormatMessage(int errno, string subject, string? detail)
    {
        var text = errno != 0 ? $"{subject}: {LvsHa.Netlink.Errno.Describe(errno)}" : subject;
        return detail is null ? text : $"{text} ({detail})";
    }
}
