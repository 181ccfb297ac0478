using System.Net;
using System.Security.Cryptography;
using LvsHa.Vrrp.Wire;

namespace LvsHa.Vrrp.Tests.Wire;

public class VrrpAdvertAuthenticationTests
{
    private static readonly byte[] Key = "cluster secret"u8.ToArray();

    private static VrrpAdvert Advert() => new(51, 150, 100, IPAddress.Parse("10.0.0.2"), [IPAddress.Parse("192.168.1.100")]);

    [Fact]
    public void Sign_Advert_TagIsHmacSha256OfTheSignedPrefix()
    {
        var message = VrrpAdvertAuthentication.Sign(Advert(), Key);
        var unsigned = VrrpAdvertCodec.EncodeUnsigned(Advert());
        using var hmac = new HMACSHA256(Key);
        Assert.Equal([.. unsigned, 32, .. hmac.ComputeHash(unsigned)], message);
    }

    [Fact]
    public void Verify_SameSecret_IsValid()
    {
        var message = VrrpAdvertAuthentication.Sign(Advert(), Key);
        Assert.Equal(AdvertAuthentication.Valid, VrrpAdvertAuthentication.Verify(message, Key, out var advert));
        Assert.Equal(150, advert.Priority);
    }

    [Fact]
    public void Verify_OtherSecret_IsMismatchAndStillNamesTheSender()
    {
        var message = VrrpAdvertAuthentication.Sign(Advert(), "other secret"u8);
        Assert.Equal(AdvertAuthentication.Mismatch, VrrpAdvertAuthentication.Verify(message, Key, out var advert));
        Assert.Equal(IPAddress.Parse("10.0.0.2"), advert.Sender);
    }

    [Fact]
    public void Verify_AlteredPriority_IsMismatch()
    {
        var message = VrrpAdvertAuthentication.Sign(Advert(), Key);
        message[4] = 255;
        Assert.Equal(AdvertAuthentication.Mismatch, VrrpAdvertAuthentication.Verify(message, Key, out _));
    }

    [Fact]
    public void Verify_Unsigned_IsMissing() =>
        Assert.Equal(AdvertAuthentication.Missing, VrrpAdvertAuthentication.Verify(VrrpAdvertCodec.Encode(Advert(), []), Key, out _));
}
