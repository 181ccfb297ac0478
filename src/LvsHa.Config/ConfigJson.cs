using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace LvsHa.Config;

/// <summary>
/// The normalized model as JSON (`lvsha check --dump`): snake_case names, lower-case enum values, addresses as text,
/// durations in seconds, secrets (auth_pass, any password) as "***".
/// </summary>
public static class ConfigJson
{
    /// <summary>The options used for the dump (stable property names in declaration order).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serializes the configuration, indented.</summary>
    public static string Serialize(LvsHaConfig config) => JsonSerializer.Serialize(config, TypeInfo<LvsHaConfig>());

    /// <summary>
    /// How one configuration type is written. Only the types <see cref="ConfigJsonContext"/> names can be: the dump is
    /// generated at build time (no reflection, so it works the same in the native AOT build).
    /// </summary>
    public static JsonTypeInfo TypeInfo(Type type) => Options.GetTypeInfo(type);

    /// <inheritdoc cref="TypeInfo(Type)"/>
    public static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(ConfigJsonContext.Default.Options)
        {
            TypeInfoResolver = ConfigJsonContext.Default.WithAddedModifier(RedactSecrets),
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>A dump is shown and pasted into tickets: no string property named like a password is ever written.</summary>
    private static void RedactSecrets(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.PropertyType == typeof(string) && IsSecret(property.Name))
                property.CustomConverter = new Redacted();
        }
    }

    /// <summary>password, auth_pass, passphrase, secret (a secret_file is a path, not the secret).</summary>
    internal static bool IsSecret(string jsonName) =>
        (jsonName.Contains("pass", StringComparison.OrdinalIgnoreCase) || jsonName.Contains("secret", StringComparison.OrdinalIgnoreCase))
        && !jsonName.EndsWith("file", StringComparison.OrdinalIgnoreCase);

    private sealed class Redacted : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue("***");
    }

    /// <summary>Enum values as keepalived writes them: "nat", "wlc", "ipv4", "nocsum".</summary>
    internal sealed class LowerCaseEnum<T>() : JsonStringEnumConverter<T>(new LowerCase()) where T : struct, Enum;

    private sealed class LowerCase : JsonNamingPolicy
    {
        public override string ConvertName(string name) => name.ToLowerInvariant();
    }

    internal sealed class AddressConverter : JsonConverter<IPAddress>
    {
        public override IPAddress? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            IPAddress.TryParse(reader.GetString(), out var a) ? a : throw new JsonException("invalid address");

        public override void Write(Utf8JsonWriter writer, IPAddress value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }

    internal sealed class SecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TimeSpan.FromSeconds(reader.GetDouble());

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(value.TotalSeconds);
    }

    internal sealed class LocationConverter : JsonConverter<SourceLocation>
    {
        public override SourceLocation Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("locations are written only");

        public override void Write(Utf8JsonWriter writer, SourceLocation value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }
}

/// <summary>
/// The configuration types the dump and the reload's block comparison write, generated at build time. A new enum of the
/// model gets its lower-case converter here (ConfigJsonTests checks that every one has it).
/// </summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters =
    [
        typeof(ConfigJson.AddressConverter), typeof(ConfigJson.SecondsConverter), typeof(ConfigJson.LocationConverter),
        typeof(ConfigJson.LowerCaseEnum<ServiceProtocol>), typeof(ConfigJson.LowerCaseEnum<IpFamily>),
        typeof(ConfigJson.LowerCaseEnum<Scheduler>), typeof(ConfigJson.LowerCaseEnum<SchedulerFlags>),
        typeof(ConfigJson.LowerCaseEnum<LvsMethod>), typeof(ConfigJson.LowerCaseEnum<TunnelType>),
        typeof(ConfigJson.LowerCaseEnum<TunnelChecksum>), typeof(ConfigJson.LowerCaseEnum<VrrpState>),
        typeof(ConfigJson.LowerCaseEnum<VrrpAuthType>), typeof(ConfigJson.LowerCaseEnum<SplitBrainGuard>),
    ])]
[JsonSerializable(typeof(LvsHaConfig))]
[JsonSerializable(typeof(VirtualServer))]
[JsonSerializable(typeof(VrrpInstance))]
[JsonSerializable(typeof(VrrpSyncGroup))]
[JsonSerializable(typeof(VrrpScript))]
[JsonSerializable(typeof(ClusterSettings))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
