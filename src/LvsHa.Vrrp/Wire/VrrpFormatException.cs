namespace LvsHa.Vrrp.Wire;

/// <summary>The only exception the VRRP parsers throw: the bytes are not a valid message.</summary>
public sealed class VrrpFormatException : Exception
{
    /// <summary>Creates the exception with a reason.</summary>
    public VrrpFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception for a message whose checksum does not add up.</summary>
    public VrrpFormatException(string message, bool checksumMismatch)
        : base(message)
    {
        ChecksumMismatch = checksumMismatch;
    }

    /// <summary>True when the message was well formed but its checksum was wrong.</summary>
    public bool ChecksumMismatch { get; }

    /// <summary>Creates the exception without a reason.</summary>
    public VrrpFormatException()
    {
    }

    /// <summary>Creates the exception wrapping another.</summary>
    public VrrpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
