return args switch
{
    ["api", .. var rest] => await Geo.Bench.ApiBench.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Geo.Bench NAME   (api)");
    return 2;
}
