using System.Text.Json;
using System.Text.Json.Serialization;

namespace LvsHa.Director.Control;

/// <summary>The JSON settings of the control protocol (camelCase, one object per line).</summary>
public static class ControlJson
{
    /// <summary>
    /// Shared serializer options: the protocol's types only, generated at build time (no reflection, so the native
    /// AOT build reads and writes the same lines).
    /// </summary>
    public static readonly JsonSerializerOptions Options = ControlJsonContext.Default.Options;

    /// <summary>Longest request or reply line accepted (a status of 10,000 virtual services is ~20 MB).</summary>
    public const int MaxLineLength = 64 << 20;
}

/// <summary>The control protocol's messages.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlResponse))]
[JsonSerializable(typeof(StatusReport))]
public sealed partial class ControlJsonContext : JsonSerializerContext;
