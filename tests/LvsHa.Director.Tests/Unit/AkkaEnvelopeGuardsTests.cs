using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch.SysMsg;
using Akka.Remote.Serialization;
using Akka.Util;
using LvsHa.Director.Hosting;

namespace LvsHa.Director.Tests.Unit;

/// <summary>The director's replacements of Akka.Remote's "akka-misc", "akka-system-msg" and "daemon-create" serializers, in an
/// ActorSystem with the remote provider (whose reference configuration binds Akka's messages to them) and the
/// director's serialization HOCON on top.</summary>
public sealed class AkkaEnvelopeGuardsTests : IDisposable
{
    private static readonly Akka.Configuration.Config Remote = ConfigurationFactory.ParseString("akka.actor.provider = remote\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1\nport = 0 }");

    private readonly ActorSystem _system = ActorSystem.Create("guards", ConfigurationFactory.ParseString(DirectorMessageSerializer.Hocon).WithFallback(Remote));

    public void Dispose() => _system.Dispose();

    [Fact]
    public void Failure_TheStockSerializerBuildsThePeersType_TheGuardRefusesItBothWays()
    {
        var failure = new Status.Failure(new PeerChosenException("chosen by the peer"));

        // The payload is live: under Akka's own settings its serializer builds the exception type the bytes name.
        using var plain = ActorSystem.Create("plain", Remote);
        var stock = new MiscMessageSerializer((ExtendedActorSystem)plain);
        var bytes = stock.ToBinary(failure);
        Assert.IsType<PeerChosenException>(((Status.Failure)stock.FromBinary(bytes, stock.Manifest(failure))).Cause);

        var refused = Assert.Throws<RefusedMessageException>(() => _system.Serialization.Deserialize(bytes, MiscMessageGuard.Id, stock.Manifest(failure)));
        Assert.Equal("Akka.Actor.Status+Failure", refused.TypeName);
        var serializer = _system.Serialization.FindSerializerFor(failure);
        Assert.IsType<MiscMessageGuard>(serializer);
        Assert.Throws<SerializationException>(() => serializer.ToBinary(failure));
    }

    [Fact]
    public void OtherMiscMessages_RoundTripAsUnderAkka()
    {
        foreach (object message in new object[] { new Identify(42), new Status.Success("done"), PoisonPill.Instance })
        {
            var serializer = (Akka.Serialization.SerializerWithStringManifest)_system.Serialization.FindSerializerFor(message);
            Assert.IsType<MiscMessageGuard>(serializer);
            var back = _system.Serialization.Deserialize(serializer.ToBinary(message), MiscMessageGuard.Id, serializer.Manifest(message));
            Assert.Equal(message.GetType(), back.GetType());
        }

        Assert.Equal(42, ((Identify)_system.Serialization.Deserialize(
            _system.Serialization.FindSerializerFor(new Identify(42)).ToBinary(new Identify(42)), MiscMessageGuard.Id, "ID")).MessageId);
    }

    [Fact]
    public void FailedSystemMessage_TheStockSerializerBuildsThePeersType_TheGuardRefusesItBothWays()
    {
        var child = _system.DeadLetters;
        var failed = new Failed(child, new PeerChosenException("chosen by the peer"), 7);

        using var plain = ActorSystem.Create("plain", Remote);
        var stock = new SystemMessageSerializer((ExtendedActorSystem)plain);
        var bytes = stock.ToBinary(failed);
        Assert.IsType<PeerChosenException>(((Failed)stock.FromBinary(bytes, typeof(Failed))).Cause);

        var refused = Assert.Throws<RefusedMessageException>(() => _system.Serialization.Deserialize(bytes, SystemMessageGuard.Id, typeof(Failed).TypeQualifiedName()));
        Assert.Equal(typeof(Failed).FullName, refused.TypeName);
        var serializer = _system.Serialization.FindSerializerFor(failed);
        Assert.IsType<SystemMessageGuard>(serializer);
        Assert.Throws<SerializationException>(() => serializer.ToBinary(failed));
    }

    [Fact]
    public void DeathWatchNotification_RoundTripsAsUnderAkka()
    {
        var notification = new DeathWatchNotification(_system.DeadLetters, existenceConfirmed: true, addressTerminated: false);
        var serializer = _system.Serialization.FindSerializerFor(notification);
        Assert.IsType<SystemMessageGuard>(serializer);

        var back = (DeathWatchNotification)_system.Serialization.Deserialize(serializer.ToBinary(notification), SystemMessageGuard.Id, typeof(DeathWatchNotification).TypeQualifiedName());
        Assert.True(back.ExistenceConfirmed);
        Assert.False(back.AddressTerminated);
    }

    [Fact]
    public void RemoteDeployment_RefusedWhateverTheBytes()
    {
        var refused = Assert.Throws<RefusedMessageException>(() => _system.Serialization.Deserialize([1, 2, 3], RemoteDeploymentRefusal.Id, string.Empty));
        Assert.StartsWith("Akka.Remote.DaemonMsgCreate", refused.TypeName, StringComparison.Ordinal);
    }
}

/// <summary>An exception type a peer names in a failure; Akka builds it through its serialization constructor.</summary>
public sealed class PeerChosenException : Exception
{
    public PeerChosenException()
    {
    }

    public PeerChosenException(string message)
        : base(message)
    {
    }

    public PeerChosenException(string message, Exception inner)
        : base(message, inner)
    {
    }

    // What Akka's exception support calls to build a peer's exception (a code path the peer chose).
#pragma warning disable SYSLIB0051
    private PeerChosenException(SerializationInfo info, StreamingContext context)
        : base(info, context)
    {
    }
#pragma warning restore SYSLIB0051
}
