namespace LvsHa.Ipvs.Tests.Lab;

/// <summary>Every test class that changes the kernel's IPVS table joins this collection
/// (<c>[Collection(KernelTableCollection.Name)]</c>): the table is one per network namespace, so these tests must
/// not run in parallel with each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelTableCollection
{
    /// <summary>The collection's name for <c>[Collection]</c>.</summary>
    public const string Name = "Kernel IPVS table";
}
