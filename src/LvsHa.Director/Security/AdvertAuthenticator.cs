using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using LvsHa.Director.Adverts;

namespace LvsHa.Director.Security;

/// <summary>Outcome of checking a received advert.</summary>
public enum AdvertVerdict
{
    /// <summary>Authentic and new.</summary>
    Accepted,

    /// <summary>The HMAC does not match: the sender has another secret, or the envelope was altered.</summary>
    BadMac,

    /// <summary>Timestamp outside the accepted window (old capture, or a clock far off).</summary>
    Stale,

    /// <summary>Sequence not above the last one accepted from that sender incarnation (a replay).</summary>
    Replayed,

    /// <summary>Authentic, but its payload is no VRRP advert of this router (a director of another version).</summary>
    Malformed,
}

/// <summary>
/// Signs outgoing adverts and checks incoming ones: HMAC-SHA256 under a key derived from the cluster secret over
/// every field, a per-sender strictly increasing (incarnation, sequence) pair against replay within a run, and a
/// timestamp window against replay of captures from earlier runs. Not thread-safe: one per actor.
/// </summary>
public sealed class AdvertAuthenticator
{
    private const int MacLength = 32;
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("LVSHA-ADVERT-1");

    private readonly byte[] _key;
    private readonly string _senderNode;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxSkew;
    private readonly long _incarnation;
    private readonly Dictionary<string, (long Incarnation, long Sequence)> _lastAccepted = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>Creates the authenticator of director <paramref name="senderNode"/>.</summary>
    /// <param name="key">HMAC key (<see cref="ClusterSecret.AdvertKey"/>).</param>
    /// <param name="senderNode">This director's unique name in adverts (its cluster address).</param>
    /// <param name="time">Clock (fake in tests).</param>
    /// <param name="maxSkew">Largest accepted difference between a timestamp and the local clock.</param>
    public AdvertAuthenticator(byte[] key, string senderNode, TimeProvider time, TimeSpan maxSkew)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(time);
        _key = key;
        _senderNode = senderNode;
        _time = time;
        _maxSkew = maxSkew;

        // Wall-clock start time in ms: a restarted sender gets a larger incarnation, so receivers need no state
        // across its restarts to reject the old run's sequence numbers.
        _incarnation = time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    /// <summary>A signed envelope carrying <paramref name="payload"/> for instance <paramref name="instance"/>.</summary>
    public VrrpAdvertEnvelope Sign(string instance, int virtualRouterId, byte[] payload)
    {
        var unsigned = new VrrpAdvertEnvelope(
            instance, virtualRouterId, _senderNode, _incarnation, ++_sequence, _time.GetUtcNow().ToUnixTimeMilliseconds(), payload, []);
        return unsigned with { Mac = ComputeMac(unsigned) };
    }

    /// <summary>Checks <paramref name="envelope"/>; only <see cref="AdvertVerdict.Accepted"/> ones may be acted on.</summary>
    public AdvertVerdict Verify(VrrpAdvertEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Mac is null || envelope.Mac.Length != MacLength
            || !CryptographicOperations.FixedTimeEquals(envelope.Mac, ComputeMac(envelope)))
        {
            return AdvertVerdict.BadMac;
        }

        var age = _time.GetUtcNow().ToUnixTimeMilliseconds() - envelope.TimestampUnixMs;
        if (Math.Abs(age) > _maxSkew.TotalMilliseconds)
        {
            return AdvertVerdict.Stale;
        }

        if (_lastAccepted.TryGetValue(envelope.SenderNode, out var last)
            && (envelope.Incarnation < last.Incarnation
                || (envelope.Incarnation == last.Incarnation && envelope.Sequence <= last.Sequence)))
        {
            return AdvertVerdict.Replayed;
        }

        _lastAccepted[envelope.SenderNode] = (envelope.Incarnation, envelope.Sequence);
        return AdvertVerdict.Accepted;
    }

    private byte[] ComputeMac(VrrpAdvertEnvelope e)
    {
        var instance = Encoding.UTF8.GetBytes(e.Instance ?? string.Empty);
        var sender = Encoding.UTF8.GetBytes(e.SenderNode ?? string.Empty);
        var payload = e.Payload ?? [];

        // Length-prefixed fields so no two envelopes share an encoding.
        var buffer = new byte[Domain.Length + 4 + 4 + instance.Length + 4 + sender.Length + 24 + 4 + payload.Length];
        var span = buffer.AsSpan();
        Domain.CopyTo(span);
        span = span[Domain.Length..];
        BinaryPrimitives.WriteInt32BigEndian(span, e.VirtualRouterId);
        span = WriteBlock(span[4..], instance);
        span = WriteBlock(span, sender);
        BinaryPrimitives.WriteInt64BigEndian(span, e.Incarnation);
        BinaryPrimitives.WriteInt64BigEndian(span[8..], e.Sequence);
        BinaryPrimitives.WriteInt64BigEndian(span[16..], e.TimestampUnixMs);
        WriteBlock(span[24..], payload);
        return HMACSHA256.HashData(_key, buffer);
    }

    private static Span<byte> WriteBlock(Span<byte> span, ReadOnlySpan<byte> block)
    {
        BinaryPrimitives.WriteInt32BigEndian(span, block.Length);
        block.CopyTo(span[4..]);
        return span[(4 + block.Length)..];
    }
}
