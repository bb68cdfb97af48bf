using Geo.Bench;

return args.FirstOrDefault() switch
{
    "tiles" => await TilesBench.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Geo.Bench tiles [--count N] [--seconds S] [--concurrency C]");
    return 2;
}
