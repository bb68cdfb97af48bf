// One case per benchmark; each lives in its own folder.
return args.FirstOrDefault() switch
{
    "dispatch" => await Geo.Bench.Dispatch.DispatchBench.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Geo.Bench NAME [ARGS]   (dispatch)");
    return 2;
}
