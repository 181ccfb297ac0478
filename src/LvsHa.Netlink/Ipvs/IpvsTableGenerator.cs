using System.Net;
using System.Text;

namespace LvsHa.Netlink.Ipvs;

/// <summary>
/// A synthetic IPVS table for load tests and benchmarks: <c>services</c> TCP services on 10.1.x.y:80, each with
/// <c>destinationsPerService</c> NAT real servers on 10.2.x.y:8080, as IPVS operations or as `ipvsadm -R` rules.
/// </summary>
public static class IpvsTableGenerator
{
    public static IReadOnlyList<IpvsOperation> Operations(int services, int destinationsPerService)
    {
        var operations = new List<IpvsOperation>(services * (destinationsPerService + 1));
        for (var s = 0; s < services; s++)
        {
            var key = ServiceKey(s);
            operations.Add(new IpvsOperation.AddService(new IpvsService(key, "wlc")));
            for (var d = 0; d < destinationsPerService; d++)
                operations.Add(new IpvsOperation.AddDestination(new IpvsDestination(key, RealServer(s, d, destinationsPerService), 8080, IpvsForwarding.Masquerade, 1)));
        }
        return operations;
    }

    /// <summary>The same table in `ipvsadm -R` syntax (one request per line, as ipvsadm replays it).</summary>
    public static string IpvsadmRules(int services, int destinationsPerService)
    {
        var text = new StringBuilder();
        for (var s = 0; s < services; s++)
        {
            var key = ServiceKey(s);
            text.Append("-A ").Append(key).Append(" -s wlc\n");
            for (var d = 0; d < destinationsPerService; d++)
                text.Append("-a ").Append(key).Append(" -r ").Append(RealServer(s, d, destinationsPerService)).Append(":8080 -m -w 1\n");
        }
        return text.ToString();
    }

    private static IpvsServiceKey ServiceKey(int index) =>
        IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, new IPAddress(new byte[] { 10, 1, (byte)(index >> 8), (byte)index }), 80);

    private static IPAddress RealServer(int service, int destination, int perService)
    {
        var n = service * perService + destination;
        return new IPAddress(new byte[] { 10, (byte)(2 + (n >> 16)), (byte)(n >> 8), (byte)n });
    }
}
