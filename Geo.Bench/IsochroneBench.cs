using System.Diagnostics;
using Geo.Core.Data;
using Geo.Core.Walking;
using Geo.Ingest.Cli;
using Geo.Ingest.Network;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Bench;

/// <summary>./geo bench isochrone: 1,000 random 15-minute reachable sets, ours (in-memory CSR Dijkstra)
/// against pgr_drivingDistance in its best form (inner edges query limited to a bbox around the start),
/// every pair checked equal; plus whole-table pgRouting on a sample and whole isochrone responses.</summary>
internal static class IsochroneBench
{
    private const double CutoffM = 15 * WalkingOptions.AdultKmh * 1000 / 60; // 1125 m: 15 minutes at the adult pace

    public static async Task<int> RunAsync(string[] args)
    {
        var calls = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 1000;
        var cs = Environment.GetEnvironmentVariable("GEO_BENCH_DB") is { Length: > 0 } b ? b : GeoDb.ConnectionStringFromEnvironment();
        await using var ds = GeoDb.CreateDataSource(cs);
        await using (var db = GeoDb.CreateContext(ds)) await db.Database.MigrateAsync();

        await using (var count = ds.CreateCommand("SELECT count(*) FROM walk_edges"))
        {
            if ((long)(await count.ExecuteScalarAsync())! < 200_000)
            {
                Console.WriteLine("generating the default synthetic network (seed 42, scale 1) ...");
                var net = new StreetNetworkGenerator(new StreetNetworkOptions()).Generate(NetworkCli.ReadOutline(NetworkCli.DefaultBoundary));
                await WalkNetworkWriter.ReplaceAsync(ds, net);
            }
        }
        var sw = Stopwatch.StartNew();
        var graph = await WalkingGraph.LoadAsync(ds);
        var loadS = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"network: {graph.EdgeCount:N0} edges, {graph.NodeCount:N0} nodes; graph loaded in {loadS:F1} s, "
            + $"{graph.MemoryBytes / 1e6:F1} MB = {(double)graph.MemoryBytes / graph.EdgeCount:F0} bytes per edge");

