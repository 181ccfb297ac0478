namespace LvsHa.Config.Syntax;

/// <summary>
/// Builds the syntax tree (statements and blocks) from keepalived configuration text, expanding `include`
/// directives (globs, relative to the including file). Problems become diagnostics; it never throws for bad input.
/// </summary>
public static class SyntaxParser
{
    /// <summary>How deep includes may nest (keepalived's own limit is similar); deeper is an include loop in practice.</summary>
    public const int MaxIncludeDepth = 32;

    /// <summary>Parses a file and everything it includes.</summary>
    public static SyntaxParseResult ParseFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new DiagnosticBag();
        var statements = ParseFile(path, new SourceLocation(path, 1, 1), diagnostics, []);
        return new SyntaxParseResult(statements, diagnostics.Sorted());
    }

    /// <summary>Parses text as if it were the file <paramref name="fileName"/>; includes resolve from its folder.</summary>
    public static SyntaxParseResult ParseText(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var diagnostics = new DiagnosticBag();
        var statements = Parse(text, fileName, diagnostics, [Path.GetFullPath(fileName)]);
        return new SyntaxParseResult(statements, diagnostics.Sorted());
    }

    internal static IReadOnlyList<SyntaxStatement> ParseFile(string path, SourceLocation from, DiagnosticBag diagnostics, List<string> includeStack)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException
                                      or System.Security.SecurityException)
        {
            diagnostics.Error(from, $"cannot read configuration file '{path}': {e.Message}");
            return [];
        }
        includeStack.Add(Path.GetFullPath(path));
        try
        {
            return Parse(text, path, diagnostics, includeStack);
        }
        finally
        {
            includeStack.RemoveAt(includeStack.Count - 1);
        }
    }

    internal static IReadOnlyList<SyntaxStatement> Parse(string text, string file, DiagnosticBag diagnostics, List<string> includeStack)
    {
        var lexer = new Lexer(text, file, diagnostics);
        var frames = new Stack<Frame>();
        var top = new Frame(null, []);
        frames.Push(top);
        var pending = new List<SyntaxWord>();

        while (true)
        {
            var token = lexer.Next();
            var current = frames.Peek();
            switch (token.Kind)
            {
                case TokenKind.Word:
                case TokenKind.QuotedString:
                    pending.Add(new SyntaxWord(token.Text, token.Kind == TokenKind.QuotedString,
                        new SourceLocation(file, token.Line, token.Column)));
                    break;
                case TokenKind.EndOfLine:
                    Flush(current, pending, file, diagnostics, includeStack);
                    break;
                case TokenKind.OpenBrace:
                {
                    var at = new SourceLocation(file, token.Line, token.Column);
                    if (pending.Count > 0)
                    {
                        frames.Push(new Frame([.. pending], []));
                        pending.Clear();
                    }
                    else if (current.Statements.Count > 0 && current.Statements[^1].Block is null && !current.LastWasInclude)
                    {
                        // Allman style: the keyword on one line, its '{' on the next.
                        var opener = current.Statements[^1];
                        current.Statements.RemoveAt(current.Statements.Count - 1);
                        frames.Push(new Frame([.. opener.Words], []));
                    }
                    else
                    {
                        diagnostics.Error(at, "'{' without a keyword before it");
                        frames.Push(new Frame(null, []) { OpenedAt = at });
                    }
                    break;
                }
                case TokenKind.CloseBrace:
                {
                    Flush(current, pending, file, diagnostics, includeStack);
                    var at = new SourceLocation(file, token.Line, token.Column);
                    if (frames.Count == 1)
                    {
                        diagnostics.Error(at, "unbalanced braces: '}' without a matching '{'");
                        break;
                    }
                    Close(frames, at);
                    break;
                }
                case TokenKind.EndOfFile:
                {
                    Flush(current, pending, file, diagnostics, includeStack);
                    var at = new SourceLocation(file, token.Line, token.Column);
                    while (frames.Count > 1)
                    {
                        var open = frames.Peek();
                        var where = open.Opener is { Length: > 0 } o ? o[0].Location : open.OpenedAt;
                        string what = open.Opener is { Length: > 0 } ow ? $"'{ow[0].Text}'" : "block";
                        diagnostics.Error(where, $"unbalanced braces: {what} block opened here is not closed by '}}' before the end of the file");
                        Close(frames, at);
                    }
                    return top.Statements;
                }
            }
        }
    }

    private static void Close(Stack<Frame> frames, SourceLocation at)
    {
        var closed = frames.Pop();
        var parent = frames.Peek();
        if (closed.Opener is not null)
            parent.Statements.Add(new SyntaxStatement(closed.Opener, closed.Statements, at));
        parent.LastWasInclude = false;
    }

    private static void Flush(Frame frame, List<SyntaxWord> pending, string file, DiagnosticBag diagnostics, List<string> includeStack)
    {
        if (pending.Count == 0)
            return;
        var words = pending.ToArray();
        pending.Clear();
        if (words[0].Text == "include" && !words[0].Quoted)
        {
            frame.Statements.AddRange(Include(words, file, diagnostics, includeStack));
            frame.LastWasInclude = true;
            return;
        }
        frame.Statements.Add(new SyntaxStatement(words, null, words[0].Location));
        frame.LastWasInclude = false;
    }

    private static List<SyntaxStatement> Include(SyntaxWord[] words, string file, DiagnosticBag diagnostics, List<string> includeStack)
    {
        var result = new List<SyntaxStatement>();
        if (words.Length < 2)
        {
            diagnostics.Error(words[0].Location, "include needs a file name or pattern");
            return result;
        }
        // Relative to the including file, kept relative when that file was named relatively.
        string baseDir = Path.GetDirectoryName(file) ?? "/";
        for (int i = 1; i < words.Length; i++)
        {
            var pattern = words[i];
            IReadOnlyList<string> files;
            try
            {
                files = Glob.Expand(pattern.Text, baseDir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException
                                          or System.Security.SecurityException or TimeoutException)
            {
                diagnostics.Error(pattern.Location, $"include '{pattern.Text}': {e.Message}");
                continue;
            }
            if (files.Count == 0)
            {
                diagnostics.Error(pattern.Location, Glob.HasWildcards(pattern.Text)
                    ? $"include '{pattern.Text}' matches no file"
                    : $"include '{pattern.Text}': file not found");
                continue;
            }
            foreach (var path in files)
            {
                string full = Path.GetFullPath(path);
                if (includeStack.Contains(full))
                {
                    diagnostics.Error(pattern.Location, $"include '{pattern.Text}': '{full}' includes itself (include loop)");
                    continue;
                }
                if (includeStack.Count >= MaxIncludeDepth)
                {
                    diagnostics.Error(pattern.Location, $"include '{pattern.Text}': includes nested deeper than {MaxIncludeDepth}");
                    continue;
                }
                result.AddRange(ParseFile(path, pattern.Location, diagnostics, includeStack));
            }
        }
        return result;
    }

    private sealed class Frame(SyntaxWord[]? opener, List<SyntaxStatement> statements)
    {
        public SyntaxWord[]? Opener { get; } = opener;

        public List<SyntaxStatement> Statements { get; } = statements;

        public SourceLocation OpenedAt { get; init; }

        public bool LastWasInclude { get; set; }
    }
}
