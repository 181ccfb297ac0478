using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace LvsHa.Netlink.Core;

/// <summary>
/// Builds netlink messages into one growing buffer, several messages back to back (a pipelined batch). Headers
/// and attribute values in host order; callers put network-order values (ports, IPv4 masks) with the Be helpers.
/// </summary>
internal sealed class NetlinkWriter
{
    private byte[] _buffer;
    private int _length;

    public NetlinkWriter(int initialCapacity = 4096)
    {
        _buffer = new byte[Math.Max(initialCapacity, 64)];
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    /// <summary>Starts a message; returns its offset for <see cref="EndMessage"/>.</summary>
    public int BeginMessage(ushort type, ushort flags, uint sequence)
    {
        var start = _length;
        var header = Reserve(NetlinkAlign.MessageHeaderLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        return start;
    }

    /// <summary>Patches the message length (which includes no trailing padding, as the kernel writes it).</summary>
    public void EndMessage(int start)
    {
        var length = _length - start;
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(start), (uint)length);
        Pad();
    }

    public void WriteGenericHeader(byte command, byte version)
    {
        var header = Reserve(NetlinkAlign.GenlHeaderLength);
        header[0] = command;
        header[1] = version;
        header[2] = 0;
        header[3] = 0;
    }

    /// <summary>A fixed family header (ifaddrmsg, ifinfomsg) given as raw bytes, padded to alignment.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        Pad();
    }

    public void PutU8(ushort type, byte value) => PutAttribute(type, 1)[0] = value;

    public void PutU16(ushort type, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(PutAttribute(type, 2), value);

    public void PutBe16(ushort type, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(PutAttribute(type, 2), value);

    public void PutU32(ushort type, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(PutAttribute(type, 4), value);

    public void PutBe32(ushort type, uint value) => BinaryPrimitives.WriteUInt32BigEndian(PutAttribute(type, 4), value);

    public void PutBytes(ushort type, ReadOnlySpan<byte> value) => value.CopyTo(PutAttribute(type, value.Length));

    /// <summary>The address bytes, optionally zero-padded to <paramref name="size"/> (union nf_inet_addr is 16 bytes).</summary>
    public void PutAddress(ushort type, IPAddress address, int size = 0)
    {
        var bytes = address.GetAddressBytes();
        var value = PutAttribute(type, Math.Max(size, bytes.Length));
        value.Clear();
        bytes.CopyTo(value);
    }

    /// <summary>A NUL-terminated string (NLA_NUL_STRING / NLA_STRING as iproute2 and libnl send it).</summary>
    public void PutString(ushort type, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var span = PutAttribute(type, length + 1);
        Encoding.UTF8.GetBytes(value, span);
        span[length] = 0;
    }

    /// <summary>Starts a nested attribute; <paramref name="flagNested"/> sets NLA_F_NESTED (strict rtnetlink wants it, libnl-era families do not).</summary>
    public int BeginNested(ushort type, bool flagNested = false)
    {
        var start = _length;
        var header = Reserve(NlAttr.HeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], flagNested ? (ushort)(type | NlAttr.Nested) : type);
        return start;
    }

    public void EndNested(int start)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), checked((ushort)(_length - start)));
    }

    private Span<byte> PutAttribute(ushort type, int valueLength)
    {
        var total = NlAttr.HeaderLength + valueLength;
        var span = Reserve(NetlinkAlign.Align(total));
        BinaryPrimitives.WriteUInt16LittleEndian(span, checked((ushort)total));
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], type);
        span[total..].Clear();
        return span.Slice(NlAttr.HeaderLength, valueLength);
    }

    private void Pad()
    {
        var aligned = NetlinkAlign.Align(_length);
        Reserve(aligned - _length).Clear();
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
