using System.Buffers.Binary;

namespace LvsHa.Netlink.Core;

/// <summary>Receives one reply message of a request or dump.</summary>
internal delegate void NetlinkReplyHandler(in NetlinkMessage message);

/// <summary>Turns a kernel refusal (positive errno, extended-ack text if any) into the caller's exception.</summary>
internal delegate Exception NetlinkErrorFactory(int errno, string? kernelMessage);

/// <summary>
/// Request/acknowledge, dump and pipelined-batch exchanges over one socket. Sequence numbers tie every answer to
/// its request; answers to older requests (after a timeout) are skipped. Not thread-safe: callers serialise.
/// </summary>
internal sealed class NetlinkConnection : IDisposable
{
    private const int ReceiveBufferLength = 256 * 1024;

    private readonly byte[] _receiveBuffer = new byte[ReceiveBufferLength];
    private readonly NetlinkWriter _writer = new(1024);
    private uint _sequence;

    public NetlinkConnection(NetlinkSocket socket)
    {
        Socket = socket;
        // Start from a time-derived number so a reused port id never matches a previous process's answers.
        _sequence = (uint)Environment.TickCount;
        socket.SetReceiveTimeout(TimeSpan.FromSeconds(30));
        KernelReceiveBuffer = socket.SetReceiveBufferSize(4 * 1024 * 1024);
    }

    public NetlinkSocket Socket { get; }

    /// <summary>What the kernel granted for queued answers: bounds how many acks one batch may produce.</summary>
    public int KernelReceiveBuffer { get; }

    public uint NextSequence()
    {
        _sequence++;
        if (_sequence == 0)
            _sequence = 1;
        return _sequence;
    }

    /// <summary>
    /// Builds a request (NLM_F_ACK) or dump request (NLM_F_DUMP) with the next sequence number, sends it and reads
    /// until its acknowledgement or NLMSG_DONE; every reply message goes to <paramref name="onReply"/>.
    /// </summary>
    public void Request(Action<NetlinkWriter, uint> build, NetlinkReplyHandler? onReply, NetlinkErrorFactory onError)
    {
        _writer.Clear();
        var sequence = NextSequence();
        build(_writer, sequence);
        Request(_writer.WrittenSpan, sequence, onReply, onError);
    }

    /// <summary>Sends a built request and reads its answers, as <see cref="Request(Action{NetlinkWriter, uint}, NetlinkReplyHandler?, NetlinkErrorFactory)"/>.</summary>
    public void Request(ReadOnlySpan<byte> request, uint sequence, NetlinkReplyHandler? onReply, NetlinkErrorFactory onError)
    {
        Socket.Send(request);
        while (true)
        {
            var length = Socket.Receive(_receiveBuffer);
            var reader = new NetlinkMessageReader(_receiveBuffer.AsSpan(0, length));
            while (reader.TryRead(out var message))
            {
                if (message.Sequence != sequence)
                    continue;
                switch (message.Type)
                {
                    case NlMsgType.Done:
                        // Since Linux 4.x NLMSG_DONE carries the dump's final error, if any.
                        var doneError = message.Payload.Length >= 4 ? -BinaryPrimitives.ReadInt32LittleEndian(message.Payload) : 0;
                        if (doneError > 0)
                            throw onError(doneError, null);
                        return;
                    case NlMsgType.Error:
                        var error = ParseError(message);
                        if (error.Errno != 0)
                            throw onError(error.Errno, error.KernelMessage);
                        return;
                    default:
                        if ((message.Flags & NlMsgFlags.DumpInterrupted) != 0)
                            throw new NetlinkException("the table changed during the dump (NLM_F_DUMP_INTR); retry");
                        if (message.Type >= NlMsgType.MinType)
                            onReply?.Invoke(message);
                        break;
                }
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="count"/> requests (numbered from <paramref name="firstSequence"/>, each with NLM_F_ACK) in
    /// one datagram and reads the acknowledgements; <paramref name="onAck"/> gets (index, errno, kernel text) for each.
    /// The kernel processes the messages in order and goes on after a refusal.
    /// </summary>
    public void Batch(ReadOnlySpan<byte> requests, uint firstSequence, int count, Action<int, int, string?> onAck)
    {
        if (count == 0)
            return;
        Socket.Send(requests);
        var pending = count;
        var seen = new bool[count];
        while (pending > 0)
        {
            var length = Socket.Receive(_receiveBuffer);
            var reader = new NetlinkMessageReader(_receiveBuffer.AsSpan(0, length));
            while (reader.TryRead(out var message))
            {
                var index = unchecked((int)(message.Sequence - firstSequence));
                if (message.Type != NlMsgType.Error || index < 0 || index >= count || seen[index])
                    continue;
                var error = ParseError(message);
                seen[index] = true;
                pending--;
                onAck(index, error.Errno, error.KernelMessage);
            }
        }
    }

    public void Dispose() => Socket.Dispose();

    /// <summary>NLMSG_ERROR payload: int error (negative errno, 0 = ack), the request's header, optional echo, optional TLVs.</summary>
    internal static (int Errno, string? KernelMessage) ParseError(in NetlinkMessage message)
    {
        var payload = message.Payload;
        if (payload.Length < 4)
            throw new NetlinkProtocolException($"NLMSG_ERROR with {payload.Length} payload bytes");
        var error = BinaryPrimitives.ReadInt32LittleEndian(payload);
        if (error > 0 || error == int.MinValue)
            throw new NetlinkProtocolException($"NLMSG_ERROR with error {error}");
        string? text = null;
        if ((message.Flags & NlMsgFlags.AckTlvs) != 0 && payload.Length >= 4 + NetlinkAlign.MessageHeaderLength)
        {
            var offset = 4 + NetlinkAlign.MessageHeaderLength;
            if ((message.Flags & NlMsgFlags.Capped) == 0)
            {
                var echoed = BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]);
                offset = echoed >= NetlinkAlign.MessageHeaderLength && echoed <= payload.Length - 4
                    ? 4 + NetlinkAlign.Align((int)echoed)
                    : payload.Length;
            }
            var attributes = new NetlinkAttributeReader(payload[Math.Min(offset, payload.Length)..]);
            while (attributes.TryRead(out var attribute))
            {
                if (attribute.Type == NlAttr.ErrorMessage)
                    text = attribute.String();
            }
        }
        return (-error, string.IsNullOrEmpty(text) ? null : text);
    }
}
