using System.Text;

namespace LvsHa.Config.Syntax;

/// <summary>
/// keepalived 2.2.7's line rules (lib/parser.c, read_line), applied to each line before it is split into words, with
/// one state for the main file and everything it includes:
/// - `@ID rest` keeps `rest` only when ID is the config id; `@^ID rest` only when it is not; `@ID` alone is dropped.
/// - `$NAME=value` (at the start of a line, after any `@ID`; no blank before `=`) defines a parameter; a later
///   definition replaces it.
/// - `$NAME` (followed by a blank, `,`, `)` or the line end) and `${NAME}` anywhere are replaced by a defined
///   parameter's value; an undefined one is left as written (scripts' `$1` stay). The result is read again, so a
///   value may hold `@ID` or other parameters.
/// Multi-line definitions (a value ending in `\`), `~SEQ`/`~LST` and keepalived's built-in `${_NAME}` parameters are
/// not supported: an error, never a silent difference.
/// </summary>
internal sealed class LinePreprocessor
{
    /// <summary>Substitution rounds on one line before it is taken for a loop (`$A=$A x`).</summary>
    public const int MaxSubstitutionRounds = 32;

    /// <summary>Longest line substitution may build (keepalived's own line buffer is far shorter).</summary>
    public const int MaxLineLength = 64 * 1024;

    private readonly Dictionary<string, string> _definitions = new(StringComparer.Ordinal);

    /// <summary>Creates the state for one configuration; <paramref name="configId"/> null means the host's short name.</summary>
    public LinePreprocessor(string? configId) => ConfigId = configId ?? DefaultConfigId();

    /// <summary>The id `@ID` lines are compared with.</summary>
    public string ConfigId { get; }

    /// <summary>keepalived's default: the node name up to its first dot.</summary>
    public static string DefaultConfigId()
    {
        var name = Environment.MachineName;
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? name : name[..dot];
    }

    /// <summary>
    /// The line as the lexer should read it ("" when dropped; null when unchanged) and, for each character, the 1-based
    /// column it was written at. <paramref name="continued"/> says a multi-line definition goes on on the next line(s).
    /// </summary>
    public string? Process(ReadOnlySpan<char> raw, SourceLocation at, DiagnosticBag diagnostics, out int[]? columns, out bool continued)
    {
        continued = false;
        columns = null;
        if (raw.EndsWith("\r"))
            raw = raw[..^1];
        int first = 0;
        while (first < raw.Length && (raw[first] == ' ' || raw[first] == '\t'))
            first++;
        // Most lines: nothing to do, the lexer reads them in place.
        if (first >= raw.Length || (raw[first] != '@' && raw[first] != '$' && raw[first] != '~'
                                    && (_definitions.Count == 0 || !raw.Contains('$')) && !raw.Contains("$_", StringComparison.Ordinal) && !raw.Contains("${_", StringComparison.Ordinal)))
            return null;
        var text = raw.ToString();
        var cols = new int[text.Length];
        for (int i = 0; i < cols.Length; i++)
            cols[i] = i + 1;
        int start;
        for (int round = 0; ; round++)
        {
            start = SkipBlanks(text, 0);
            if (start < text.Length && text[start] == '@')
            {
                if (!Condition(text, start, out int rest))
                {
                    columns = [];
                    return "";
                }
                text = text[rest..];
                cols = cols[rest..];
                start = 0;
            }
            if (start < text.Length && text[start] == '$' && Definition(text, start, at with { Column = cols[start] }, diagnostics, out continued))
            {
                columns = [];
                return "";
            }
            if (text.AsSpan(start).StartsWith("~SEQ") || text.AsSpan(start).StartsWith("~LST"))
            {
                diagnostics.Error(at with { Column = cols[start] },
                    $"keepalived's '{Word(text, start)}' line is not supported by LvsHa (write the lines it would generate)");
                columns = [];
                return "";
            }
            if (Builtin(text) is int builtin)
            {
                diagnostics.Error(at with { Column = cols[builtin] },
                    $"keepalived's built-in parameter '{text[builtin..].Split(' ', '\t')[0]}' is not supported by LvsHa; line ignored");
                columns = [];
                return "";
            }
            if (_definitions.Count == 0 || !Substitute(ref text, ref cols))
            {
                columns = cols;
                return text;
            }
            if (round >= MaxSubstitutionRounds || text.Length > MaxLineLength)
            {
                int dollar = text.IndexOf('$', StringComparison.Ordinal);
                diagnostics.Error(dollar >= 0 ? at with { Column = cols[dollar] } : at, $"parameter substitution does not end (more than {MaxSubstitutionRounds} rounds or {MaxLineLength} characters): a parameter refers to itself; line ignored");
                columns = [];
                return "";
            }
        }
    }

