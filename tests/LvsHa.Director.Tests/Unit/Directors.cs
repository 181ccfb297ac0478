using Akka.Actor;
using LvsHa.Director.Membership;

namespace LvsHa.Director.Tests.Unit;

/// <summary>Director addresses and members shared by the membership rule tests (ordered as FoundingRule orders them).</summary>
internal static class Directors
{
    public static readonly Address D1 = At(1);
    public static readonly Address D2 = At(2);
    public static readonly Address D3 = At(3);
    public static readonly Address D4 = At(4);

    public static Address At(int host) => new("akka.ssl.tcp", "lvsha", $"10.0.0.{host}", 2552);

    public static DirectorMember Up(Address a) => new(a, "Up", IsDirector: true);
}
