namespace LvsHa.RealServers.Ssh;

/// <summary>The known_hosts file cannot be read at all (missing, unreadable).</summary>
public sealed class KnownHostsFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KnownHostsFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public KnownHostsFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public KnownHostsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
