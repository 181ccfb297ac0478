using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using LvsHa.Director.Adverts;
using LvsHa.Director.Hosting;
using LvsHa.Director.Membership;
using Xunit;

namespace LvsHa.Director.Tests.Unit;

public sealed class DirectorMessageSerializerTests : IDisposable
{
    // The director's own HOCON, so the test proves Akka picks this serializer for the messages by its bindings.
    private readonly ActorSystem _system = ActorSystem.Create("ser", ConfigurationFactory.ParseString(DirectorMessageSerializer.Hocon));

    public void Dispose() => _system.Dispose();

    public static TheoryData<object> Messages() => new()
    {
        new VrrpAdvertEnvelope("VI_1", 51, "d1", 1_733_000_000_123, 42, 1_733_000_000_456, [0x21, 0x33, 0x96, 0x01, 0xff], new byte[32]),
        new VrrpAdvertEnvelope("", 255, "ünïcode", -1, long.MaxValue, 0, [], []),
        SeedProbe.Instance,
        new SeedProbeReply(true, ["10.0.0.1:2552#5", "10.0.0.2:2552#7"]),
        new SeedProbeReply(false, []),
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void RoundTrip_ThroughAkkasSerialization_EqualAndNoTypeNameOnTheWire(object message)
    {
        var serialization = _system.Serialization;
        var serializer = serialization.FindSerializerFor(message);
        Assert.IsType<DirectorMessageSerializer>(serializer);
        var bytes = serializer.ToBinary(message);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var back = serialization.Deserialize(bytes, DirectorMessageSerializer.Id, manifest);
        if (message is VrrpAdvertEnvelope a)
        {
            var b = Assert.IsType<VrrpAdvertEnvelope>(back);
            Assert.Equal(a with { Payload = [], Mac = [] }, b with { Payload = [], Mac = [] });
            Assert.Equal(a.Payload, b.Payload);
            Assert.Equal(a.Mac, b.Mac);
        }
        else if (message is SeedProbeReply r)
        {
            var s = Assert.IsType<SeedProbeReply>(back);
            Assert.Equal(r.IsMember, s.IsMember);
            Assert.Equal(r.Members, s.Members);
        }
        else
        {
            Assert.Same(message, back);
        }

        Assert.DoesNotContain("LvsHa", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Single(manifest);
    }

    [Fact]
    public void FromBinary_TruncatedOversizedTrailingOrUnknown_RefusedAsSerializationErrors()
    {
        var serializer = (DirectorMessageSerializer)_system.Serialization.FindSerializerForType(typeof(VrrpAdvertEnvelope));
        var advert = serializer.ToBinary(new VrrpAdvertEnvelope("VI_1", 51, "d1", 1, 2, 3, [1, 2, 3], [4, 5]));
        for (var length = 0; length < advert.Length; length++)
            Assert.Throws<SerializationException>(() => serializer.FromBinary(advert[..length], "A"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([.. advert, 0], "A"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(advert, "X"));

        // A length prefix that claims more than any director writes is refused before anything is allocated.
        var hugeInstanceName = new byte[] { 0xff, 0xff, 0xff, 0x07 };
        Assert.Throws<SerializationException>(() => serializer.FromBinary(hugeInstanceName, "A"));
        var manyMembers = new byte[] { 1, 0xff, 0xff, 0xff, 0x7f };
        Assert.Throws<SerializationException>(() => serializer.FromBinary(manyMembers, "R"));
        var badLengthEncoding = new byte[] { 0xff, 0xff, 0xff, 0xff, 0x7f };
        Assert.Throws<SerializationException>(() => serializer.FromBinary(badLengthEncoding, "A"));
    }
}
