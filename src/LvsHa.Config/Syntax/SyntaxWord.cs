namespace LvsHa.Config.Syntax;

/// <summary>One word of a statement: a bare word or a quoted string, with where it starts.</summary>
/// <param name="Text">The text (quotes removed, escapes applied).</param>
/// <param name="Quoted">True when it was written in quotes.</param>
/// <param name="Location">Where it starts.</param>
public sealed record SyntaxWord(string Text, bool Quoted, SourceLocation Location)
{
    /// <inheritdoc />
    public override string ToString() => Text;
}
