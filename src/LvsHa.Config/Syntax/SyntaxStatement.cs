namespace LvsHa.Config.Syntax;

/// <summary>
/// One statement of the configuration: a keyword, its arguments and an optional `{ }` block of sub-statements.
/// The syntax tree knows nothing of the meaning of keywords; the model builder does.
/// </summary>
/// <param name="Words">Keyword first, then arguments (never empty).</param>
/// <param name="Block">Sub-statements, or null when no block followed.</param>
/// <param name="BlockEnd">Where the closing brace was, or the keyword's location without a block.</param>
public sealed record SyntaxStatement(IReadOnlyList<SyntaxWord> Words, IReadOnlyList<SyntaxStatement>? Block, SourceLocation BlockEnd)
{
    /// <summary>The keyword (first word).</summary>
    public string Keyword => Words[0].Text;

    /// <summary>Where the keyword starts.</summary>
    public SourceLocation Location => Words[0].Location;

    /// <summary>Number of arguments after the keyword.</summary>
    public int ArgumentCount => Words.Count - 1;

    /// <summary>The argument at <paramref name="index"/> (0 = first after the keyword).</summary>
    public SyntaxWord Argument(int index) => Words[index + 1];

    /// <inheritdoc />
    public override string ToString() => string.Join(' ', Words.Select(w => w.Text)) + (Block is null ? "" : " { ... }");
}
