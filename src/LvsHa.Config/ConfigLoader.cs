using LvsHa.Config.Building;
using LvsHa.Config.Syntax;

namespace LvsHa.Config;

/// <summary>Loads a keepalived-style configuration file (with includes) into a validated <see cref="LvsHaConfig"/>.</summary>
public static class ConfigLoader
{
    /// <summary>
    /// Loads and validates the file; never throws for a bad configuration (see the diagnostics).
    /// <paramref name="configId"/> is the id keepalived's `@ID` lines are matched with (null: the host name's short form).
    /// </summary>
    public static ConfigLoadResult Load(string path, string? configId = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new DiagnosticBag();
        if (!File.Exists(path))
        {
            diagnostics.Error(new SourceLocation(path, 1, 1), Directory.Exists(path) ? "is a directory, not a configuration file" : "configuration file not found");
            return new ConfigLoadResult(null, diagnostics.Sorted());
        }
        var statements = SyntaxParser.ParseFile(path, new SourceLocation(path, 1, 1), new ParseContext(diagnostics, configId));
        return Build(statements, path, diagnostics);
    }

    /// <summary>Loads and validates text as if it were the file <paramref name="fileName"/> (includes resolve from its folder); <paramref name="configId"/> as for <see cref="Load"/>.</summary>
    public static ConfigLoadResult LoadText(string text, string fileName, string? configId = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var diagnostics = new DiagnosticBag();
        var context = new ParseContext(diagnostics, configId);
        context.IncludeStack.Add(Path.GetFullPath(fileName));
        var statements = SyntaxParser.Parse(text, fileName, context);
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
