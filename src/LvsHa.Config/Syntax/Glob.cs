using System.Text;
using System.Text.RegularExpressions;

namespace LvsHa.Config.Syntax;

/// <summary>Shell-style glob expansion (`*`, `?`, `[...]` in any path segment) for `include`, sorted like glob(3).</summary>
internal static class Glob
{
    public static bool HasWildcards(string pattern) => pattern.AsSpan().IndexOfAny("*?[") >= 0;

    /// <summary>
    /// Files matching <paramref name="pattern"/>; a relative pattern is taken from <paramref name="baseDirectory"/>
    /// and the results keep that prefix as written (relative stays relative, so diagnostics name files as the
    /// operator does).
    /// </summary>
    public static IReadOnlyList<string> Expand(string pattern, string baseDirectory)
    {
        string path = Path.IsPathRooted(pattern) ? pattern : Path.Combine(baseDirectory, pattern);
        if (!HasWildcards(path))
            return File.Exists(path) ? [path] : [];

        string root = Path.GetPathRoot(path) ?? "";
        var segments = path[root.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { root };
        for (int i = 0; i < segments.Length; i++)
        {
            bool last = i == segments.Length - 1;
            var segment = segments[i];
            var next = new List<string>();
            foreach (var dir in current)
            {
                if (!HasWildcards(segment))
                {
                    var candidate = Path.Combine(dir, segment);
                    if (last ? File.Exists(candidate) : Directory.Exists(candidate))
                        next.Add(candidate);
                    continue;
                }
                string listed = dir.Length == 0 ? "." : dir;
                if (!Directory.Exists(listed))
                    continue;
                var regex = ToRegex(segment);
                var entries = last ? Directory.EnumerateFiles(listed) : Directory.EnumerateDirectories(listed);
                foreach (var entry in entries)
                {
                    var name = Path.GetFileName(entry);
                    // Like the shell, a wildcard does not match a leading dot.
                    if (name.StartsWith('.') && !segment.StartsWith('.'))
                        continue;
                    if (regex.IsMatch(name))
                        next.Add(Path.Combine(dir, name));
                }
            }
            next.Sort(StringComparer.Ordinal);
            current = next;
        }
        return current;
    }

    private static Regex ToRegex(string segment)
    {
        var sb = new StringBuilder("^");
        for (int i = 0; i < segment.Length; i++)
        {
            char c = segment[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[':
                {
                    int end = segment.IndexOf(']', i + 1);
                    if (end < 0)
                    {
                        sb.Append(@"\[");
                        break;
                    }
                    var set = segment[(i + 1)..end];
                    if (set.StartsWith('!'))
                        set = "^" + set[1..];
                    sb.Append('[').Append(set.Replace(@"\", @"\\", StringComparison.Ordinal)).Append(']');
                    i = end;
                    break;
                }
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
