namespace LvsHa.Config;

/// <summary>One problem found in a configuration, printed as `FILE:LINE:COL: error: MESSAGE`.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Message">What is wrong, in the operator's words.</param>
/// <param name="Location">Where (the file the problem is in, included files name themselves).</param>
public sealed record ConfigDiagnostic(DiagnosticSeverity Severity, string Message, SourceLocation Location)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Location.File}:{Location.Line}:{Location.Column}: {(Severity == DiagnosticSeverity.Error ? "error" : "warning")}: {Message}";
}
