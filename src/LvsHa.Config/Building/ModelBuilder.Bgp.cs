using System.Net;
using LvsHa.Config.Syntax;

namespace LvsHa.Config.Building;

internal sealed partial class ModelBuilder
{
    /// <summary>`bgp { local_as N; router_id A; neighbor A remote_as N; hold_time S; bfd on|off }`.</summary>
    private void BgpBlock(SyntaxStatement block)
    {
        if (_bgp is not null)
            _diagnostics.Error(block.Location, $"duplicate bgp block (first at {_bgp.Location})");
        uint? localAs = null;
        IPAddress? routerId = null;
        var neighbors = new List<BgpNeighbor>();
        var holdTime = BgpSettings.DefaultHoldTime;
        var bfd = false;
        foreach (var s in block.Block!)
        {
            switch (s.Keyword)
            {
                case "local_as":
                    localAs = AsNumber(s, 0, "local_as") ?? localAs;
                    _read.NoMoreThan(s, 1);
                    break;
                case "router_id":
                    if (_read.Arg(s, 0, "an IPv4 address") is { } id)
                    {
                        if (ValueReader.TryParseAddress(id.Text) is { AddressFamily: System.Net.Sockets.AddressFamily.InterNetwork } v4)
                            routerId = v4;
                        else
                            _diagnostics.Error(id.Location, $"invalid router_id '{id.Text}': expected an IPv4 address (BGP's router id is 32 bits)");
                    }
                    _read.NoMoreThan(s, 1);
                    break;
                case "neighbor":
                    if (Neighbor(s) is { } neighbor)
                    {
                        if (neighbors.Find(n => n.Address.Equals(neighbor.Address)) is { } earlier)
                            _diagnostics.Error(s.Location, $"neighbor {neighbor.Address} is written twice (first at {earlier.Location})");
                        else
                            neighbors.Add(neighbor);
                    }
                    break;
                case "hold_time":
                    // RFC 4271: 0 (no keepalives, never used by load balancers) or at least 3 seconds.
                    if (_read.Int(s, 0, 3, 65535, "hold_time") is { } hold)
                        holdTime = TimeSpan.FromSeconds(hold);
                    _read.NoMoreThan(s, 1);
                    break;
                case "bfd":
                    bfd = _read.OnOff(s) ?? bfd;
                    break;
                default:
                    _read.NotSupported(s, "bgp");
                    break;
            }
        }
        if (localAs is null)
            _diagnostics.Error(block.Location, "bgp block needs 'local_as N'");
        if (neighbors.Count == 0)
            _diagnostics.Error(block.Location, "bgp block needs at least one 'neighbor ADDRESS remote_as N'");
        if (localAs is null || neighbors.Count == 0)
            return;
        _bgp = new BgpSettings
        {
            LocalAs = localAs.Value,
            RouterId = routerId,
            Neighbors = neighbors,
            HoldTime = holdTime,
            Bfd = bfd,
            Location = block.Location,
        };
    }

    /// <summary>`neighbor ADDRESS remote_as N`.</summary>
    private BgpNeighbor? Neighbor(SyntaxStatement s)
    {
        var address = _read.Arg(s, 0, "an address") is { } a ? _read.StrictAddress(a, "neighbor address") : null;
        if (s.ArgumentCount < 3 || s.Argument(1).Text != "remote_as")
        {
            _diagnostics.Error(s.Location, "neighbor needs 'neighbor ADDRESS remote_as N'");
            return null;
        }
        var remoteAs = AsNumber(s, 2, "remote_as");
        _read.NoMoreThan(s, 3);
        return address is null || remoteAs is null ? null : new BgpNeighbor(address, remoteAs.Value, s.Location);
    }

    // 4-byte AS numbers (RFC 6793); 0 is reserved.
    private uint? AsNumber(SyntaxStatement s, int index, string what) => (uint?)_read.Integer(s, index, 1, uint.MaxValue, what);
}
