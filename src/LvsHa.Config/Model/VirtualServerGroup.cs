using System.Net;

namespace LvsHa.Config;

/// <summary>One entry of a `virtual_server_group`: an address range (or single address) with a port, or a fwmark.</summary>
/// <param name="First">First address (null for fwmark entries).</param>
/// <param name="Last">Last address of a range (equal to First for a single address).</param>
/// <param name="Port">Port (0 for fwmark entries).</param>
/// <param name="Fwmark">Firewall mark (0 for address entries).</param>
/// <param name="Location">Where the entry was written.</param>
public sealed record VirtualServerGroupEntry(IPAddress? First, IPAddress? Last, int Port, uint Fwmark, SourceLocation Location);

/// <summary>A `virtual_server_group NAME { ... }` block.</summary>
/// <param name="Name">Group name.</param>
/// <param name="Entries">Entries in file order.</param>
/// <param name="Location">Where the block starts.</param>
public sealed record VirtualServerGroup(string Name, IReadOnlyList<VirtualServerGroupEntry> Entries, SourceLocation Location);