        var rnd = new Random(1);
        var starts = Enumerable.Range(0, calls).Select(_ => rnd.Next(graph.NodeCount)).ToArray();
        await using var conn = await ds.OpenConnectionAsync();
        await using var bbox = new NpgsqlCommand("""
            SELECT node, agg_cost FROM pgr_drivingDistance(
              format('SELECT id, source, target, cost, reverse_cost FROM walk_edges WHERE geom && ST_Expand(ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s, %s)',
                     $1::float8, $2::float8, $3::float8, $4::float8),
              $5, $6, true)
            """, conn);
        foreach (var t in new[] { NpgsqlTypes.NpgsqlDbType.Double, NpgsqlTypes.NpgsqlDbType.Double, NpgsqlTypes.NpgsqlDbType.Double,
                     NpgsqlTypes.NpgsqlDbType.Double, NpgsqlTypes.NpgsqlDbType.Bigint, NpgsqlTypes.NpgsqlDbType.Double })
        {
            bbox.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = t });
        }
        await bbox.PrepareAsync();

        async Task<Dictionary<long, double>> PgrBboxAsync(int node)
        {
            var (lon, lat) = graph.NodeLonLat(node);
            var (kx, ky) = Geodesy.MetresPerDegree(lat);
            object[] values = [lon, lat, CutoffM * 1.01 / kx, CutoffM * 1.01 / ky, graph.NodeId(node), CutoffM];
            for (var i = 0; i < values.Length; i++) bbox.Parameters[i].Value = values[i];
            var result = new Dictionary<long, double>();
            await using var r = await bbox.ExecuteReaderAsync();
            while (await r.ReadAsync()) result[r.GetInt64(0)] = r.GetDouble(1);
            return result;
        }

        // warm-up: JIT, plan cache, shared buffers
        foreach (var s in starts.Take(20))
        {
            using (graph.ReachFrom(s, CutoffM)) { }
            await PgrBboxAsync(s);
        }

        var ours = new List<double>(calls);
        var pgr = new List<double>(calls);
        long reached = 0;
        var mismatches = 0;
        foreach (var s in starts)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var reach = graph.ReachFrom(s, CutoffM);
            ours.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            t0 = Stopwatch.GetTimestamp();
            var theirs = await PgrBboxAsync(s);
            pgr.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            reached += reach.Count;
            if (reach.Count != theirs.Count || reach.ByNodeId().Any(x => !theirs.TryGetValue(x.NodeId, out var c) || Math.Abs(c - x.Cost) > 1e-6)) mismatches++;
        }

        // the usual whole-table form, on a small sample (it is ~100 ms a call)
        var whole = new List<double>();
        foreach (var s in starts.Take(15))
        {
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pgr_drivingDistance('SELECT id, source, target, cost, reverse_cost FROM walk_edges', $1, $2, true)", conn);
            cmd.Parameters.AddWithValue(graph.NodeId(s));
            cmd.Parameters.AddWithValue(CutoffM);
            var t0 = Stopwatch.GetTimestamp();
            await cmd.ExecuteScalarAsync();
            whole.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        // whole isochrone responses (snap, Dijkstra, 5/10/15-minute polygons, services query), in process
        var builder = new IsochroneBuilder();
        var full = new List<double>();
        foreach (var s in starts.Take(200))
        {
            var (lon, lat) = graph.NodeLonLat(s);
            var t0 = Stopwatch.GetTimestamp();
            var origin = graph.SnapPoint(lon + 0.0003, lat + 0.0002)!.Value;
            using var reach = graph.Run(graph.Seeds(origin), CutoffM);
            builder.BuildBands(reach, origin, [(5, 375.0), (10, 750.0), (15, 1125.0)]);
            await ServiceReach.FindAsync(ds, reach, origin, CutoffM, 75.0, null, CancellationToken.None);
            full.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        // the full life-circle analysis for all residential buildings (synthetic ones added if there are none)
        var added = await LifeCircleBenchData.EnsureAsync(ds, graph);
        if (added > 0) Console.WriteLine($"added {added:N0} synthetic buildings and shops (source {LifeCircleBenchData.Source}) to the bench database");
        sw.Restart();
        var (buildings, services, regions) = await LifeCircleRunner.LoadInputsAsync(ds, CancellationToken.None);
        var loadMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var nearest = LifeCircleAnalysis.NearestByElement(graph, buildings, services, 15 * new WalkingOptions().Adult.MetresPerMinute);
        var searchMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var rows = LifeCircleSummary.Summarise(regions, buildings, nearest, new WalkingOptions().Adult.MetresPerMinute, new WalkingOptions().Elderly.MetresPerMinute);
        var summaryMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var (fa, fn) = await LifeCircleRunner.FingerprintAsync(ds, CancellationToken.None);
        var run = await LifeCircleRunner.RunAsync(ds, graph, new WalkingOptions().Adult, new WalkingOptions().Elderly, "bench", fa, fn, CancellationToken.None);
        var storedMs = sw.Elapsed.TotalMilliseconds;
        var all7 = 0.0;
        for (var bi = 0; bi < buildings.Count; bi++)
        {
            if (Enumerable.Range(0, 7).All(e => nearest[bi * 7 + e] <= 1125)) all7 += buildings[bi].Residents;
        }

        double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        double P95(List<double> xs) => xs.Order().ElementAt((int)(xs.Count * 0.95));
        double P99(List<double> xs) => xs.Order().ElementAt(Math.Min(xs.Count - 1, (int)(xs.Count * 0.99)));
        Console.WriteLine($"{calls} random 15-minute reachable sets (cutoff {CutoffM} m), mean {(double)reached / calls:F0} nodes reached");
        Console.WriteLine($"  ours (in-memory CSR Dijkstra):         median {Median(ours):F3} ms   p95 {P95(ours):F3} ms");
        Console.WriteLine($"  pgr_drivingDistance, bbox-limited:     median {Median(pgr):F3} ms   p95 {P95(pgr):F3} ms");
        Console.WriteLine($"  pgr_drivingDistance, whole table (n={whole.Count}): median {Median(whole):F1} ms");
        Console.WriteLine($"  ratio bbox-pgRouting / ours: {Median(pgr) / Median(ours):F1}x   whole-table / ours: {Median(whole) / Median(ours):F0}x");
        Console.WriteLine($"  reachable sets equal: {calls - mismatches}/{calls}");
        Console.WriteLine($"full isochrone (snap + 3 band polygons + services query), n={full.Count}: p50 {Median(full):F2} ms   p95 {P95(full):F2} ms   p99 {P99(full):F2} ms");
        Console.WriteLine($"life circle, {buildings.Count:N0} buildings ({buildings.Sum(b => (long)b.Residents):N0} residents), {services.Count:N0} services, {regions.Count} regions, "
            + $"{Environment.ProcessorCount} cores: load {loadMs:F0} ms, 7 multi-source searches + per-building lookups {searchMs:F0} ms, roll-up {summaryMs:F0} ms; "
            + $"whole run stored (job path) {storedMs:F0} ms, run {run.Id}; residents with all seven within 15 min: {all7 / Math.Max(1, buildings.Sum(b => (long)b.Residents)):P1}");
        Console.WriteLine($"graph memory: {graph.MemoryBytes:N0} bytes = {(double)graph.MemoryBytes / graph.EdgeCount:F0} bytes per edge");
        return mismatches == 0 ? 0 : 1;
    }
}
