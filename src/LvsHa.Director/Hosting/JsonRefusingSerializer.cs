using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace LvsHa.Director.Hosting;

/// <summary>
/// Stands in for Akka's default serializer, Newtonsoft JSON with type names (serializer id 1, bound to System.Object):
/// on a director it serializes nothing and deserializes nothing. Akka's stock one instantiates whatever .NET type the
/// payload's "$type"s name (nested ones too), so any peer past the TLS handshake could make this director construct
/// an arbitrary type; replacing the serializer behind id 1 also covers JSON nested in Akka's own envelopes (actor
/// selections, Status.Failure, ActorIdentity), which Akka deserializes by id as well.
/// <para>
/// The allow-list of JSON types is empty on purpose: nothing legitimate travels as JSON between directors. LvsHa's
/// own cluster messages are bound to <see cref="DirectorMessageSerializer"/>; everything Akka.Remote and Akka.Cluster
/// send has a binding of Akka's own (protobuf for cluster gossip and heartbeats, akka-misc, akka-containers,
/// system messages, primitives for strings and integers). Checked by the lab tests: a cluster of directors forms,
/// adverts and fails over with this serializer refusing both ways.
/// </para>
/// <para>
/// Outbound it refuses too, instead of writing JSON that every other director would refuse: a new message type sent
/// to a peer without a binding (forgotten in <see cref="DirectorMessageSerializer.Hocon"/>) then fails at the sender,
/// where Akka's EndpointWriter logs "Serialization failed for message [type]" as an error and drops the message, rather
/// than disappearing at the receivers.
/// </para>
/// Inbound, the refusal is a <see cref="RefusedMessageException"/> (a <see cref="SerializationException"/>, which
/// Akka's EndpointReader logs and drops without touching the association); <see cref="AkkaLogPolicy"/> turns Akka's
/// line into one naming the peer and the type.
/// </summary>
public sealed class JsonRefusingSerializer : SerializerWithStringManifest
{
    /// <summary>The identifier of Akka's JSON serializer, which peers put on JSON payloads.</summary>
    public const int Id = 1;

    // Type names longer than this are cut in the log line.
    private const int MaxTypeName = 200;

    /// <summary>Created by Akka, as its "json" serializer (<see cref="DirectorMessageSerializer.Hocon"/>).</summary>
    public JsonRefusingSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <summary>
    /// Created by Akka when akka.actor.serialization-settings.json exists (Akka's reference.conf has it, for the stock
    /// serializer's string builder pool): nothing there applies to a serializer that writes nothing.
    /// </summary>
    public JsonRefusingSerializer(ExtendedActorSystem system, Akka.Configuration.Config config)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    // Never reached: ToBinary refuses first (Akka.Remote asks for the manifest after the bytes).
    public override string Manifest(object o) => string.Empty;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) =>
        throw new SerializationException(
            $"{obj?.GetType().FullName ?? "null"} has no cluster serializer: directors refuse JSON, bind the type in DirectorMessageSerializer.Hocon");

    /// <summary>
    /// Refuses every payload. A string-manifest serializer on purpose: Akka then hands the peer's manifest over as
    /// text instead of resolving it to a <see cref="Type"/> first (which would load the assembly it names).
    /// </summary>
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        throw new RefusedMessageException(Printable(string.IsNullOrEmpty(manifest) ? TopLevelType(bytes) : manifest));
    }

    /// <summary>
    /// The top-level "$type" of a Newtonsoft payload, for the log only: a token reader that resolves nothing. Newtonsoft
    /// writes "$id" before "$type" when it preserves references, so the whole top-level object is searched.
    /// </summary>
    private static string TopLevelType(byte[] bytes)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return "(JSON without a type name)";
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("$type");
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String)
                    return reader.GetString() ?? string.Empty;
                reader.Skip();
            }

            return "(JSON without a type name)";
        }
        catch (JsonException)
        {
            return "(not JSON)";
        }
    }

    // The peer chose the name: cut to a log line's worth, control characters (a forged line break) shown as '?'.
    private static string Printable(string typeName)
    {
        var cut = typeName.Length <= MaxTypeName ? typeName : typeName[..MaxTypeName] + "...";
        return string.Create(cut.Length, cut, (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
        });
    }
}

/// <summary>A peer's message refused by <see cref="JsonRefusingSerializer"/>, <see cref="MiscMessageGuard"/> or
/// <see cref="RemoteDeploymentRefusal"/>.</summary>
public sealed class RefusedMessageException : SerializationException
{
    /// <summary>Creates the exception for a message naming <paramref name="typeName"/>.</summary>
    public RefusedMessageException(string typeName)
        : base($"refused a message naming {typeName}: directors accept only LvsHa's and Akka's own messages, without JSON, exceptions or remote deployment")
    {
        TypeName = typeName;
    }

    /// <summary>The .NET type the message named (its top-level "$type" or manifest), as the peer wrote it.</summary>
    public string TypeName { get; }
}
