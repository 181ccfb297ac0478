using LvsHa.Benchmarks;

// dotnet run -c Release --project tests/LvsHa.Benchmarks -- config [virtualServers] [realServersEach] [runs]
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: LvsHa.Benchmarks config [VIRTUAL_SERVERS=10000] [REAL_SERVERS_EACH=10] [RUNS=5]");
    return args.Length == 0 ? 2 : 0;
}
return args[0] switch
{
    "config" => ConfigBenchmark.Run(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 5),
    _ => Usage(args[0]),
};

static int Usage(string name)
{
    Console.Error.WriteLine($"unknown benchmark '{name}' (known: config)");
    return 2;
}
