using Geo.Core.Spatial;
using Geo.Core.Walking;
using Geo.Ingest.Network;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Geo.Tests.Infrastructure;

/// <summary>Small generated walking networks (a few thousand edges) for tests of the graph, pgRouting and the API.</summary>
internal static class WalkNetworks
{
    // The standard test square: 0.02° (about 1.7 km east-west, 2.2 km north-south) with its south-west corner at
    // (116.60, 39.88), inside the Tongzhou outline. A test that needs a second network elsewhere moves lon.
    public const double Lon = 116.60, Lat = 39.88, SizeDeg = 0.02;

    /// <summary>A square outline of <paramref name="sizeDeg"/> degrees with its south-west corner at (lon, lat);
    /// the standard test square without arguments.</summary>
    public static Polygon Square(double lon = Lon, double lat = Lat, double sizeDeg = SizeDeg) =>
        (Polygon)GeoFactory.Wgs84.ToGeometry(new Envelope(lon, lon + sizeDeg, lat, lat + sizeDeg));

    public static async Task<WalkNetwork> GenerateAsync(NpgsqlDataSource ds, StreetNetworkOptions options, Geometry outline)
    {
        var network = new StreetNetworkGenerator(options).Generate(outline);
        await WalkNetworkWriter.ReplaceAsync(ds, network);
        return network;
    }

    /// <summary>Replaces walk_edges with a street grid on a square (the standard one by default) that has no river
    /// and no railway, so no barrier decides what is reachable: only the seed varies the streets.</summary>
    public static Task<WalkNetwork> SquareAsync(NpgsqlDataSource ds, int seed, double lon = Lon, double lat = Lat, double sizeDeg = SizeDeg) =>
        GenerateAsync(ds, new StreetNetworkOptions { Seed = seed, River = false, Rail = false }, Square(lon, lat, sizeDeg));

    /// <summary>The nodes that some edge of walk_edges touches, by id: deterministic sample positions on the network.</summary>
    public static async Task<List<(long Id, double Lon, double Lat)>> ConnectedNodesAsync(NpgsqlDataSource ds)
    {
        var nodes = new List<(long Id, double Lon, double Lat)>();
        await using var cmd = ds.CreateCommand("""
            SELECT n.id, ST_X(n.geom), ST_Y(n.geom) FROM walk_nodes n
            WHERE EXISTS (SELECT 1 FROM walk_edges e WHERE e.source = n.id OR e.target = n.id) ORDER BY n.id
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) nodes.Add((r.GetInt64(0), r.GetDouble(1), r.GetDouble(2)));
        return nodes;
    }

    /// <summary>pgr_drivingDistance from one node on the whole walk_edges table, as node id → agg_cost.</summary>
    public static async Task<Dictionary<long, double>> PgrDrivingDistanceAsync(NpgsqlDataSource ds, long node, double cutoff)
    {
        await using var cmd = ds.CreateCommand("""
            SELECT node, agg_cost FROM pgr_drivingDistance(
              'SELECT id, source, target, cost, reverse_cost FROM walk_edges', $1, $2, true)
            """);
        cmd.Parameters.AddWithValue(node);
        cmd.Parameters.AddWithValue(cutoff);
        var result = new Dictionary<long, double>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) result[r.GetInt64(0)] = r.GetDouble(1);
        return result;
    }

    /// <summary>The graph WalkNetworkWriter + WalkingGraph.LoadAsync would give, without a database (two-way
    /// edges at length times cost factor): for pure in-memory tests.</summary>
    public static WalkingGraph InMemory(WalkNetwork net)
    {
        var offsets = new List<int> { 0 };
        var coords = new List<double>();
        foreach (var e in net.Edges)
        {
            coords.AddRange(e.LonLat);
            offsets.Add(coords.Count);
        }
        var cost = net.Edges.Select(e => e.LengthM * e.CostFactor).ToArray();
        return new WalkingGraph(Enumerable.Range(1, net.Edges.Count).Select(i => (long)i).ToArray(),
            net.Edges.Select(e => e.Source).ToArray(), net.Edges.Select(e => e.Target).ToArray(),
            cost, cost, net.Edges.Select(e => e.LengthM).ToArray(), [.. offsets], [.. coords]);
    }

    public static WalkingGraph InMemory(StreetNetworkOptions options, Geometry outline) =>
        InMemory(new StreetNetworkGenerator(options).Generate(outline));
}
