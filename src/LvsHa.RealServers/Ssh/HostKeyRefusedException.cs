namespace LvsHa.RealServers.Ssh;

/// <summary>The host presented a key known_hosts does not vouch for; nothing was sent to it.</summary>
public sealed class HostKeyRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HostKeyRefusedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public HostKeyRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public HostKeyRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
