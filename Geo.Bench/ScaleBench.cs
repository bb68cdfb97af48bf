using System.Diagnostics;
using System.Globalization;
using Geo.Ingest.Cli.ScaleOut;

namespace Geo.Bench;

/// <summary>`./geo bench scale [--seconds S] [--concurrency C]`: the same read mix (nearby, OGC items in a bbox, vector
/// tiles) through the gateway, first with one node and no replica, then with two nodes and the standby, each topology
/// started and stopped by the one launcher (<see cref="Topology"/>) on the private cluster the script made ready.
/// Closed loop: <c>concurrency</c> clients, each sending its next request when the last one answered, for a fixed time
/// after a warm-up.</summary>
public static class ScaleBench
{
    public const string Usage = "usage: ./geo bench scale [--seconds S] [--concurrency C]   (S 1..600, default 20; C 1..256, default 32)";

    public sealed record Result(string Label, double Rps, double P50Ms, double P99Ms, long Requests, long Errors, double Seconds, int Concurrency);

    public static async Task<int> RunAsync(string[] args)
    {
        int seconds = 20, concurrency = 32;
        for (var i = 0; i < args.Length; i++)
        {
            int Value(int max) => i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1 && v <= max
                ? v : throw new ArgumentException($"{args[i - 1]} takes 1..{max}");
            try
            {
                switch (args[i])
                {
                    case "--seconds": seconds = Value(600); break;
                    case "--concurrency": concurrency = Value(256); break;
                    default: throw new ArgumentException($"unknown option '{args[i]}' for bench scale");
                }
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"{e.Message}; {Usage}");
                return 2;
            }
        }
        var results = new List<Result>();
        foreach (var (nodes, replica, label) in new[] { (1, false, "1 node, no replica"), (2, true, "2 nodes + standby") })
        {
            Console.Error.WriteLine($"bench scale: starting {label}");
            await using var topology = await Topology.StartAsync(TopologyCommand.SpecFromEnvironment(nodes, replica), m => Console.Error.WriteLine(m));
            var r = await LoadAsync(topology.GatewayUrl, label, TimeSpan.FromSeconds(seconds), concurrency);
            Print(r);
            results.Add(r);
        }
        var (one, two) = (results[0], results[1]);
        Console.WriteLine($"{"topology",-28} {"req/s",9} {"p50 ms",9} {"p99 ms",9} {"errors",7}");
        Print(one);
        Print(two);
        Console.WriteLine($"ratio ({two.Label}) / ({one.Label}): throughput {two.Rps / one.Rps:F2}x, p99 {two.P99Ms / one.P99Ms:F2}x " +
            $"({Environment.ProcessorCount} cores: nodes, PostgreSQL, the gateway and this load generator share them)");
        return results.Any(r => r.Errors > r.Requests / 100) ? 1 : 0;
    }

    private static void Print(Result r) =>
        Console.WriteLine($"{r.Label,-28} {r.Rps,9:F0} {r.P50Ms,9:F2} {r.P99Ms,9:F2} {r.Errors,7}");

    /// <summary>Request i of the mix: points spread over Tongzhou's built-up area, deterministic.</summary>
    public static string Request(int i)
    {
        var rng = new Random(i / 3);
        var lon = 116.60 + rng.NextDouble() * 0.20;
        var lat = 39.78 + rng.NextDouble() * 0.14;
        var z = 15;
        var n = 1 << z;
        var x = (int)((lon + 180) / 360 * n);
        var y = (int)((1 - Math.Log(Math.Tan(lat * Math.PI / 180) + 1 / Math.Cos(lat * Math.PI / 180)) / Math.PI) / 2 * n);
        return (i % 3) switch
        {
            0 => string.Create(CultureInfo.InvariantCulture, $"/api/nearby?lon={lon:F5}&lat={lat:F5}&limit=10"),
            1 => string.Create(CultureInfo.InvariantCulture, $"/ogc/collections/shop/items?bbox={lon - 0.005:F5},{lat - 0.005:F5},{lon + 0.005:F5},{lat + 0.005:F5}&limit=50"),
            _ => $"/tiles/assets/{z}/{x}/{y}.pbf",
        };
    }

    private static async Task<Result> LoadAsync(string url, string label, TimeSpan duration, int concurrency)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30),
        };
        var next = -1;
        async Task<(List<double> Latencies, long Errors)> Loop(TimeSpan d)
        {
            var lat = new List<double>();
            long errors = 0;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < d)
            {
                var path = Request(Interlocked.Increment(ref next) % 3000);
                var t = Stopwatch.GetTimestamp();
                try
                {
                    using var r = await http.GetAsync(path);
                    await r.Content.CopyToAsync(Stream.Null);
                    if (!r.IsSuccessStatusCode) errors++;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { errors++; }
                lat.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            return (lat, errors);
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Loop(TimeSpan.FromSeconds(Math.Min(5, duration.TotalSeconds / 2)))));
        var runs = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Loop(duration)));
        var all = runs.SelectMany(r => r.Latencies).Order().ToArray();
        if (all.Length == 0) throw new InvalidOperationException("no request completed");
        return new Result(label, all.Length / duration.TotalSeconds, all[all.Length / 2], all[Math.Min(all.Length - 1, (int)(all.Length * 0.99))],
            all.Length, runs.Sum(r => r.Errors), duration.TotalSeconds, concurrency);
    }
}
