namespace LvsHa.Config.Tests;

/// <summary>Helpers: load text, find diagnostics, temp folders that clean up.</summary>
internal static class TestSupport
{
    public static ConfigLoadResult Load(string text, string fileName = "test.conf") => ConfigLoader.LoadText(text, fileName);

    public static LvsHaConfig LoadValid(string text)
    {
        var r = Load(text);
        Assert.True(r.Success, "expected a valid config, got:\n" + string.Join('\n', r.Diagnostics));
        return r.Config!;
    }

    public static ConfigDiagnostic SingleError(ConfigLoadResult r, string contains)
    {
        var matches = r.Errors.Where(d => d.Message.Contains(contains, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"expected one error containing '{contains}', got:\n" + string.Join('\n', r.Diagnostics));
        return matches[0];
    }

    public static ConfigDiagnostic SingleWarning(ConfigLoadResult r, string contains)
    {
        var matches = r.Warnings.Where(d => d.Message.Contains(contains, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"expected one warning containing '{contains}', got:\n" + string.Join('\n', r.Diagnostics));
        return matches[0];
    }

    /// <summary>A virtual server block around real server lines, with protocol and method given.</summary>
    public static string Vs(string header, string body) => $"virtual_server {header} {{\n{body}\n}}\n";

    public static string SamplesDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "samples")))
            dir = dir.Parent;
        Assert.True(dir is not null, "samples/ folder not found above " + AppContext.BaseDirectory);
        return Path.Combine(dir!.FullName, "samples");
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lvsha-config-" + Guid.NewGuid().ToString("N"));

    public string Write(string relative, string text)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
