namespace LvsHa.Director.Vrrp;

/// <summary>The configuration is valid but cannot run on this director (e.g. an interface without an address).</summary>
public sealed class DirectorConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DirectorConfigException()
    {
    }

    /// <summary>Creates the exception with the operator's message.</summary>
    public DirectorConfigException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public DirectorConfigException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
