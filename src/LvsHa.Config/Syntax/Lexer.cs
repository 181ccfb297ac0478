using System.Text;

namespace LvsHa.Config.Syntax;

/// <summary>
/// Splits keepalived configuration text into words, quoted strings, braces and line ends. `#` and `!` start a
/// comment anywhere outside quotes; `\` at the very end of a line joins it with the next (keepalived continuation).
/// </summary>
internal sealed class Lexer
{
    private readonly string _text;
    private readonly string _file;
    private readonly DiagnosticBag _diagnostics;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    // Keywords and small numbers repeat thousands of times in big configs; one string each saves most allocations.
    private const int MaxPooledWords = 8192;
    private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _poolLookup;

    public Lexer(string text, string file, DiagnosticBag diagnostics)
    {
        _text = text;
        _file = file;
        _diagnostics = diagnostics;
        _poolLookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
        // A UTF-8 byte order mark is not part of the first keyword.
        if (_text.Length > 0 && _text[0] == '\uFEFF')
        {
            _pos = 1;
            _lineStart = 1;
        }
    }

    public Token Next()
    {
        while (true)
        {
            if (_pos >= _text.Length)
                return new Token(TokenKind.EndOfFile, "", _line, _pos - _lineStart + 1);

            char c = _text[_pos];
            switch (c)
            {
                case ' ' or '\t' or '\r' or '\f' or '\v':
                    _pos++;
                    continue;
                case '\n':
                {
                    var t = new Token(TokenKind.EndOfLine, "", _line, _pos - _lineStart + 1);
                    _pos++;
                    _line++;
                    _lineStart = _pos;
                    return t;
                }
                case '#' or '!':
                    while (_pos < _text.Length && _text[_pos] != '\n')
                        _pos++;
                    continue;
                case '\\' when IsLineContinuation():
                    SkipLineContinuation();
                    continue;
                case '{':
                    _pos++;
                    return new Token(TokenKind.OpenBrace, "{", _line, _pos - _lineStart);
                case '}':
                    _pos++;
                    return new Token(TokenKind.CloseBrace, "}", _line, _pos - _lineStart);
                case '"':
                    return ReadQuoted(c);
                default:
                    return ReadWord();
            }
        }
    }

    private bool IsLineContinuation()
    {
        int p = _pos + 1;
        while (p < _text.Length && (_text[p] == ' ' || _text[p] == '\t' || _text[p] == '\r'))
            p++;
        return p >= _text.Length || _text[p] == '\n';
    }

    private void SkipLineContinuation()
    {
        while (_pos < _text.Length && _text[_pos] != '\n')
            _pos++;
        if (_pos < _text.Length)
        {
            _pos++;
            _line++;
            _lineStart = _pos;
        }
    }

    private Token ReadWord()
    {
        int start = _pos;
        int column = _pos - _lineStart + 1;
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c is ' ' or '\t' or '\r' or '\n' or '\f' or '\v' or '{' or '}' or '#' or '!' or '"')
                break;
            _pos++;
        }
        return new Token(TokenKind.Word, Word(_text.AsSpan(start, _pos - start)), _line, column);
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
        int line = _line;
        int column = _pos - _lineStart + 1;
        _pos++;
        int start = _pos;
        StringBuilder? sb = null;
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == quote)
            {
                string text = sb is null ? _text.Substring(start, _pos - start) : sb.ToString();
                _pos++;
                return new Token(TokenKind.QuotedString, text, line, column);
            }
            if (c == '\n')
                break;
            if (c == '\\' && quote == '"' && _pos + 1 < _text.Length && _text[_pos + 1] is '"' or '\\')
            {
                sb ??= new StringBuilder().Append(_text, start, _pos - start);
                sb.Append(_text[_pos + 1]);
                _pos += 2;
                continue;
            }
            sb?.Append(c);
            _pos++;
        }
        _diagnostics.Error(new SourceLocation(_file, line, column), $"unterminated quoted string (missing closing {quote})");
        string rest = sb is null ? _text.Substring(start, _pos - start) : sb.ToString();
        return new Token(TokenKind.QuotedString, rest.TrimEnd('\r'), line, column);
    }
}
