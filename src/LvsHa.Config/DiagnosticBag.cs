namespace LvsHa.Config;

/// <summary>Collects every diagnostic of a load, so validation reports all problems at once.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<ConfigDiagnostic> _items = [];

    public int ErrorCount { get; private set; }

    public IReadOnlyList<ConfigDiagnostic> Items => _items;

    public void Error(SourceLocation location, string message)
    {
        ErrorCount++;
        _items.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, message, location));
    }

    public void Warning(SourceLocation location, string message) =>
        _items.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, message, location));

    /// <summary>Diagnostics ordered by file, line and column (stable), as an operator reads them.</summary>
    public IReadOnlyList<ConfigDiagnostic> Sorted() =>
        [.. _items.Select((d, i) => (d, i))
            .OrderBy(x => x.d.Location.File, StringComparer.Ordinal)
            .ThenBy(x => x.d.Location.Line)
            .ThenBy(x => x.d.Location.Column)
            .ThenBy(x => x.i)
            .Select(x => x.d)];
}
