using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Dispatch.SysMsg;
using Akka.Remote.Serialization;
using Akka.Serialization;

namespace LvsHa.Director.Hosting;

/// <summary>
/// Stands in for Akka.Remote's "akka-misc" serializer (id 16: Identify, ActorIdentity, remote watch heartbeats,
/// PoisonPill, Status.Success, router and deployment settings): the same serializer, except for
/// <see cref="Status.Failure"/>, which it refuses both ways. Akka writes a failure's exception with its .NET type name
/// and the receiver resolves that name and builds the type through its serialization constructor, so any peer past
/// the TLS handshake could make this director load a type of its choosing and run that constructor. Directors never send each other a failure
/// (their asks answer with LvsHa's own messages), so refusing costs nothing: an ask answered by a remote failure times
/// out at the asker instead.
/// </summary>
public sealed class MiscMessageGuard : SerializerWithStringManifest
{
    /// <summary>Akka.Remote's id for its "akka-misc" serializer.</summary>
    public const int Id = 16;

    // MiscMessageSerializer's manifest of Status.Failure.
    private const string FailureManifest = "STF";

    private readonly MiscMessageSerializer akka;

    /// <summary>Created by Akka, as its "akka-misc" serializer (<see cref="DirectorMessageSerializer.Hocon"/>).</summary>
    public MiscMessageGuard(ExtendedActorSystem system)
        : base(system)
    {
        akka = new MiscMessageSerializer(system);
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override string Manifest(object o) => akka.Manifest(o);

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => obj is Status.Failure failure
        ? throw new SerializationException($"a failure ({failure.Cause?.GetType().Name}) is not sent to other directors: they refuse exceptions")
        : akka.ToBinary(obj);

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest) => manifest == FailureManifest
        ? throw new RefusedMessageException(typeof(Status.Failure).FullName!)
        : akka.FromBinary(bytes, manifest);
}

/// <summary>
/// Stands in for Akka.Remote's "daemon-create" serializer (id 3): remote deployment, where a peer asks this director
/// to create an actor of a .NET type it names, with arguments it chooses. LvsHa deploys nothing remotely, so both
/// ways are refused.
/// </summary>
public sealed class RemoteDeploymentRefusal : Serializer
{
    /// <summary>Akka.Remote's id for its "daemon-create" serializer.</summary>
    public const int Id = 3;

    /// <summary>Created by Akka, as its "daemon-create" serializer (<see cref="DirectorMessageSerializer.Hocon"/>).</summary>
    public RemoteDeploymentRefusal(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override bool IncludeManifest => false;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) =>
        throw new SerializationException("directors deploy no actors on each other");

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, Type type) =>
        throw new RefusedMessageException("Akka.Remote.DaemonMsgCreate (remote deployment)");
}

/// <summary>
/// Stands in for Akka.Remote's "akka-system-msg" serializer (id 22): the same serializer for the system messages
/// that remote death watch sends between directors (<see cref="Watch"/>, <see cref="Unwatch"/>,
/// <see cref="DeathWatchNotification"/>), and a refusal both ways for the others. Those others (Failed, Create,
/// Recreate, Resume, Supervise, Suspend, Terminate) only cross the wire to and from remotely deployed actors, which
/// LvsHa has none of, and four of them carry an exception that the receiver builds from a .NET type name the peer
/// writes, as <see cref="MiscMessageGuard"/> describes.
/// </summary>
public sealed class SystemMessageGuard : Serializer
{
    /// <summary>Akka.Remote's id for its "akka-system-msg" serializer.</summary>
    public const int Id = 22;

    private readonly SystemMessageSerializer akka;

    /// <summary>Created by Akka, as its "akka-system-msg" serializer (<see cref="DirectorMessageSerializer.Hocon"/>).</summary>
    public SystemMessageGuard(ExtendedActorSystem system)
        : base(system)
    {
        akka = new SystemMessageSerializer(system);
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override bool IncludeManifest => akka.IncludeManifest;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => IsDeathWatch(obj.GetType())
        ? akka.ToBinary(obj)
        : throw new SerializationException($"the system message {obj.GetType().Name} is not sent to other directors: they deploy no actors on each other");

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, Type type) => type is not null && IsDeathWatch(type)
        ? akka.FromBinary(bytes, type)
        : throw new RefusedMessageException(type?.FullName ?? "a system message without a type");

    private static bool IsDeathWatch(Type type) =>
        type == typeof(Watch) || type == typeof(Unwatch) || type == typeof(DeathWatchNotification);
}
