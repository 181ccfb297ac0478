namespace LvsHa.Config.Syntax;

/// <summary>The syntax tree of a configuration (includes expanded) and the problems met while reading it.</summary>
/// <param name="Statements">Top-level statements in file order.</param>
/// <param name="Diagnostics">Lexical and structural problems (unbalanced braces, missing includes, ...).</param>
public sealed record SyntaxParseResult(IReadOnlyList<SyntaxStatement> Statements, IReadOnlyList<ConfigDiagnostic> Diagnostics);
