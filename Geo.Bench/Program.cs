using Geo.Bench;

// ./geo bench NAME: one case per benchmark, each printing its ratio to a peer measured in the same run.
return args switch
{
    ["api", .. var rest] => await ApiBench.RunAsync(rest),
    ["coverage", ..] => await CoverageBench.RunAsync(),
    ["isochrone", .. var rest] => await IsochroneBench.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ./geo bench NAME   (api | coverage | isochrone)");
    return 2;
}
