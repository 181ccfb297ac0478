using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using LvsHa.Netlink.Core;
using LvsHa.Netlink.Ipvs;
using LvsHa.Netlink.Route;

namespace LvsHa.Netlink.Tests.Core;

// Seeded mutation fuzzing of every decoder: whatever the bytes, a decoder returns or throws NetlinkProtocolException,
// and finishes (a watchdog catches an endless loop).
public class DecoderFuzzTests
{
    private const int Iterations = 30_000;

    private static readonly IpvsServiceKey TcpKey = IpvsServiceKey.ForAddress(IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80);

    private static List<byte[]> Corpus()
    {
        var corpus = new List<byte[]>();
        var writer = new NetlinkWriter();
        void Add(Action<NetlinkWriter> build)
        {
            writer.Clear();
            build(writer);
            corpus.Add(writer.WrittenSpan.ToArray());
        }
        var service6 = new IpvsService(IpvsServiceKey.ForAddress(IpvsProtocol.Udp, IPAddress.Parse("fd00::1"), 53), "sh", IpvsServiceFlags.Persistent, 300, 64, "sip");
        Add(w => IpvsMessages.WriteOperation(w, 0x23, 1, new IpvsOperation.AddService(new IpvsService(TcpKey, "wlc"))));
        Add(w => IpvsMessages.WriteOperation(w, 0x23, 1, new IpvsOperation.UpdateService(service6)));
        Add(w => IpvsMessages.WriteOperation(w, 0x23, 1, new IpvsOperation.AddDestination(
            new IpvsDestination(TcpKey, IPAddress.Parse("10.0.1.5"), 80, IpvsForwarding.Tunnel, 3, 1, 2, new IpvsTunnel(IpvsTunnelType.Gue, 6080, IpvsTunnelFlags.Checksum)))));
        Add(w => IpvsMessages.WriteNewDaemon(w, 0x23, 1, new IpvsSyncDaemon(IpvsSyncDaemonRole.Backup, "eth0", 5, 1472, 8848, 2, IPAddress.Parse("239.1.2.3"))));
        Add(w => IpvsMessages.WriteSetTimeouts(w, 0x23, 1, new IpvsTimeouts(1, 2, 3)));
        Add(w => RouteMessages.WriteAddAddress(w, 1, new InterfaceAddress(3, IPAddress.Parse("192.168.1.10"), 24, "eth0:1", Broadcast: IPAddress.Parse("192.168.1.255"))));
        Add(w => GenericNetlink.WriteGetFamily(w, 1, "IPVS"));
        corpus.Add(Wire.Message(0x23, "01 01 0000 | 9400 0100 | 0600 0100 0200 0000 | 0600 0200 0600 0000 | " +
            "1400 0300 0a000001 00000000 00000000 00000000 | 0600 0400 0050 0000 | 0800 0600 776c6300 | 0c00 0700 03000000 ffffffff | " +
            "0800 0800 68010000 | 0800 0900 ffffff00 | 1800 0a00 0800 0100 05000000 0c00 0400 e803000000000000 | " +
            "2800 0c00 0c00 0100 0500000000000000 0c00 0400 00e40b5402000000 0c00 0600 0300000000000000"));
        corpus.Add(Wire.Message(0x23, "0e 01 0000 | 0800 0100 01020100 | 0800 0200 00100000"));
        corpus.Add(Wire.Message(0x10, "01 02 0000 | 0900 0200 49505653 00 000000 | 0600 0100 2300 0000 | 0800 0300 01000000"));
        corpus.Add(Wire.Message(2, "efffffff | 14000000 2300 0500 07000000 00000000 | 0800 0100 62616400", flags: 0x300));
        corpus.Add(Wire.Message(16, "00 00 0100 04000000 43110100 00000000 | 0900 0300 65746831 00 000000 | 0800 0400 28230000 | " +
            "0500 1000 06 000000 | 0500 2100 01 000000 | 0a00 0100 020000000001 0000"));
        corpus.Add(Wire.Message(21, "0a 40 02 00 02000000 | 1400 0100 fd000000 00000000 00000000 00000009 | 0800 0800 82020000"));
        // A batch of two messages in one datagram.
        corpus.Add([.. corpus[^1], .. corpus[^2]]);
        return corpus;
    }

