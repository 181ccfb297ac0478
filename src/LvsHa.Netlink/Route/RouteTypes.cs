using System.Net;
using System.Net.NetworkInformation;

namespace LvsHa.Netlink.Route;

// Addresses, links and their change events as rtnetlink reports them (include/uapi/linux/if_addr.h, rtnetlink.h).

/// <summary>Address scope (RT_SCOPE_*): how far the address is meaningful.</summary>
public enum AddressScope : byte
{
    Universe = 0,
    Site = 200,
    Link = 253,
    Host = 254,
    Nowhere = 255,
}

/// <summary>Address flags (IFA_F_*), e.g. NoDad for a VIP that must answer at once.</summary>
[Flags]
public enum InterfaceAddressFlags : uint
{
    None = 0,
    Secondary = 0x01,
    NoDad = 0x02,
    Optimistic = 0x04,
    DadFailed = 0x08,
    HomeAddress = 0x10,
    Deprecated = 0x20,
    Tentative = 0x40,
    Permanent = 0x80,
    ManageTemporaryAddress = 0x100,
    NoPrefixRoute = 0x200,
    MulticastAutoJoin = 0x400,
    StablePrivacy = 0x800,
}

/// <summary>An address on an interface (what `ip addr add ADDRESS/PREFIX dev IF` sets).</summary>
/// <param name="Label">IPv4 only: the label `ip addr` shows (must start with the interface name).</param>
/// <param name="Broadcast">IPv4 only: the broadcast address, or null for none.</param>
public sealed record InterfaceAddress(
    int InterfaceIndex,
    IPAddress Address,
    int PrefixLength,
    string? Label = null,
    AddressScope Scope = AddressScope.Universe,
    IPAddress? Broadcast = null,
    InterfaceAddressFlags Flags = InterfaceAddressFlags.None)
{
    /// <summary>`ip` spelling: "192.168.1.10/24 dev #3".</summary>
    public override string ToString() => $"{Address}/{PrefixLength} dev #{InterfaceIndex}";
}

/// <summary>RFC 2863 operational state (IF_OPER_*), what `ip link` shows as "state".</summary>
public enum LinkOperationalState : byte
{
    Unknown = 0,
    NotPresent = 1,
    Down = 2,
    LowerLayerDown = 3,
    Testing = 4,
    Dormant = 5,
    Up = 6,
}

/// <summary>A network interface (link): administrative state (IFF_UP), carrier (IFF_LOWER_UP), MAC.</summary>
public sealed record NetworkLink(
    int Index,
    string Name,
    bool IsUp,
    bool HasCarrier,
    PhysicalAddress? MacAddress,
    LinkOperationalState OperationalState,
    int Mtu,
    uint Flags);

/// <summary>A change rtnetlink announced on the link/address multicast groups.</summary>
public abstract record NetworkChange
{
    private protected NetworkChange() { }
}

/// <summary>A link appeared or changed (Removed = false) or went away (Removed = true).</summary>
public sealed record LinkChange(NetworkLink Link, bool Removed) : NetworkChange;

/// <summary>An address was added (Removed = false) or deleted (Removed = true).</summary>
public sealed record AddressChange(InterfaceAddress Address, bool Removed) : NetworkChange;

/// <summary>The kernel dropped events (receive queue overflow): re-read the state you rely on.</summary>
public sealed record ChangesLost : NetworkChange;
