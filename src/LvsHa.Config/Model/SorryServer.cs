using System.Net;

namespace LvsHa.Config;

/// <summary>The real server installed when a virtual server loses quorum (`sorry_server IP PORT`).</summary>
/// <param name="Address">Sorry server address.</param>
/// <param name="Port">Port (forced to the virtual port for DR/TUN, 0 for fwmark services).</param>
/// <param name="Method">Forwarding method (`sorry_server_lvs_method`, else the virtual server's).</param>
/// <param name="Inhibit">`sorry_server_inhibit`: keep it in the table with weight 0 instead of removing it.</param>
/// <param name="Location">Where it was written.</param>
public sealed record SorryServer(IPAddress Address, int Port, ForwardingMethod Method, bool Inhibit, SourceLocation Location)
{
    /// <summary>The destination port to program under <paramref name="endpoint"/> (the real servers' rule).</summary>
    public int PortFor(ServiceEndpoint endpoint) => Method.DestinationPort(Port, endpoint);
}
