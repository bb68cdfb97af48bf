using System.Diagnostics;
using Geo.Core.Access;
using Geo.Core.Data;
using Geo.Core.Walking;
using Geo.Ingest.Network;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Geo.Bench;

/// <summary>./geo bench residents [PAIRS] [POINTS] [REPORTS] [PHONE]: the walking route, nearby by walking time (POINTS random points,
/// default 1,000; see ResidentsBench.Nearby.cs), a report with one phone photo over HTTP (REPORTS, default 30;
/// ResidentsBench.Report.cs) and the same from Chromium at the phone's size with a 3 MB photo (PHONE, default 10, 0 skips;
/// ResidentsBench.Phone.cs)
/// (issue 21: residents' tasks). The route: PAIRS random node pairs at most 3 km
/// apart (default 1,000): the whole Core use case (snap, shortest path, line, steps, hand-off links) against
/// pgr_dijkstraCost with its edges query limited to the pair's bounding box plus 500 m, in the same run, each pair's cost
/// compared. Uses the network in the bench database; an empty one gets a small synthetic square (not the district).</summary>
internal static partial class ResidentsBench
{
    private const double MaxPairM = 3000, BboxMarginM = 500;

    public static async Task<int> RunAsync(string[] args)
    {
        var pairs = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 1000;
        var cs = Environment.GetEnvironmentVariable("GEO_BENCH_DB") is { Length: > 0 } b ? b : GeoDb.ConnectionStringFromEnvironment();
        await using var ds = GeoDb.CreateDataSource(cs);
        await using (var db = GeoDb.CreateContext(ds)) await db.Database.MigrateAsync();
        await using (var count = ds.CreateCommand("SELECT count(*) FROM walk_edges"))
        {
            if ((long)(await count.ExecuteScalarAsync())! == 0)
            {
                Console.WriteLine("walk_edges is empty: generating a 0.04° synthetic square (./geo network generate makes the district's)");
                var square = Geo.Core.Spatial.GeoFactory.Wgs84.ToGeometry(new Envelope(116.62, 116.66, 39.88, 39.92));
                await WalkNetworkWriter.ReplaceAsync(ds, new StreetNetworkGenerator(new StreetNetworkOptions { River = false, Rail = false }).Generate(square));
            }
        }
        var graphs = new WalkingGraphProvider(ds);
        var graph = await graphs.GetAsync();
        var route = new WalkingRoute(graphs, GeoDb.CreateContextFactory(ds), new AccessOptions());
        var adult = new WalkingOptions().Adult;
        Console.WriteLine($"network: {graph.EdgeCount:N0} edges, {graph.NodeCount:N0} nodes");

        // random pairs of nodes, the second within 3 km of the first in a straight line
        var rnd = new Random(3);
        var list = new List<(int S, int T)>();
        while (list.Count < pairs)
        {
            var s = rnd.Next(graph.NodeCount);
            var (slon, slat) = graph.NodeLonLat(s);
            for (var tries = 0; tries < 200; tries++)
            {
                var t = rnd.Next(graph.NodeCount);
                var (tlon, tlat) = graph.NodeLonLat(t);
                if (t == s || Geodesy.Distance(slon, slat, tlon, tlat) > MaxPairM) continue;
                list.Add((s, t));
                break;
            }
        }

        await using var conn = await ds.OpenConnectionAsync();
        await using var pgr = new NpgsqlCommand("""
            SELECT agg_cost FROM pgr_dijkstraCost(
              format('SELECT id, source, target, cost, reverse_cost FROM walk_edges WHERE geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)',
                     $1::float8, $2::float8, $3::float8, $4::float8),
              $5, $6, true)
            """, conn);
        foreach (var t in new[] { NpgsqlTypes.NpgsqlDbType.Double, NpgsqlTypes.NpgsqlDbType.Double, NpgsqlTypes.NpgsqlDbType.Double,
                     NpgsqlTypes.NpgsqlDbType.Double, NpgsqlTypes.NpgsqlDbType.Bigint, NpgsqlTypes.NpgsqlDbType.Bigint })
        {
            pgr.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = t });
        }
        await pgr.PrepareAsync();

        async Task<double> PgrAsync(int s, int t)
        {
            var (slon, slat) = graph.NodeLonLat(s);
            var (tlon, tlat) = graph.NodeLonLat(t);
            var (kx, ky) = Geodesy.MetresPerDegree((slat + tlat) / 2);
            object[] values = [Math.Min(slon, tlon) - BboxMarginM / kx, Math.Min(slat, tlat) - BboxMarginM / ky,
                Math.Max(slon, tlon) + BboxMarginM / kx, Math.Max(slat, tlat) + BboxMarginM / ky, graph.NodeId(s), graph.NodeId(t)];
            for (var i = 0; i < values.Length; i++) pgr.Parameters[i].Value = values[i];
            return await pgr.ExecuteScalarAsync() is double c ? c : double.PositiveInfinity;
        }

        async Task<double> OursAsync(int s, int t)
        {
            var (slon, slat) = graph.NodeLonLat(s);
            var (tlon, tlat) = graph.NodeLonLat(t);
            try
            {
                return (await route.RouteAsync(slon, slat, tlon, tlat, adult)).CostM;
            }
            catch (Geo.Core.Common.GeoException)
            {
                return double.PositiveInfinity; // not connected
            }
        }

        foreach (var (s, t) in list.Take(20)) { await OursAsync(s, t); await PgrAsync(s, t); } // JIT, plans, buffers

        var ours = new List<double>(pairs);
        var theirs = new List<double>(pairs);
        int equal = 0, unreachable = 0;
        foreach (var (s, t) in list)
        {
            var t0 = Stopwatch.GetTimestamp();
            var a = await OursAsync(s, t);
            ours.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            t0 = Stopwatch.GetTimestamp();
            var c = await PgrAsync(s, t);
            theirs.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (!double.IsFinite(a)) unreachable++;
            // routes snap to the nearest edge (access 0 at a node) and round cost_m to 0.01 m
            else if (Math.Abs(a - c) <= 0.011) equal++;
        }

        Console.WriteLine($"route: {pairs} random pairs ≤ {MaxPairM / 1000:F0} km apart (straight line)");
        Console.WriteLine($"  ours (WalkingRoute: snap, Dijkstra, line, steps, links): p50 {Pct(ours, 0.5):F3} ms   p99 {Pct(ours, 0.99):F3} ms");
        Console.WriteLine($"  pgr_dijkstraCost, bbox + {BboxMarginM:F0} m:                p50 {Pct(theirs, 0.5):F3} ms   p99 {Pct(theirs, 0.99):F3} ms");
        Console.WriteLine($"  ratio pgRouting / ours: p50 {Pct(theirs, 0.5) / Pct(ours, 0.5):F1}x   p99 {Pct(theirs, 0.99) / Pct(ours, 0.99):F1}x");
        Console.WriteLine($"  same cost as pgRouting: {equal}/{pairs - unreachable} (a bbox-limited pgRouting can only miss a detour, never find a shorter walk); not connected: {unreachable}");
        await conn.CloseAsync();

        await NearbyAsync(ds, graphs, graph, args.Length > 1 && int.TryParse(args[1], out var pts) ? pts : 1000);
        await ReportAsync(cs, ds, graph, args.Length > 2 && int.TryParse(args[2], out var reps) ? reps : 30);
        await PhoneAsync(cs, ds, graph, args.Length > 3 && int.TryParse(args[3], out var phone) ? phone : 10);
        return 0;
    }
}
