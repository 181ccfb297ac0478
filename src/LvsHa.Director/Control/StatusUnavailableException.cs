namespace LvsHa.Director.Control;

/// <summary>The director cannot report yet (starting) or any more (stopping); the reply says so without alarm.</summary>
public sealed class StatusUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StatusUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message for the operator.</summary>
    public StatusUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public StatusUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
