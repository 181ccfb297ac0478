namespace LvsHa.Config;

/// <summary>Loads a keepalived-style configuration file (with includes) into a validated <see cref="LvsHaConfig"/>.</summary>
public static class ConfigLoader
{
    /// <summary>Loads and validates the file; never throws for a bad configuration (see the diagnostics).</summary>
    public static ConfigLoadResult Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        throw new NotImplementedException();
    }

    /// <summary>Loads and validates text as if it were the file <paramref name="fileName"/> (includes resolve from its folder).</summary>
    public static ConfigLoadResult LoadText(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        throw new NotImplementedException();
    }

    /// <summary>Loads the file and throws <see cref="ConfigException"/> when it has errors.</summary>
    public static LvsHaConfig LoadOrThrow(string path)
    {
        var result = Load(path);
        return result.Config ?? throw new ConfigException(result.Diagnostics);
    }
}
