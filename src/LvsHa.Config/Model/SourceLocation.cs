namespace LvsHa.Config;

/// <summary>Where something was written: file, 1-based line and 1-based column.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}:{Column}";
}
