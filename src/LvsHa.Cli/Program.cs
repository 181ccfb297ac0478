return LvsHa.Cli.LvsHaCli.Run(args, Console.Out, Console.Error);
