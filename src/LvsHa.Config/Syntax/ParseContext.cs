namespace LvsHa.Config.Syntax;

/// <summary>What one configuration's parse shares across the main file and its includes.</summary>
internal sealed class ParseContext(DiagnosticBag diagnostics, string? configId)
{
    public DiagnosticBag Diagnostics { get; } = diagnostics;

    /// <summary>Full paths of the files being read, outermost first (an include chain).</summary>
    public List<string> IncludeStack { get; } = [];

    /// <summary>`@ID` conditions and `$NAME` parameters, kept across includes as keepalived does.</summary>
    public LinePreprocessor Preprocessor { get; } = new(configId);

    public long TotalBytes { get; set; }

    public int FilesRead { get; set; }
}
