namespace LvsHa.Config.Syntax;

/// <summary>
/// Builds the syntax tree (statements and blocks) from keepalived configuration text, expanding `include`
/// directives (globs, relative to the including file). Problems become diagnostics; it never throws for bad input.
/// </summary>
/// <summary>
/// Builds the syntax tree (statements and blocks) from keepalived configuration text, expanding `include`
/// directives (globs, relative to the including file). Problems become diagnostics; it never throws for bad input,
/// never reads anything but regular files, never follows an include cycle and stops at a total size: no input makes
/// it hang or run out of memory.
/// </summary>
public static class SyntaxParser
{
    /// <summary>How deep includes may nest (keepalived's own limit is similar); deeper is an include loop in practice.</summary>
    public const int MaxIncludeDepth = 32;

    /// <summary>Most bytes read for one configuration, the main file and every include together.</summary>
    public const long MaxTotalBytes = 64L * 1024 * 1024;

    /// <summary>Most files read for one configuration (an include tree that re-includes files grows fast).</summary>
    public const int MaxFiles = 10_000;

    /// <summary>Parses a file and everything it includes; <paramref name="configId"/> is the id `@ID` lines match (null: the host's short name).</summary>
    public static SyntaxParseResult ParseFile(string path, string? configId = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var context = new ParseContext(new DiagnosticBag(), configId);
        var statements = ParseFile(path, new SourceLocation(path, 1, 1), context);
        return new SyntaxParseResult(statements, context.Diagnostics.Sorted());
    }

    /// <summary>Parses text as if it were the file <paramref name="fileName"/>; includes resolve from its folder.</summary>
    public static SyntaxParseResult ParseText(string text, string fileName, string? configId = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var context = new ParseContext(new DiagnosticBag(), configId);
        context.IncludeStack.Add(Path.GetFullPath(fileName));
        var statements = Parse(text, fileName, context);
        return new SyntaxParseResult(statements, context.Diagnostics.Sorted());
    }

    internal static IReadOnlyList<SyntaxStatement> ParseFile(string path, SourceLocation from, ParseContext context)
    {
        if (ReadFile(path, from, context) is not { } text)
            return [];
        context.IncludeStack.Add(Path.GetFullPath(path));
        try
        {
            return Parse(text, path, context);
        }
        finally
        {
            context.IncludeStack.RemoveAt(context.IncludeStack.Count - 1);
        }
    }

    /// <summary>The file's text, or null with an error: only regular files, within the file count and total size.</summary>
    private static string? ReadFile(string path, SourceLocation from, ParseContext context)
    {
        var diagnostics = context.Diagnostics;
        if (++context.FilesRead > MaxFiles)
        {
            if (context.FilesRead == MaxFiles + 1)
                diagnostics.Error(from, $"more than {MaxFiles} configuration files read (includes repeat too often); '{path}' and later ones not read");
            return null;
        }
        try
        {
            if (RegularFile.Problem(path) is { } problem)
            {
                diagnostics.Error(from, $"cannot read configuration file '{path}': {problem}");
                return null;
            }
            long remaining = MaxTotalBytes - context.TotalBytes;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            using var content = new MemoryStream();
            var chunk = new byte[64 * 1024];
            int n;
            while ((n = stream.Read(chunk)) > 0)
            {
                if (content.Length + n > remaining)
                {
                    context.TotalBytes = MaxTotalBytes;
                    diagnostics.Error(from, $"configuration larger than {MaxTotalBytes / (1024 * 1024)} MiB in total (main file and includes): '{path}' not read");
                    return null;
                }
                content.Write(chunk, 0, n);
            }
            int read = (int)content.Length;
            context.TotalBytes += read;
            return new System.Text.UTF8Encoding(false).GetString(content.GetBuffer(), 0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException
                                      or System.Security.SecurityException)
        {
            diagnostics.Error(from, $"cannot read configuration file '{path}': {e.Message}");
            return null;
        }
    }

    internal static IReadOnlyList<SyntaxStatement> Parse(string text, string file, ParseContext context)
    {
        var diagnostics = context.Diagnostics;
        var lexer = new Lexer(text, file, diagnostics, context.Preprocessor);
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
                    Flush(current, pending, file, context);
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
                    Flush(current, pending, file, context);
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
                    Flush(current, pending, file, context);
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

    private static void Flush(Frame frame, List<SyntaxWord> pending, string file, ParseContext context)
    {
        if (pending.Count == 0)
            return;
        var words = pending.ToArray();
        pending.Clear();
        if (words[0].Text == "include" && !words[0].Quoted)
        {
            frame.Statements.AddRange(Include(words, file, context));
            frame.LastWasInclude = true;
            return;
        }
        frame.Statements.Add(new SyntaxStatement(words, null, words[0].Location));
        frame.LastWasInclude = false;
    }

    private static List<SyntaxStatement> Include(SyntaxWord[] words, string file, ParseContext context)
    {
        var diagnostics = context.Diagnostics;
        var includeStack = context.IncludeStack;
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
                int loopStart = includeStack.IndexOf(full);
                if (loopStart >= 0)
                {
                    var chain = string.Join(" -> ", includeStack.Skip(loopStart).Append(full));
                    diagnostics.Error(pattern.Location, $"include '{pattern.Text}': include loop {chain}; not followed");
                    continue;
                }
                if (includeStack.Count >= MaxIncludeDepth)
                {
                    diagnostics.Error(pattern.Location, $"include '{pattern.Text}': includes nested deeper than {MaxIncludeDepth}");
                    continue;
                }
                result.AddRange(ParseFile(path, pattern.Location, context));
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
