using System.Security.Cryptography;
using LvsHa.Director.Security;

namespace LvsHa.Director.Tests.Unit;

public sealed class AdvertAuthenticatorTests
{
    private static readonly byte[] Key = ClusterSecret.FromString("correct horse battery staple").AdvertKey;
    private readonly ManualTimeProvider _time = new();

    private AdvertAuthenticator Sender(byte[]? key = null) => new(key ?? Key, "d1", _time, TimeSpan.FromSeconds(5));

    private AdvertAuthenticator Receiver() => new(Key, "d2", _time, TimeSpan.FromSeconds(5));

    [Fact]
    public void Verify_SignedBySameSecret_Accepted()
    {
        var envelope = Sender().Sign("VI_1", 51, [1, 2, 3]);
        Assert.Equal(AdvertVerdict.Accepted, Receiver().Verify(envelope));
        Assert.Equal(32, envelope.Mac.Length);
    }

    [Fact]
    public void Verify_SignedWithOtherSecret_BadMac()
    {
        var other = ClusterSecret.FromString("an entirely different secret").AdvertKey;
        Assert.Equal(AdvertVerdict.BadMac, Receiver().Verify(Sender(other).Sign("VI_1", 51, [1, 2, 3])));
    }

    [Fact]
    public void Verify_AnyFieldAltered_BadMac()
    {
        var envelope = Sender().Sign("VI_1", 51, [1, 2, 3]);
        var receiver = Receiver();
        Assert.Equal(AdvertVerdict.BadMac, receiver.Verify(envelope with { Payload = [1, 2, 4] }));
        Assert.Equal(AdvertVerdict.BadMac, receiver.Verify(envelope with { Instance = "VI_2" }));
        Assert.Equal(AdvertVerdict.BadMac, receiver.Verify(envelope with { VirtualRouterId = 52 }));
        Assert.Equal(AdvertVerdict.BadMac, receiver.Verify(envelope with { SenderNode = "d3" }));
        Assert.Equal(AdvertVerdict.BadMac, receiver.Verify(envelope with { Sequence = envelope.Sequence + 1 }));
        Assert.Equal(AdvertVerdict.BadMac, receiver.Verify(envelope with { TimestampUnixMs = envelope.TimestampUnixMs + 1 }));
        Assert.Equal(AdvertVerdict.BadMac, receiver.Verify(envelope with { Mac = [] }));
        Assert.Equal(AdvertVerdict.BadMac, receiver.Verify(envelope with { Mac = RandomNumberGenerator.GetBytes(32) }));
        Assert.Equal(AdvertVerdict.Accepted, receiver.Verify(envelope));
    }

    [Fact]
    public void Verify_SameEnvelopeTwice_SecondIsReplayed()
    {
        var envelope = Sender().Sign("VI_1", 51, [1]);
        var receiver = Receiver();
        Assert.Equal(AdvertVerdict.Accepted, receiver.Verify(envelope));
        Assert.Equal(AdvertVerdict.Replayed, receiver.Verify(envelope));
    }

    [Fact]
    public void Verify_OlderSequenceAfterNewer_Replayed()
    {
        var sender = Sender();
        var first = sender.Sign("VI_1", 51, [1]);
        var second = sender.Sign("VI_1", 51, [2]);
        var receiver = Receiver();
        Assert.Equal(AdvertVerdict.Accepted, receiver.Verify(second));
        Assert.Equal(AdvertVerdict.Replayed, receiver.Verify(first));
    }

    [Fact]
    public void Verify_CaptureOfEarlierRunAfterRestart_Replayed()
    {
        var oldRun = Sender().Sign("VI_1", 51, [1]);
        _time.Advance(TimeSpan.FromSeconds(1));
        var newRun = Sender().Sign("VI_1", 51, [1]);
        var receiver = Receiver();
        Assert.Equal(AdvertVerdict.Accepted, receiver.Verify(newRun));
        Assert.Equal(AdvertVerdict.Replayed, receiver.Verify(oldRun));
    }

    [Fact]
    public void Verify_TimestampOutsideSkew_Stale()
    {
        var envelope = Sender().Sign("VI_1", 51, [1]);
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(AdvertVerdict.Stale, Receiver().Verify(envelope));
    }

    [Fact]
    public void Verify_TimestampFromTheFuture_Stale()
    {
        var envelope = Sender().Sign("VI_1", 51, [1]);
        _time.Advance(TimeSpan.FromSeconds(-6));
        Assert.Equal(AdvertVerdict.Stale, Receiver().Verify(envelope));
    }

    [Fact]
    public void Sign_Sequence_IncreasesPerAdvert()
    {
        var sender = Sender();
        var a = sender.Sign("VI_1", 51, [1]);
        var b = sender.Sign("VI_2", 52, [1]);
        Assert.Equal(a.Incarnation, b.Incarnation);
        Assert.Equal(a.Sequence + 1, b.Sequence);
    }
}
