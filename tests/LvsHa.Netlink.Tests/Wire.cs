using System.Buffers.Binary;

namespace LvsHa.Netlink.Tests;

/// <summary>Builds kernel-like replies for decoder tests: a correct nlmsghdr in front of hand-written payload hex.</summary>
internal static class Wire
{
    public static byte[] Message(ushort type, string payloadHex, ushort flags = 0, uint sequence = 1)
    {
        var payload = Hex.Parse(payloadHex);
        var message = new byte[16 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        payload.CopyTo(message, 16);
        return message;
    }
}
