using LvsHa.Benchmarks;

// dotnet run -c Release --project tests/LvsHa.Benchmarks -- config [virtualServers] [realServersEach] [runs]
// dotnet run -c Release --project tests/LvsHa.Benchmarks -- health tcp|http [realServers] [seconds] [--in-process]
//     [--virtual-services V [--unshared]]
// (the IPVS apply benchmark needs an ip_vs kernel: tests/lab/bench-ipvs.sh)
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: LvsHa.Benchmarks config [VIRTUAL_SERVERS=10000] [REAL_SERVERS_EACH=10] [RUNS=5]");
    Console.WriteLine("       LvsHa.Benchmarks health tcp|http [REAL_SERVERS=5000] [SECONDS=15] [--in-process]   (each checked every second;\n" +
        "         listeners in a child process unless --in-process)\n" +
        "         [--virtual-services V [--unshared]]   (V services with the same check: one probe per real server, or V)");
    return args.Length == 0 ? 2 : 0;
}
return args[0] switch
{
    "config" => ConfigBenchmark.Run(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 5),
    "health" => await HealthBenchmark.RunAsync(args),
    "health-listeners" => await HealthBenchmark.ServeListenersAsync(args),
    _ => Usage(args[0]),
};

static int Usage(string name)
{
    Console.Error.WriteLine($"unknown benchmark '{name}' (known: config, health)");
    return 2;
}
