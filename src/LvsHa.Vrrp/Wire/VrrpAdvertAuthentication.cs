using System.Security.Cryptography;

namespace LvsHa.Vrrp.Wire;

/// <summary>The outcome of checking an advert's authentication tag.</summary>
public enum AdvertAuthentication
{
    /// <summary>The tag is the HMAC of the advert under our secret.</summary>
    Valid,

    /// <summary>The advert carries no tag: the sender has no secret configured.</summary>
    Missing,

    /// <summary>The tag does not match: the sender uses another secret (or the advert was altered).</summary>
    Mismatch,
}

/// <summary>Signs adverts with HMAC-SHA256 over the signed prefix, keyed by the cluster's shared secret.</summary>
public static class VrrpAdvertAuthentication
{
    /// <summary>Length of the tag (a full HMAC-SHA256).</summary>
    public const int TagLength = 32;

    /// <summary>Encodes the advert with its tag.</summary>
    public static byte[] Sign(VrrpAdvert advert, ReadOnlySpan<byte> key)
    {
        var unsigned = VrrpAdvertCodec.EncodeUnsigned(advert);
        return VrrpAdvertCodec.Encode(advert, HMACSHA256.HashData(key, unsigned));
    }

    /// <summary>
    /// Decodes the message (throwing <see cref="VrrpFormatException"/> when malformed) and checks its tag in constant
    /// time; the advert is returned whatever the outcome so the caller can log who sent it.
    /// </summary>
    public static AdvertAuthentication Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> key, out VrrpAdvert advert)
    {
        var decoded = VrrpAdvertCodec.Decode(message);
        advert = decoded.Advert;
        if (decoded.AuthTag.Length == 0)
            return AdvertAuthentication.Missing;
        var expected = HMACSHA256.HashData(key, message[..decoded.SignedLength]);
        return CryptographicOperations.FixedTimeEquals(expected, decoded.AuthTag)
            ? AdvertAuthentication.Valid
            : AdvertAuthentication.Mismatch;
    }
}
