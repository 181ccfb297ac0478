namespace LvsHa.Netlink.Ipvs;

/// <summary>
/// The kernel refused an IPVS request. Carries the errno, its text and the object the request was about, so an
/// operator reads "adding destination -t 10.0.0.1:80 -r 10.0.1.5:80: File exists (EEXIST)".
/// </summary>
public sealed class IpvsException : NetlinkException
{
    public IpvsException(int errno, string subject, string? detail = null)
        : base(errno, subject, detail)
    {
    }

    public IpvsException()
    {
    }

    public IpvsException(string message) : base(message)
    {
    }

    public IpvsException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
