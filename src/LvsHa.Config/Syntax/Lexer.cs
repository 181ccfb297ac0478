using System.Text;

namespace LvsHa.Config.Syntax;

/// <summary>
/// Splits keepalived configuration text into words, quoted strings, braces and line ends. Each line first goes through
/// keepalived's line rules (<see cref="LinePreprocessor"/>: `@ID` conditions, `$NAME=` definitions, `$NAME`
/// substitution); every character keeps the column it was written at, substituted text the column of its `$`.
/// `#` and `!` start a comment anywhere outside quotes; `\` at the very end of a line joins it with the next.
/// </summary>
internal sealed class Lexer
{
    private readonly string _text;
    private readonly string _file;
    private readonly DiagnosticBag _diagnostics;
    private readonly LinePreprocessor _preprocessor;
    private int _rawPos;
    private int _nextLine = 1;

    // The current line after preprocessing: _buf[_bufStart.._bufEnd) (the file's own text when unchanged), and the
    // column each of its characters was written at (null: as in the file).
    private string _buf = "";
    private int _bufStart;
    private int _bufEnd;
    private int[]? _cols;
    private int _bp;
    private int _line;
    private int _endColumn;
    private bool _haveLine;

    // Keywords and small numbers repeat thousands of times in big configs; one string each saves most allocations.
    private const int MaxPooledWords = 8192;
    private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _poolLookup;

    public Lexer(string text, string file, DiagnosticBag diagnostics, LinePreprocessor? preprocessor = null)
    {
        _text = text;
        _file = file;
        _diagnostics = diagnostics;
        _preprocessor = preprocessor ?? new LinePreprocessor(null);
        _poolLookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
        // A UTF-8 byte order mark is not part of the first keyword.
        if (_text.Length > 0 && _text[0] == '\uFEFF')
            _rawPos = 1;
    }

    public Token Next()
    {
        while (true)
        {
            if (!_haveLine)
            {
                if (_rawPos >= _text.Length)
                    return new Token(TokenKind.EndOfFile, "", _nextLine, 1);
                LoadLine();
                continue;
            }
            if (_bp >= _bufEnd)
            {
                _haveLine = false;
                // The last line without a newline ends with the file, not with a line end.
                if (_rawPos > _text.Length)
                    continue;
                return new Token(TokenKind.EndOfLine, "", _line, _endColumn);
            }

            char c = _buf[_bp];
            switch (c)
            {
                case ' ' or '\t' or '\r' or '\f' or '\v':
                    _bp++;
                    continue;
                case '#' or '!':
                    _bp = _bufEnd;
                    continue;
                case '\\' when IsLineContinuation():
                    // The next line continues this statement: no line end in between.
                    _haveLine = false;
                    if (_rawPos < _text.Length)
                        LoadLine();
                    continue;
                case '{':
                    return new Token(TokenKind.OpenBrace, "{", _line, Column(_bp++));
                case '}':
                    return new Token(TokenKind.CloseBrace, "}", _line, Column(_bp++));
                case '"':
                    return ReadQuoted(c);
                default:
                    return ReadWord();
            }
        }
    }

    /// <summary>Reads the next physical line and applies keepalived's line rules to it.</summary>
    private void LoadLine()
    {
        int end = _text.IndexOf('\n', _rawPos);
        if (end < 0)
            end = _text.Length;
        int start = _rawPos;
        _line = _nextLine++;
        _rawPos = end + 1;
        _endColumn = end - start + 1;
        var at = new SourceLocation(_file, _line, 1);
        var line = _preprocessor.Process(_text.AsSpan(start, end - start), at, _diagnostics, out var cols, out bool continued);
        if (line is null)
        {
            _buf = _text;
            _bufStart = start;
            _bufEnd = end > start && _text[end - 1] == '\r' ? end - 1 : end;
        }
        else
        {
            _buf = line;
            _bufStart = 0;
            _bufEnd = line.Length;
        }
        // A multi-line definition consumes the lines it continues on.
        while (continued && _rawPos < _text.Length)
        {
            int next = _text.IndexOf('\n', _rawPos);
            if (next < 0)
                next = _text.Length;
            continued = _text.AsSpan(_rawPos, next - _rawPos).TrimEnd(" \t\r").EndsWith("\\");
            _rawPos = next + 1;
            _nextLine++;
        }
        _cols = cols;
        _bp = _bufStart;
        _haveLine = true;
    }

    private int Column(int index) => _cols is null ? index - _bufStart + 1 : _cols[index];

    private bool IsLineContinuation()
    {
        int p = _bp + 1;
        while (p < _bufEnd && (_buf[p] == ' ' || _buf[p] == '\t' || _buf[p] == '\r'))
            p++;
        return p >= _bufEnd;
    }

    private Token ReadWord()
    {
        int start = _bp;
        while (_bp < _bufEnd)
        {
            char c = _buf[_bp];
            if (c is ' ' or '\t' or '\r' or '\f' or '\v' or '{' or '}' or '#' or '!' or '"')
                break;
            _bp++;
        }
        return new Token(TokenKind.Word, Word(_buf.AsSpan(start, _bp - start)), _line, Column(start));
    }

    private string Word(ReadOnlySpan<char> span)
    {
        bool poolable = span.Length <= 5 || (span.Length <= 32 && char.IsAsciiLetter(span[0]));
        if (!poolable)
            return new string(span);
        if (_poolLookup.TryGetValue(span, out var pooled))
            return pooled;
        var word = new string(span);
        if (_pool.Count < MaxPooledWords)
            _pool.Add(word, word);
        return word;
    }

    private Token ReadQuoted(char quote)
    {
        int column = Column(_bp);
        _bp++;
        int start = _bp;
        StringBuilder? sb = null;
        while (_bp < _bufEnd)
        {
            char c = _buf[_bp];
            if (c == quote)
            {
                string text = sb is null ? _buf.Substring(start, _bp - start) : sb.ToString();
                _bp++;
                return new Token(TokenKind.QuotedString, text, _line, column);
            }
            if (c == '\\' && quote == '"' && _bp + 1 < _bufEnd && _buf[_bp + 1] is '"' or '\\')
            {
                sb ??= new StringBuilder().Append(_buf, start, _bp - start);
                sb.Append(_buf[_bp + 1]);
                _bp += 2;
                continue;
            }
            sb?.Append(c);
            _bp++;
        }
        _diagnostics.Error(new SourceLocation(_file, _line, column), $"unterminated quoted string (missing closing {quote})");
        string rest = sb is null ? _buf.Substring(start, _bp - start) : sb.ToString();
        return new Token(TokenKind.QuotedString, rest.TrimEnd('\r'), _line, column);
    }
}
