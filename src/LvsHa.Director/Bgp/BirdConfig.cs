using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LvsHa.Config;

namespace LvsHa.Director.Bgp;

/// <summary>
/// The BIRD 2 configuration that announces exactly <c>announced</c> to the bgp block's neighbors. Each change is a new
/// file and a `configure`: BIRD compares it with the running one and sends only the routes that changed, keeping the
/// sessions up. The routes are blackhole statics, never installed in this director's kernel (there is no kernel
/// protocol); only BGP exports them, with this director as next hop, and imports nothing.
/// </summary>
public static class BirdConfig
{
    /// <summary>The static protocol holding the IPv4 VIPs (the export filters name it).</summary>
    public const string Vips4 = "lvsha_vips4";

    /// <summary>The static protocol holding the IPv6 VIPs.</summary>
    public const string Vips6 = "lvsha_vips6";

    /// <summary>The BGP protocol's name for <paramref name="neighbor"/> (how `birdc show protocols` lists it).</summary>
    public static string ProtocolName(BgpNeighbor neighbor)
    {
        ArgumentNullException.ThrowIfNull(neighbor);
        var text = neighbor.Address.ToString().Replace('.', '_').Replace(':', '_');
        return $"lvsha_n_{text}";
    }

    /// <summary>
    /// The sessions in a `show protocols` reply: for each neighbor of <paramref name="bgp"/>, BIRD's protocol state
    /// and BGP state ("up Established", "start Active"), or "unknown" when the reply does not list it.
    /// </summary>
    public static IEnumerable<BgpSessionStatus> Sessions(BgpSettings bgp, IEnumerable<string> reply)
    {
        ArgumentNullException.ThrowIfNull(bgp);
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in reply)
        {
            // "1002-name  BGP  ---  up  08:50:02.690  Established" or " name ..." (a continuation of the same code).
            var body = line.Length > 5 && char.IsAsciiDigit(line[0]) ? line[5..] : line;
            var words = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 4 && words[1] == "BGP")
                states[words[0]] = words.Length >= 6 ? $"{words[3]} {words[5]}" : words[3];
        }
        return bgp.Neighbors.Select(n => new BgpSessionStatus(n.Address.ToString(), states.GetValueOrDefault(ProtocolName(n), "unknown")));
    }

    /// <summary>The whole file.</summary>
    public static string Render(BgpSettings bgp, IEnumerable<IPAddress> announced)
    {
        ArgumentNullException.ThrowIfNull(bgp);
        ArgumentNullException.ThrowIfNull(announced);
        var routes = BgpAnnouncements.InRouteOrder(announced).ToList();
        var text = new StringBuilder();
        text.Append("# Written by lvsha from the bgp block of its configuration; rewritten at each change.\n");
        if (bgp.RouterId is { } id)
            text.Append(CultureInfo.InvariantCulture, $"router id {id};\n");
        text.Append("log stderr { warning, error, fatal, bug };\n");
        // BGP sessions over directly connected links need the interface list.
        text.Append("protocol device { }\n");
        Static(text, Vips4, "ipv4", routes.Where(a => a.AddressFamily == AddressFamily.InterNetwork));
        Static(text, Vips6, "ipv6", routes.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6));
        if (bgp.Bfd)
            text.Append("protocol bfd { }\n");
        foreach (var neighbor in bgp.Neighbors)
        {
            var v6 = neighbor.Address.AddressFamily == AddressFamily.InterNetworkV6;
            text.Append(CultureInfo.InvariantCulture, $"protocol bgp {ProtocolName(neighbor)} {{\n");
            text.Append(CultureInfo.InvariantCulture, $"    local as {bgp.LocalAs};\n");
            text.Append(CultureInfo.InvariantCulture, $"    neighbor {neighbor.Address} as {neighbor.RemoteAs};\n");
            text.Append(CultureInfo.InvariantCulture, $"    hold time {(int)bgp.HoldTime.TotalSeconds};\n");
            text.Append(CultureInfo.InvariantCulture, $"    keepalive time {Math.Max(1, (int)bgp.HoldTime.TotalSeconds / 3)};\n");
            // Retry a refused or lost session within seconds, not BIRD's 120 s: a router that restarts must hear
            // this director's VIPs again at once.
            text.Append("    connect retry time 2;\n    error wait time 1, 10;\n");
            if (bgp.Bfd)
                text.Append("    bfd on;\n");
            text.Append(CultureInfo.InvariantCulture, $"    {(v6 ? "ipv6" : "ipv4")} {{ import none; export where proto = \"{(v6 ? Vips6 : Vips4)}\"; next hop self; }};\n");
            text.Append("}\n");
        }
        return text.ToString();
    }

    private static void Static(StringBuilder text, string name, string channel, IEnumerable<IPAddress> routes)
    {
        text.Append(CultureInfo.InvariantCulture, $"protocol static {name} {{\n    {channel};\n");
        foreach (var vip in routes)
            text.Append(CultureInfo.InvariantCulture, $"    route {BgpAnnouncements.Prefix(vip)} blackhole;\n");
        text.Append("}\n");
    }
}
