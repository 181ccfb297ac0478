namespace LvsHa.Netlink;

/// <summary>
/// A netlink message or attribute could not be decoded (truncated, lying length, wrong value size). The only
/// exception the decoders throw, whatever bytes they are given.
/// </summary>
public sealed class NetlinkProtocolException : NetlinkException
{
    public NetlinkProtocolException(string message) : base("malformed netlink data: " + message)
    {
    }

    public NetlinkProtocolException()
    {
    }

    public NetlinkProtocolException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
