// The director and its lab are Linux-only (network namespaces, unix sockets, file modes).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Lab tests each start several director processes: running them in parallel on a two-core host would distort
// the failure-detector timings they measure.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
