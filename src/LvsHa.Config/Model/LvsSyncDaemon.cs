using System.Net;

namespace LvsHa.Config;

/// <summary>`lvs_sync_daemon INTERFACE [[inst] INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDR]` in global_defs.</summary>
/// <param name="Interface">Interface the sync daemon uses.</param>
/// <param name="VrrpInstance">
/// vrrp_instance whose state drives master/backup; null when none is named: then, as keepalived, both the master and
/// the backup daemon run from start to stop.
/// </param>
/// <param name="SyncId">`id` (0..255); without it the instance's virtual_router_id (0 without an instance), as keepalived.</param>
/// <param name="MaxLength">`maxlen` (0 = kernel default).</param>
/// <param name="Port">`port` (0 = kernel default 8848).</param>
/// <param name="Ttl">`ttl` (0 = kernel default).</param>
/// <param name="Group">`group` multicast address, or null.</param>
/// <param name="Location">Where it was written.</param>
public sealed record LvsSyncDaemon(string Interface, string? VrrpInstance, int SyncId, int MaxLength, int Port, int Ttl,
    IPAddress? Group, SourceLocation Location);
