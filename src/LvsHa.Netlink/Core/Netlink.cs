namespace LvsHa.Netlink.Core;

// Numbers from include/uapi/linux/netlink.h and genetlink.h; kept together so the wire code reads like the C it mirrors.

/// <summary>Netlink protocol numbers (the third argument of socket(AF_NETLINK, ...)).</summary>
internal enum NetlinkProtocol
{
    Route = 0,
    Generic = 16,
}

internal static class NlMsgType
{
    public const ushort Noop = 1;
    public const ushort Error = 2;
    public const ushort Done = 3;
    public const ushort Overrun = 4;
    /// <summary>Types below this are netlink control messages, not family messages.</summary>
    public const ushort MinType = 0x10;
}

internal static class NlMsgFlags
{
    public const ushort Request = 0x01;
    public const ushort Multi = 0x02;
    public const ushort Ack = 0x04;
    public const ushort DumpInterrupted = 0x10;
    public const ushort Root = 0x100;
    public const ushort Match = 0x200;
    public const ushort Dump = Root | Match;
    public const ushort Replace = 0x100;
    public const ushort Excl = 0x200;
    public const ushort Create = 0x400;
    /// <summary>On an NLMSG_ERROR: the echoed request was cut to its header (NETLINK_CAP_ACK).</summary>
    public const ushort Capped = 0x100;
    /// <summary>On an NLMSG_ERROR: extended-ack TLVs follow.</summary>
    public const ushort AckTlvs = 0x200;
}

internal static class NetlinkSocketOption
{
    public const int CapAck = 10;
    public const int ExtAck = 11;
}

internal static class NlAttr
{
    public const int HeaderLength = 4;
    public const ushort Nested = 0x8000;
    public const ushort NetworkByteOrder = 0x4000;
    public const ushort TypeMask = 0x3fff;
    /// <summary>NLMSGERR_ATTR_MSG: the kernel's human-readable extended-ack text.</summary>
    public const ushort ErrorMessage = 1;
}

/// <summary>Generic netlink controller (family "nlctrl") numbers.</summary>
internal static class GenlCtrl
{
    public const ushort FamilyId = 0x10;
    public const byte CmdNewFamily = 1;
    public const byte CmdGetFamily = 3;
    public const ushort AttrFamilyId = 1;
    public const ushort AttrFamilyName = 2;
    public const ushort AttrVersion = 3;
    public const ushort AttrMaxAttr = 5;
}

/// <summary>The one alignment rule of netlink: headers and attributes start on 4-byte boundaries.</summary>
internal static class NetlinkAlign
{
    public const int Alignment = 4;
    public const int MessageHeaderLength = 16;
    public const int GenlHeaderLength = 4;

    public static int Align(int length) => (length + Alignment - 1) & ~(Alignment - 1);
}
