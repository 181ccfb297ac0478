using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace LvsHa.Netlink.Core;

/// <summary>One decoded netlink message: header fields and the payload after the 16-byte header.</summary>
internal readonly ref struct NetlinkMessage
{
    public NetlinkMessage(ushort type, ushort flags, uint sequence, uint portId, ReadOnlySpan<byte> payload)
    {
        Type = type;
        Flags = flags;
        Sequence = sequence;
        PortId = portId;
        Payload = payload;
    }

    public ushort Type { get; }
    public ushort Flags { get; }
    public uint Sequence { get; }
    public uint PortId { get; }
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Attributes after a fixed family header of <paramref name="headerLength"/> bytes.</summary>
    public NetlinkAttributeReader Attributes(int headerLength)
    {
        if (Payload.Length < headerLength)
            throw new NetlinkProtocolException($"message type {Type} has {Payload.Length} payload bytes, its header needs {headerLength}");
        return new NetlinkAttributeReader(Payload[NetlinkAlign.Align(headerLength)..]);
    }
}

/// <summary>Walks the messages of one datagram; every length is checked against what is really there.</summary>
internal ref struct NetlinkMessageReader
{
    private ReadOnlySpan<byte> _rest;

    public NetlinkMessageReader(ReadOnlySpan<byte> datagram)
    {
        _rest = datagram;
    }

    public bool TryRead(out NetlinkMessage message)
    {
        message = default;
        if (_rest.IsEmpty)
            return false;
        if (_rest.Length < NetlinkAlign.MessageHeaderLength)
            throw new NetlinkProtocolException($"{_rest.Length} bytes left, too short for a message header");
        var length = BinaryPrimitives.ReadUInt32LittleEndian(_rest);
        if (length < NetlinkAlign.MessageHeaderLength || length > (uint)_rest.Length)
            throw new NetlinkProtocolException($"message length {length} with {_rest.Length} bytes available");
        var total = (int)length;
        message = new NetlinkMessage(
            BinaryPrimitives.ReadUInt16LittleEndian(_rest[4..]),
            BinaryPrimitives.ReadUInt16LittleEndian(_rest[6..]),
            BinaryPrimitives.ReadUInt32LittleEndian(_rest[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(_rest[12..]),
            _rest[NetlinkAlign.MessageHeaderLength..total]);
        // total >= 16, so every step advances: no endless loop on any input.
        _rest = _rest[Math.Min(NetlinkAlign.Align(total), _rest.Length)..];
        return true;
    }
}

/// <summary>One attribute: its type (flags stripped), whether NLA_F_NESTED was set, and its value bytes.</summary>
internal readonly ref struct NetlinkAttribute
{
    public NetlinkAttribute(ushort type, bool nestedFlag, ReadOnlySpan<byte> value)
    {
        Type = type;
        NestedFlag = nestedFlag;
        Value = value;
    }

    public ushort Type { get; }
    public bool NestedFlag { get; }
    public ReadOnlySpan<byte> Value { get; }

    public NetlinkAttributeReader Nested() => new(Value);

    public byte U8() => Fixed(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Fixed(2));

    public ushort Be16() => BinaryPrimitives.ReadUInt16BigEndian(Fixed(2));

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Fixed(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Fixed(8));

    /// <summary>A string up to its first NUL (or the whole value when there is none).</summary>
    public string String()
    {
        var end = Value.IndexOf((byte)0);
        var bytes = end >= 0 ? Value[..end] : Value;
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>An address of the given family: 4 or 16 bytes, or a 16-byte nf_inet_addr union for IPv4.</summary>
    public IPAddress Address(System.Net.Sockets.AddressFamily family)
    {
        var size = family == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 16 : 4;
        if (Value.Length < size)
            throw new NetlinkProtocolException($"attribute {Type}: {Value.Length} bytes for a {size}-byte address");
        return new IPAddress(Value[..size]);
    }

    private ReadOnlySpan<byte> Fixed(int size)
    {
        if (Value.Length < size)
            throw new NetlinkProtocolException($"attribute {Type}: {Value.Length} bytes where {size} are needed");
        return Value[..size];
    }
}

/// <summary>Walks a run of attributes; unknown types are the caller's to skip, bad lengths are errors.</summary>
internal ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _rest;

    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes)
    {
        _rest = attributes;
    }

    public bool TryRead(out NetlinkAttribute attribute)
    {
        attribute = default;
        // Fewer bytes than an attribute header are trailing padding, as the kernel's nla_ok() treats them.
        if (_rest.Length < NlAttr.HeaderLength)
            return false;
        var length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        var rawType = BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]);
        if (length < NlAttr.HeaderLength || length > _rest.Length)
            throw new NetlinkProtocolException($"attribute type {rawType & NlAttr.TypeMask} length {length} with {_rest.Length} bytes available");
        attribute = new NetlinkAttribute((ushort)(rawType & NlAttr.TypeMask), (rawType & NlAttr.Nested) != 0, _rest[NlAttr.HeaderLength..length]);
        // length >= 4: every step advances.
        _rest = _rest[Math.Min(NetlinkAlign.Align(length), _rest.Length)..];
        return true;
    }
}
