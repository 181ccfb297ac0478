using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using LvsHa.Director.Hosting;
using LvsHa.Director.Tests.Lab;

namespace LvsHa.Director.Tests.Unit;

public sealed class JsonRefusingSerializerTests : IDisposable
{
    private const string Process =
        """{"$id":"1","$type":"System.Diagnostics.Process, System.Diagnostics.Process","StartInfo":{"$type":"System.Diagnostics.ProcessStartInfo, System.Diagnostics.Process","FileName":"/bin/sh"}}""";

    // The director's own serialization HOCON: serializer id 1 is whatever it puts there.
    private readonly ActorSystem _system = ActorSystem.Create("json", ConfigurationFactory.ParseString(DirectorMessageSerializer.Hocon));
    private readonly string _mark = Path.Combine(Path.GetTempPath(), $"lvsha-gadget-{Guid.NewGuid():N}");

    public void Dispose()
    {
        _system.Dispose();
        File.Delete(_mark);
    }

    [Fact]
    public void Deserialize_GadgetTopLevelOrNested_WhatAkkasJsonBuildsIsRefusedAndNotBuilt()
    {
        var stock = new NewtonSoftJsonSerializer((ExtendedActorSystem)_system);
        var topLevel = stock.ToBinary(Gadget.Aimed(_mark));
        var nested = stock.ToBinary(new List<object> { Gadget.Aimed(_mark) });

        // Akka's stock serializer builds the Gadget from either payload, calling its setter: the payloads are live.
        stock.FromBinary(nested, typeof(object));
        Assert.True(File.Exists(_mark));
        File.Delete(_mark);

        var refused = Assert.Throws<RefusedMessageException>(() => _system.Serialization.Deserialize(topLevel, JsonRefusingSerializer.Id, string.Empty));
        Assert.Equal($"{typeof(Gadget).FullName}, {typeof(Gadget).Assembly.GetName().Name}", refused.TypeName);
        refused = Assert.Throws<RefusedMessageException>(() => _system.Serialization.Deserialize(nested, JsonRefusingSerializer.Id, string.Empty));
        Assert.StartsWith("System.Collections.Generic.List`1", refused.TypeName, StringComparison.Ordinal);
        Assert.False(File.Exists(_mark));
    }

    [Fact]
    public void Deserialize_ProcessWithReferenceIdFirst_RefusedNamingIt()
    {
        var refused = Assert.Throws<RefusedMessageException>(() => _system.Serialization.Deserialize(Encoding.UTF8.GetBytes(Process), JsonRefusingSerializer.Id, string.Empty));
        Assert.Equal("System.Diagnostics.Process, System.Diagnostics.Process", refused.TypeName);
        Assert.IsAssignableFrom<SerializationException>(refused);
    }

    [Fact]
    public void Deserialize_ManifestOfAnAssemblyNobodyHas_RefusedByNameNotResolved()
    {
        // Akka's stock path resolves a non-string-manifest serializer's manifest to a Type first (loading its assembly).
        var refused = Assert.Throws<RefusedMessageException>(() => _system.Serialization.Deserialize([], JsonRefusingSerializer.Id, "Evil.Type, Evil.Assembly"));
        Assert.Equal("Evil.Type, Evil.Assembly", refused.TypeName);
    }

    [Theory]
    [InlineData("not json", "(not JSON)")]
    [InlineData("""{"a":{"$type":"Nested.Only, X"}}""", "(JSON without a type name)")]
    [InlineData("""{"$type":"Forged\nline, X"}""", "Forged?line, X")]
    public void Deserialize_NoTypeOrAForgedLineBreak_RefusedWithAPrintableName(string json, string name)
    {
        var refused = Assert.Throws<RefusedMessageException>(() => _system.Serialization.Deserialize(Encoding.UTF8.GetBytes(json), JsonRefusingSerializer.Id, string.Empty));
        Assert.Equal(name, refused.TypeName);
    }

    [Fact]
    public void Serialize_TypeWithoutABinding_RefusedAtTheSender()
    {
        var serializer = _system.Serialization.FindSerializerFor(Gadget.Aimed(_mark));
        Assert.IsType<JsonRefusingSerializer>(serializer);
        var refused = Assert.Throws<SerializationException>(() => serializer.ToBinary(Gadget.Aimed(_mark)));
        Assert.Contains(typeof(Gadget).FullName!, refused.Message, StringComparison.Ordinal);
    }
}
