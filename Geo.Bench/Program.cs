switch (args.FirstOrDefault())
{
    case "isochrone": return await Geo.Bench.IsochroneBench.RunAsync(args[1..]);
    default:
        Console.Error.WriteLine("usage: Geo.Bench NAME   (isochrone)");
        return 2;
}
