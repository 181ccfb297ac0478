using LvsHa.Config.Building;
using LvsHa.Config.Syntax;

namespace LvsHa.Config;

/// <summary>Loads a keepalived-style configuration file (with includes) into a validated <see cref="LvsHaConfig"/>.</summary>
public static class ConfigLoader
{
    /// <summary>Loads and validates the file; never throws for a bad configuration (see the diagnostics).</summary>
    public static ConfigLoadResult Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new DiagnosticBag();
        if (!File.Exists(path))
        {
            diagnostics.Error(new SourceLocation(path, 1, 1), Directory.Exists(path) ? "is a directory, not a configuration file" : "configuration file not found");
            return new ConfigLoadResult(null, diagnostics.Sorted());
        }
        var statements = SyntaxParser.ParseFile(path, new SourceLocation(path, 1, 1), diagnostics, []);
        return Build(statements, path, diagnostics);
    }

    /// <summary>Loads and validates text as if it were the file <paramref name="fileName"/> (includes resolve from its folder).</summary>
    public static ConfigLoadResult LoadText(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var diagnostics = new DiagnosticBag();
        var statements = SyntaxParser.Parse(text, fileName, diagnostics, [Path.GetFullPath(fileName)]);
        return Build(statements, fileName, diagnostics);
    }

    /// <summary>Loads the file and throws <see cref="ConfigException"/> when it has errors.</summary>
    public static LvsHaConfig LoadOrThrow(string path)
    {
        var result = Load(path);
        return result.Config ?? throw new ConfigException(result.Diagnostics);
    }

    private static ConfigLoadResult Build(IReadOnlyList<SyntaxStatement> statements, string sourceFile, DiagnosticBag diagnostics)
    {
        var config = new ModelBuilder(diagnostics).Build(statements, sourceFile);
        ConfigValidator.Validate(config, diagnostics);
        return new ConfigLoadResult(diagnostics.ErrorCount == 0 ? config : null, diagnostics.Sorted());
    }
}