    private bool Condition(string text, int at, out int rest)
    {
        bool negate = at + 1 < text.Length && text[at + 1] == '^';
        int idStart = at + (negate ? 2 : 1);
        int idEnd = idStart;
        while (idEnd < text.Length && text[idEnd] != ' ' && text[idEnd] != '\t')
            idEnd++;
        rest = SkipBlanks(text, idEnd);
        // keepalived needs something after the id; `@ID` alone is dropped.
        if (idEnd >= text.Length)
            return false;
        bool match = text.AsSpan(idStart, idEnd - idStart).SequenceEqual(ConfigId);
        return match != negate;
    }

    private bool Definition(string text, int at, SourceLocation where, DiagnosticBag diagnostics, out bool continued)
    {
        continued = false;
        int p = at + 1;
        if (p >= text.Length || !(char.IsAsciiLetter(text[p]) || text[p] == '_'))
            return false;
        p++;
        while (p < text.Length && (char.IsAsciiLetterOrDigit(text[p]) || text[p] == '_'))
            p++;
        string name = text[(at + 1)..p];
        // keepalived's check_definition: the name runs up to '=' with nothing in between (`$A = 1` is no definition).
        if (p >= text.Length || text[p] != '=')
            return false;
        string value = StripComment(text[(p + 1)..]).Trim(' ', '\t');
        if (value.EndsWith('\\'))
        {
            diagnostics.Error(where, $"multi-line parameter definition '${name}' is not supported by LvsHa");
            continued = true;
            return true;
        }
        _definitions[name] = value;
        return true;
    }

    private static readonly string[] Builtins = ["_PWD", "_INSTANCE", "_RANDOM", "_HASH", "_BANG"];

    /// <summary>Where an undefined reference to one of keepalived's built-in parameters starts, if any.</summary>
    private int? Builtin(string text)
    {
        for (int i = text.IndexOf('$', StringComparison.Ordinal); i >= 0; i = text.IndexOf('$', i + 1))
        {
            int p = i + 1 < text.Length && text[i + 1] == '{' ? i + 2 : i + 1;
            foreach (var name in Builtins)
            {
                if (text.AsSpan(p).StartsWith(name) && !_definitions.ContainsKey(name)
                    && (p + name.Length >= text.Length || !(char.IsAsciiLetterOrDigit(text[p + name.Length]) || text[p + name.Length] == '_')))
                    return i;
            }
        }
        return null;
    }

    /// <summary>Replaces every defined `$NAME` / `${NAME}`; false when nothing was replaced.</summary>
    private bool Substitute(ref string text, ref int[] cols)
    {
        StringBuilder? sb = null;
        List<int>? newCols = null;
        int copied = 0;
        for (int i = text.IndexOf('$', StringComparison.Ordinal); i >= 0 && i < text.Length; i = text.IndexOf('$', i))
        {
            if (Reference(text, i) is not ({ } name, int length) || !_definitions.TryGetValue(name, out var value))
            {
                i++;
                continue;
            }
            sb ??= new StringBuilder(text.Length + value.Length);
            newCols ??= new List<int>(text.Length + value.Length);
            sb.Append(text, copied, i - copied);
            for (int k = copied; k < i; k++)
                newCols.Add(cols[k]);
            sb.Append(value);
            for (int k = 0; k < value.Length; k++)
                newCols.Add(cols[i]);
            i += length;
            copied = i;
        }
        if (sb is null)
            return false;
        sb.Append(text, copied, text.Length - copied);
        for (int k = copied; k < text.Length; k++)
            newCols!.Add(cols[k]);
        text = sb.ToString();
        cols = [.. newCols!];
        return true;
    }

    /// <summary>The parameter name at `$` and the length of the reference, as keepalived's find_definition reads it.</summary>
    private static (string Name, int Length)? Reference(string text, int dollar)
    {
        int p = dollar + 1;
        bool braces = p < text.Length && text[p] == '{';
        if (braces)
            p++;
        int nameStart = p;
        if (p >= text.Length || !(char.IsAsciiLetter(text[p]) || text[p] == '_'))
            return null;
        p++;
        while (p < text.Length && (char.IsAsciiLetterOrDigit(text[p]) || text[p] == '_'))
            p++;
        string name = text[nameStart..p];
        if (braces)
            return p < text.Length && text[p] == '}' ? (name, p + 1 - dollar) : null;
        return p >= text.Length || text[p] is ' ' or '\t' or ',' or ')' ? (name, p - dollar) : null;
    }

    private static string StripComment(string value)
    {
        bool quoted = false;
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '"')
                quoted = !quoted;
            else if (!quoted && value[i] is '#' or '!')
                return value[..i];
        }
        return value;
    }

    private static string Word(string text, int start)
    {
        int end = start;
        while (end < text.Length && text[end] != ' ' && text[end] != '\t' && text[end] != '(')
            end++;
        return text[start..end];
    }

    private static int SkipBlanks(string text, int p)
    {
        while (p < text.Length && (text[p] == ' ' || text[p] == '\t'))
            p++;
        return p;
    }
}