    /// <summary>Runs every decoder over every message of the datagram, as the client would meet it.</summary>
    private static int DecodeEverything(byte[] datagram)
    {
        var decoded = 0;
        var reader = new NetlinkMessageReader(datagram);
        while (true)
        {
            NetlinkMessage message;
            try
            {
                if (!reader.TryRead(out message))
                    break;
            }
            catch (NetlinkProtocolException)
            {
                break;
            }
            decoded += Try(message, (in NetlinkMessage m) => IpvsMessages.ParseService(m));
            decoded += Try(message, (in NetlinkMessage m) => IpvsMessages.ParseDestination(m, TcpKey));
            decoded += Try(message, (in NetlinkMessage m) => IpvsMessages.ParseInfo(m));
            decoded += Try(message, (in NetlinkMessage m) => IpvsMessages.ParseTimeouts(m));
            decoded += Try(message, (in NetlinkMessage m) => IpvsMessages.ParseDaemon(m));
            decoded += Try(message, (in NetlinkMessage m) => GenericNetlink.ParseFamily(m));
            decoded += Try(message, (in NetlinkMessage m) => NetlinkConnection.ParseError(m));
            decoded += Try(message, (in NetlinkMessage m) => RouteMessages.ParseAddress(m));
            decoded += Try(message, (in NetlinkMessage m) => RouteMessages.ParseLink(m));
        }
        try
        {
            LinkMonitor.Decode(datagram, []);
        }
        catch (NetlinkProtocolException)
        {
            // The only failure a decoder may report.
        }
        return decoded;
    }

    private delegate object? Decoder(in NetlinkMessage message);

    private static int Try(in NetlinkMessage message, Decoder decoder)
    {
        try
        {
            decoder(message);
            return 1;
        }
        catch (NetlinkProtocolException)
        {
            return 0;
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToArray();
        var mutations = random.Next(1, 4);
        for (var i = 0; i < mutations && bytes.Length > 0; i++)
        {
            switch (random.Next(7))
            {
                case 0: // truncate
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                case 1: // flip a byte
                    bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                    break;
                case 2: // lying 16-bit length at an attribute-ish offset
                    {
                        var at = random.Next(bytes.Length / 4) * 4;
                        if (at + 2 <= bytes.Length)
                            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), (ushort)random.Next(0, 70000));
                        break;
                    }
                case 3: // lying message length
                    if (bytes.Length >= 4)
                        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)random.Next(0, bytes.Length + 64));
                    break;
                case 4: // zero-length attribute header spliced in
                    {
                        var at = Math.Min(bytes.Length, 20 + random.Next(bytes.Length / 4) * 4);
                        bytes = [.. bytes[..at], 0, 0, (byte)random.Next(256), 0, .. bytes[at..]];
                        break;
                    }
                case 5: // random garbage tail
                    bytes = [.. bytes, .. Enumerable.Range(0, random.Next(1, 40)).Select(_ => (byte)random.Next(256))];
                    break;
                default: // nested garbage: overwrite a stretch with random bytes
                    {
                        var at = random.Next(bytes.Length);
                        var length = Math.Min(bytes.Length - at, random.Next(1, 24));
                        random.NextBytes(bytes.AsSpan(at, length));
                        break;
                    }
            }
        }
        return bytes;
    }

    [Fact]
    public void Corpus_Unmutated_DecodesWithoutError()
    {
        foreach (var datagram in Corpus())
            Assert.True(DecodeEverything(datagram) > 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Decoders_MutatedInput_OnlyProtocolErrorsAndAlwaysFinish(int seed)
    {
        var corpus = Corpus();
        var work = Task.Run(() =>
        {
            var random = new Random(seed);
            for (var i = 0; i < Iterations; i++)
                DecodeEverything(Mutate(corpus[random.Next(corpus.Count)], random));
        });
        var finished = await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.Same(work, finished);
        await work; // rethrows anything but NetlinkProtocolException
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(15)]
    public void MessageReader_ShortOrZeroLengthHeader_IsProtocolErrorNotLoop(int length)
    {
        var datagram = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(datagram, (uint)length);
        Assert.Throws<NetlinkProtocolException>(() =>
        {
            var reader = new NetlinkMessageReader(datagram);
            while (reader.TryRead(out _))
            {
            }
        });
    }

    [Fact]
    public void AttributeReader_ZeroLengthAttribute_IsProtocolErrorNotLoop()
    {
        var bytes = new byte[16];
        Assert.Throws<NetlinkProtocolException>(() =>
        {
            var reader = new NetlinkAttributeReader(bytes);
            while (reader.TryRead(out _))
            {
            }
        });
    }

    [Fact]
    public void AttributeReader_TrailingBytesShorterThanHeader_AreIgnoredLikeTheKernel()
    {
        var reader = new NetlinkAttributeReader(Hex.Parse("0500 0100 07 000000 | 0000"));
        Assert.True(reader.TryRead(out var attribute));
        Assert.Equal(7, attribute.U8());
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public void Attribute_WrongValueSize_IsProtocolError()
    {
        var reader = new NetlinkAttributeReader(Hex.Parse("0600 0100 0700 0000"));
        Assert.True(reader.TryRead(out var attribute));
        var size = attribute.Value.Length;
        Assert.Equal(2, size);
        Assert.Throws<NetlinkProtocolException>(() =>
        {
            var again = new NetlinkAttributeReader(Hex.Parse("0600 0100 0700 0000"));
            again.TryRead(out var a);
            return a.U32();
        });
    }
}
