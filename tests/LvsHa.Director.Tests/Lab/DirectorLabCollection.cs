namespace LvsHa.Director.Tests.Lab;

/// <summary>
/// The lab tests that run real directors (processes in namespaces) and hold them to timing bounds. xUnit runs this
/// collection after every other one and alone, so that unit tests running beside them on the 2-core CI machine do
/// not count against a bound, and their directors do not starve the unit tests' own timing (in one CI round
/// VipPartitionLabTests measured a 3.56 s VIP drop against its 2.7 s bound and a StateMachineInstanceTests case got
/// fewer than 10 of its 40 adverts, both while the other ran).
/// </summary>
[CollectionDefinition("DirectorLab", DisableParallelization = true)]
public sealed class DirectorLabCollection;
