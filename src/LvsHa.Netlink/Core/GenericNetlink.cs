namespace LvsHa.Netlink.Core;

/// <summary>A generic netlink family as the controller reports it.</summary>
internal sealed record GenericNetlinkFamily(string Name, ushort Id, uint Version, uint MaxAttribute);

/// <summary>Generic netlink family resolution (CTRL_CMD_GETFAMILY).</summary>
internal static class GenericNetlink
{
    public static void WriteGetFamily(NetlinkWriter writer, uint sequence, string name)
    {
        var start = writer.BeginMessage(GenlCtrl.FamilyId, NlMsgFlags.Request | NlMsgFlags.Ack, sequence);
        writer.WriteGenericHeader(GenlCtrl.CmdGetFamily, 1);
        writer.PutString(GenlCtrl.AttrFamilyName, name);
        writer.EndMessage(start);
    }

    public static GenericNetlinkFamily ParseFamily(in NetlinkMessage message)
    {
        string? name = null;
        ushort? id = null;
        uint version = 0, maxAttribute = 0;
        var attributes = message.Attributes(NetlinkAlign.GenlHeaderLength);
        while (attributes.TryRead(out var attribute))
        {
            switch (attribute.Type)
            {
                case GenlCtrl.AttrFamilyId: id = attribute.U16(); break;
                case GenlCtrl.AttrFamilyName: name = attribute.String(); break;
                case GenlCtrl.AttrVersion: version = attribute.U32(); break;
                case GenlCtrl.AttrMaxAttr: maxAttribute = attribute.U32(); break;
            }
        }
        if (name is null || id is null)
            throw new NetlinkProtocolException("family reply without name or id");
        return new GenericNetlinkFamily(name, id.Value, version, maxAttribute);
    }

    /// <summary>Resolves a family; a missing one is ENOENT, handed to <paramref name="onError"/> like any refusal.</summary>
    public static GenericNetlinkFamily Resolve(NetlinkConnection connection, string name, NetlinkErrorFactory onError)
    {
        GenericNetlinkFamily? family = null;
        connection.Request((writer, sequence) => WriteGetFamily(writer, sequence, name), (in NetlinkMessage message) => family = ParseFamily(message), onError);
        return family ?? throw new NetlinkProtocolException($"no reply for generic netlink family {name}");
    }
}
