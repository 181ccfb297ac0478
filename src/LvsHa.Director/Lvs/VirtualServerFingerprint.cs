using System.Text.Json;
using System.Text.Json.Nodes;
using LvsHa.Config;

namespace LvsHa.Director.Lvs;

/// <summary>
/// What a virtual_server block says, without where it was written: two blocks with equal fingerprints program the
/// same services and run the same checks, so a reload keeps their health state and their running checks.
/// </summary>
public static class VirtualServerFingerprint
{
    /// <summary>The block as canonical JSON (the <c>lvsha check --dump</c> form) without source locations.</summary>
    public static string Of(VirtualServer virtualServer) => OfBlock(virtualServer);

    /// <summary>Any configuration block (a vrrp_instance, the cluster block) as canonical JSON without source locations.</summary>
    public static string OfBlock(object? block)
    {
        if (block is null)
            return "";
        var node = JsonSerializer.SerializeToNode(block, ConfigJson.TypeInfo(block.GetType()));
        RemoveLocations(node);
        return node?.ToJsonString() ?? "";
    }

    /// <summary>Names of the virtual services present in both mappings with equal fingerprints.</summary>
    public static IReadOnlySet<string> Unchanged(IEnumerable<MappedVirtualService> before, IEnumerable<MappedVirtualService> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var old = before.ToDictionary(s => s.Name, s => Of(s.VirtualServer), StringComparer.Ordinal);
        return after.Where(s => old.TryGetValue(s.Name, out var fingerprint) && fingerprint == Of(s.VirtualServer))
            .Select(s => s.Name)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static void RemoveLocations(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                obj.Remove("location");
                foreach (var (_, child) in obj)
                    RemoveLocations(child);
                break;
            case JsonArray array:
                foreach (var child in array)
                    RemoveLocations(child);
                break;
        }
    }
}
