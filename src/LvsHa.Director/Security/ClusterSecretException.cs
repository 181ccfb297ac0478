namespace LvsHa.Director.Security;

/// <summary>The cluster secret is missing, unreadable, too short or too open.</summary>
public sealed class ClusterSecretException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterSecretException()
    {
    }

    /// <summary>Creates the exception with a message for the operator.</summary>
    public ClusterSecretException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ClusterSecretException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
