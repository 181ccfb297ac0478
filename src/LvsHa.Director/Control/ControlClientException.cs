namespace LvsHa.Director.Control;

/// <summary>The control socket could not be used or the daemon reported an error.</summary>
public sealed class ControlClientException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ControlClientException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ControlClientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ControlClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
