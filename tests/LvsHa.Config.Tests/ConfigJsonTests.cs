using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Xunit;

namespace LvsHa.Config.Tests;

/// <summary>
/// The dump is generated at build time (ConfigJsonContext): what it does not name, it cannot write. These guard the
/// places a new model type would otherwise be missed.
/// </summary>
public class ConfigJsonTests
{
    public static TheoryData<Type> ModelEnums() =>
        [.. typeof(LvsHaConfig).Assembly.GetExportedTypes().Where(t => t.IsEnum && t.Namespace == typeof(LvsHaConfig).Namespace)];

    [Theory]
    [MemberData(nameof(ModelEnums))]
    public void EveryModelEnumInTheDump_IsWrittenInLowerCaseWords(Type type)
    {
        if (!ConfigJson.Options.TryGetTypeInfo(type, out var info))
            return; // not part of the configuration (e.g. a diagnostic's severity): never dumped
        var value = Enum.GetValues(type).GetValue(0)!;
        Assert.Equal($"\"{value.ToString()!.ToLowerInvariant()}\"", JsonSerializer.Serialize(value, info));
    }

    [Theory]
    [InlineData(typeof(LvsHaConfig))]
    [InlineData(typeof(VirtualServer))]
    [InlineData(typeof(VrrpInstance))]
    [InlineData(typeof(VrrpSyncGroup))]
    [InlineData(typeof(VrrpScript))]
    [InlineData(typeof(ClusterSettings))]
    public void TheBlocksAReloadCompares_HaveGeneratedMetadata(Type type)
    {
        var info = ConfigJson.TypeInfo(type);
        Assert.Equal(JsonTypeInfoKind.Object, info.Kind);
        Assert.NotEmpty(info.Properties);
    }
}
