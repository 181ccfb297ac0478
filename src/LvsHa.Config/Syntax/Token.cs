namespace LvsHa.Config.Syntax;

/// <summary>Kind of a lexical token.</summary>
internal enum TokenKind
{
    Word,
    QuotedString,
    OpenBrace,
    CloseBrace,
    EndOfLine,
    EndOfFile,
}

/// <summary>A lexical token with its 1-based position in the file.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column);
