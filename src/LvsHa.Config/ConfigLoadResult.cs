namespace LvsHa.Config;

/// <summary>The outcome of loading a configuration: the model when there is no error, and every diagnostic.</summary>
/// <param name="Config">The model, or null when any error was found.</param>
/// <param name="Diagnostics">Every error and warning, in file order.</param>
public sealed record ConfigLoadResult(LvsHaConfig? Config, IReadOnlyList<ConfigDiagnostic> Diagnostics)
{
    /// <summary>True when the configuration has no error.</summary>
    public bool Success => Config is not null;

    /// <summary>Errors only.</summary>
    public IEnumerable<ConfigDiagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>Warnings only.</summary>
    public IEnumerable<ConfigDiagnostic> Warnings => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning);
}
