using System.Buffers.Binary;
using System.Text;

namespace LvsHa.Health.Checkers;

/// <summary>The one DNS message DNS_CHECK needs: a single-question query, and the check of its answer.</summary>
public static class DnsQuery
{
    /// <summary>The query types keepalived's DNS_CHECK accepts.</summary>
    public static readonly IReadOnlyDictionary<string, ushort> Types = new Dictionary<string, ushort>(StringComparer.OrdinalIgnoreCase)
    {
        ["A"] = 1, ["NS"] = 2, ["CNAME"] = 5, ["SOA"] = 6, ["MX"] = 15, ["TXT"] = 16, ["AAAA"] = 28,
    };

    /// <summary>Builds a recursion-desired query for one name and type, class IN.</summary>
    /// <exception cref="ArgumentException">Unknown type, or a label longer than 63 bytes or a name over 255.</exception>
    public static byte[] Build(ushort id, string name, string type)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Types.TryGetValue(type, out var qtype)) throw new ArgumentException($"unknown DNS_CHECK type {type}", nameof(type));
        var labels = name.Trim('.').Length == 0 ? [] : name.Trim('.').Split('.');
        var nameLength = 1 + labels.Sum(l => 1 + Encoding.ASCII.GetByteCount(l));
        if (nameLength > 255) throw new ArgumentException($"DNS name {name} longer than 255 bytes", nameof(name));
        var message = new byte[12 + nameLength + 4];
        var span = message.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span, id);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], 0x0100); // RD
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], 1); // QDCOUNT
        var offset = 12;
        foreach (var label in labels)
        {
            var length = Encoding.ASCII.GetBytes(label, span[(offset + 1)..]);
            if (length is 0 or > 63) throw new ArgumentException($"DNS label '{label}' must be 1-63 bytes", nameof(name));
            span[offset] = (byte)length;
            offset += 1 + length;
        }

        span[offset++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(span[offset..], qtype);
        BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 2)..], 1); // IN
        return message;
    }

    /// <summary>Reads a reply's header: whether it answers query <paramref name="id"/> and its rcode. Never throws.</summary>
    public static bool TryReadReply(ReadOnlySpan<byte> reply, ushort id, out int rcode)
    {
        rcode = -1;
        if (reply.Length < 12) return false;
        if (BinaryPrimitives.ReadUInt16BigEndian(reply) != id) return false;
        var flags = BinaryPrimitives.ReadUInt16BigEndian(reply[2..]);
        if ((flags & 0x8000) == 0) return false; // not a response
        rcode = flags & 0x000F;
        return true;
    }
}
