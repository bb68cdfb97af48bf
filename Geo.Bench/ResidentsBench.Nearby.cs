using System.Diagnostics;
using Geo.Core.Domain;
using Geo.Core.Places;
using Geo.Core.Walking;
using Npgsql;

namespace Geo.Bench;

/// <summary>The residents bench, nearby by walking time: the whole <see cref="NearbySearch"/> walking use case (the one behind
/// /api/nearby?pace= and the map's 附近 chips) from random points, beside two floors in the same run:
/// raw KNN SQL (the 10 nearest shops by straight line: what any nearby answer costs at least, one index scan) and pgRouting
/// <c>pgr_dijkstraCost</c> one-to-many from the origin's node to the nodes of the shops within the walk's straight-line
/// radius, edges limited to that box (what answering the walking question in the database costs).</summary>
internal static partial class ResidentsBench
{
    private const int NearbyMinutes = 15, NearbyLimit = 10;

    private static async Task NearbyAsync(NpgsqlDataSource ds, WalkingGraphProvider graphs, WalkingGraph graph, int points)
    {
        var added = await LifeCircleBenchData.EnsureAsync(ds, graph);
        if (added > 0) Console.WriteLine($"nearby: added {added:N0} synthetic buildings and shops on the network (source {LifeCircleBenchData.Source})");
        var walking = new WalkingOptions();
        var nearby = new NearbySearch(ds, graphs, walking);
        var cutoff = NearbyMinutes * walking.Adult.MetresPerMinute;

        var rnd = new Random(21);
        var origins = Enumerable.Range(0, points).Select(_ => rnd.Next(graph.NodeCount)).ToList();

        await using var conn = await ds.OpenConnectionAsync();
        await using var knn = new NpgsqlCommand("SELECT count(*) FROM (SELECT id FROM assets WHERE kind = 'shop' ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT $3) t", conn);
        knn.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double });
        knn.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double });
        knn.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = NearbyLimit });
        await knn.PrepareAsync();
        await using var pgr = new NpgsqlCommand("""
            WITH c AS (
              SELECT DISTINCT (SELECT n.id FROM walk_nodes n ORDER BY n.geom <-> a.geom LIMIT 1) AS node
              FROM assets a
              WHERE a.kind = 'shop' AND a.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)
                AND ST_DWithin(a.geom::geography, ST_SetSRID(ST_MakePoint($5, $6), 4326)::geography, $7))
            SELECT count(*) FROM pgr_dijkstraCost(
              format('SELECT id, source, target, cost, reverse_cost FROM walk_edges WHERE geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)',
                     $1::float8, $2::float8, $3::float8, $4::float8),
              $8::bigint, ARRAY(SELECT node FROM c WHERE node <> $8::bigint), true)
            WHERE agg_cost <= $7
            """, conn);
        foreach (var t in new[] { NpgsqlTypes.NpgsqlDbType.Double, NpgsqlTypes.NpgsqlDbType.Double, NpgsqlTypes.NpgsqlDbType.Double, NpgsqlTypes.NpgsqlDbType.Double,
                     NpgsqlTypes.NpgsqlDbType.Double, NpgsqlTypes.NpgsqlDbType.Double, NpgsqlTypes.NpgsqlDbType.Double, NpgsqlTypes.NpgsqlDbType.Bigint })
        {
            pgr.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = t });
        }
        await pgr.PrepareAsync();

        async Task<int> OursAsync(double lon, double lat)
        {
            try { return (await nearby.FindAsync(new NearbyRequest(lon, lat, [AssetKind.Shop], Limit: NearbyLimit, Pace: "adult", Minutes: NearbyMinutes))).Count; }
            catch (Geo.Core.Common.GeoException) { return -1; } // no street near the point
        }
        async Task KnnAsync(double lon, double lat)
        {
            knn.Parameters[0].Value = lon;
            knn.Parameters[1].Value = lat;
            await knn.ExecuteScalarAsync();
        }
        async Task<long> PgrAsync(int node, double lon, double lat)
        {
            var (kx, ky) = Geodesy.MetresPerDegree(lat);
            object[] values = [lon - cutoff / kx, lat - cutoff / ky, lon + cutoff / kx, lat + cutoff / ky, lon, lat, cutoff, graph.NodeId(node)];
            for (var i = 0; i < values.Length; i++) pgr.Parameters[i].Value = values[i];
            return await pgr.ExecuteScalarAsync() is long n ? n : 0;
        }

        foreach (var s in origins.Take(20)) { var (x, y) = graph.NodeLonLat(s); await OursAsync(x, y); await KnnAsync(x, y); await PgrAsync(s, x, y); }
        var ours = new List<double>(points);
        var floor = new List<double>(points);
        var peer = new List<double>(points);
        var found = 0;
        foreach (var s in origins)
        {
            var (lon, lat) = graph.NodeLonLat(s);
            var t0 = Stopwatch.GetTimestamp();
            if (await OursAsync(lon, lat) > 0) found++;
            ours.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            t0 = Stopwatch.GetTimestamp();
            await KnnAsync(lon, lat);
            floor.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            t0 = Stopwatch.GetTimestamp();
            await PgrAsync(s, lon, lat);
            peer.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        Console.WriteLine($"nearby by walking time: {points} random points on the network, shops within {NearbyMinutes} min at the adult pace ({cutoff:F0} m), top {NearbyLimit}; {found} points found at least one");
        Console.WriteLine($"  ours (NearbySearch walking: candidates, one bounded Dijkstra, rank): p50 {Pct(ours, 0.5):F3} ms   p99 {Pct(ours, 0.99):F3} ms");
        Console.WriteLine($"  floor, raw KNN SQL (10 nearest by straight line):       p50 {Pct(floor, 0.5):F3} ms   p99 {Pct(floor, 0.99):F3} ms");
        Console.WriteLine($"  peer, pgr_dijkstraCost one-to-many on the walk's box:   p50 {Pct(peer, 0.5):F3} ms   p99 {Pct(peer, 0.99):F3} ms");
        Console.WriteLine($"  ratio ours / KNN floor: p50 {Pct(ours, 0.5) / Pct(floor, 0.5):F1}x;  pgRouting / ours: p50 {Pct(peer, 0.5) / Pct(ours, 0.5):F1}x   p99 {Pct(peer, 0.99) / Pct(ours, 0.99):F1}x");
    }

    private static double Pct(List<double> xs, double p) => xs.Count == 0 ? double.NaN : xs.Order().ElementAt(Math.Min(xs.Count - 1, (int)(xs.Count * p)));
}
