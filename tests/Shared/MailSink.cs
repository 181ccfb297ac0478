namespace LvsHa.Testing;

/// <summary>
/// The mail labs' view of tests/lab/smtp-sink.py: where the script is, the mails it wrote (DIR/NNNN.eml, in arrival
/// order) and a one-line summary of a mail ("Subject: ... | body") to compare keepalived's mails with LvsHa's.
/// </summary>
internal static class MailSink
{
    /// <summary>tests/lab/smtp-sink.py, found above the test assembly (the VM shares the repository at the same path).</summary>
    public static string Script()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tests", "lab", "smtp-sink.py")))
            dir = dir.Parent;
        Assert.True(dir is not null, "tests/lab/smtp-sink.py not found above " + AppContext.BaseDirectory);
        return Path.Combine(dir!.FullName, "tests", "lab", "smtp-sink.py");
    }

    /// <summary>The mail files in <paramref name="dir"/>, oldest first.</summary>
    public static List<string> Files(string dir) =>
        Directory.Exists(dir) ? [.. Directory.GetFiles(dir, "*.eml").Order(StringComparer.Ordinal)] : [];

    /// <summary>"Subject: ... | body" of one mail's text, the body's lines joined by spaces.</summary>
    public static string Summary(string mail)
    {
        var lines = mail.ReplaceLineEndings("\n").Split('\n');
        // A long subject is folded (RFC 5322): its continuation lines start with white space.
        var at = Array.FindIndex(lines, l => l.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase));
        var subject = string.Concat(lines.Skip(at).TakeWhile((l, i) => i == 0 || l.StartsWith(' ') || l.StartsWith('\t'))).Trim();
        var blank = Array.IndexOf(lines, "");
        var body = string.Join(' ', lines.Skip(blank + 1).Where(l => l.Trim().Length > 0)).Trim();
        return $"{subject} | {body}";
    }
}
