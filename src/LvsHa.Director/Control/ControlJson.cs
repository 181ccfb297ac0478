using System.Text.Json;

namespace LvsHa.Director.Control;

/// <summary>The JSON settings of the control protocol (camelCase, one object per line).</summary>
public static class ControlJson
{
    /// <summary>Shared serializer options.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>Longest request or reply line accepted (a status of 10,000 virtual services is ~20 MB).</summary>
    public const int MaxLineLength = 64 << 20;
}
