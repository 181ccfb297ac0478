using System.Text;

namespace LvsHa.Health.Model;

/// <summary>A notify/quorum/misc script: the program and its arguments, split as keepalived splits them (no shell).</summary>
public sealed record ScriptCommand(string Program, IReadOnlyList<string> Arguments)
{
    /// <summary>The user and group it runs as, or null for the daemon's own.</summary>
    public ScriptUser? User { get; init; }

    /// <summary>The command line as configured, for logs.</summary>
    public string Display => Arguments.Count == 0 ? Program : Program + " " + string.Join(' ', Arguments);

    /// <summary>Splits a configured command line: whitespace separates words, '...' and "..." group,
    /// a backslash outside single quotes takes the next character literally.</summary>
    /// <exception cref="FormatException">The line is empty or has an unterminated quote.</exception>
    public static ScriptCommand Parse(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            if (quote == '\'')
            {
                if (c == '\'') quote = '\0'; else current.Append(c);
                continue;
            }

            if (c == '\\' && i + 1 < commandLine.Length)
            {
                current.Append(commandLine[++i]);
                inWord = true;
                continue;
            }

            if (quote == '"')
            {
                if (c == '"') quote = '\0'; else current.Append(c);
                continue;
            }

            if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(current.ToString());
                current.Clear();
                inWord = false;
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (quote != '\0') throw new FormatException($"unterminated {quote} quote in script command '{commandLine}'");
        if (inWord) words.Add(current.ToString());
        if (words.Count == 0) throw new FormatException("empty script command");
        return new ScriptCommand(words[0], words.Skip(1).ToArray());
    }
}
