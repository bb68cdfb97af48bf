// ./geo bench NAME: one entry per benchmark; each prints its figures and a ratio to a peer measured in the same run.
var benches = new Dictionary<string, Func<string[], Task<int>>>
{
    ["ingest"] = Geo.Bench.Ingest.IngestBench.RunAsync,
    ["ingest-parse"] = Geo.Bench.Ingest.ParseProfile.RunAsync,
    ["api"] = Geo.Bench.ApiBench.RunAsync,
    ["tiles"] = Geo.Bench.TilesBench.RunAsync,
    ["isochrone"] = Geo.Bench.IsochroneBench.RunAsync,
    ["coverage"] = _ => Geo.Bench.CoverageBench.RunAsync(),
    ["dispatch"] = Geo.Bench.Dispatch.DispatchBench.RunAsync,
    ["readings"] = Geo.Bench.Readings.ReadingsBench.RunAsync,
    ["scale"] = Geo.Bench.ScaleBench.RunAsync,
    ["residents"] = Geo.Bench.ResidentsBench.RunAsync,
};

if (args.Length == 0 || !benches.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: Geo.Bench NAME [ARGS]   (NAME: {string.Join(", ", benches.Keys)})");
    return 2;
}
return await run(args[1..]);
