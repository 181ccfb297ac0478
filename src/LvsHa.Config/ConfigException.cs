namespace LvsHa.Config;

/// <summary>The only exception the configuration code throws: a configuration that cannot be used.</summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates one without diagnostics.</summary>
    public ConfigException() : this("invalid configuration") { }

    /// <summary>Creates one with a message.</summary>
    public ConfigException(string message) : base(message) => Diagnostics = [];

    /// <summary>Creates one wrapping an inner exception.</summary>
    public ConfigException(string message, Exception innerException) : base(message, innerException) => Diagnostics = [];

    /// <summary>Creates one from the diagnostics of a failed load.</summary>
    public ConfigException(IReadOnlyList<ConfigDiagnostic> diagnostics)
        : base(string.Join(Environment.NewLine, diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)))
        => Diagnostics = diagnostics;

    /// <summary>The diagnostics behind it (may be empty).</summary>
    public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; }
}
