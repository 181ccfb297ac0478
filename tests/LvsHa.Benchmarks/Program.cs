using LvsHa.Benchmarks;

// dotnet run -c Release --project tests/LvsHa.Benchmarks -- config [virtualServers] [realServersEach] [runs]
// dotnet run -c Release --project tests/LvsHa.Benchmarks -- health tcp|http [realServers] [seconds]
// (the IPVS apply benchmark needs an ip_vs kernel: tests/lab/bench-ipvs.sh)
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: LvsHa.Benchmarks config [VIRTUAL_SERVERS=10000] [REAL_SERVERS_EACH=10] [RUNS=5]");
    Console.WriteLine("       LvsHa.Benchmarks health tcp|http [REAL_SERVERS=5000] [SECONDS=15]   (each checked every second)");
    return args.Length == 0 ? 2 : 0;
}
return args[0] switch
{
    "config" => ConfigBenchmark.Run(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 5),
    "health" => await HealthBenchmark(args),
    _ => Usage(args[0]),
};

static int Usage(string name)
{
    Console.Error.WriteLine($"unknown benchmark '{name}' (known: config, health)");
    return 2;
}

static async Task<int> HealthBenchmark(string[] args)
{
    var kind = args.Length > 1 ? args[1] : "tcp";
    var realServers = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5000;
    var duration = TimeSpan.FromSeconds(args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 15);
    // Real listeners on loopback; every real server checked once per second (delay_loop 1).
    var result = kind == "http"
        ? await LvsHa.Health.Benchmarks.CheckBenchmark.RunHttpAsync(realServers, duration, TimeSpan.FromSeconds(1))
        : await LvsHa.Health.Benchmarks.CheckBenchmark.RunTcpAsync(realServers, duration, TimeSpan.FromSeconds(1));
    Console.WriteLine($"health {kind}, {realServers} real servers every 1 s for {duration.TotalSeconds:F0} s: {result}");
    return 0;
}
