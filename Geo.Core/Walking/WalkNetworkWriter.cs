using Geo.Core.Spatial;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Walking;

/// <summary>Replaces the walking network (walk_nodes + walk_edges) with binary COPY in one transaction,
/// so readers see either the old network or the new one, never a half-loaded mix.</summary>
public static class WalkNetworkWriter
{
    public static async Task<(int Nodes, int Edges)> ReplaceAsync(NpgsqlDataSource dataSource, WalkNetwork network, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            // the old network's extent: its streets leave the basemap tiles there (streets from z15)
            var extent = await ExtentAsync(conn, tx, ct);
            await using (var truncate = new NpgsqlCommand("TRUNCATE walk_edges, walk_nodes", conn, tx))
            {
                await truncate.ExecuteNonQueryAsync(ct);
            }
            await using (var w = await conn.BeginBinaryImportAsync("COPY walk_nodes (id, geom) FROM STDIN (FORMAT BINARY)", ct))
            {
                for (var id = 1; id <= network.NodeCount; id++)
                {
                    var (lon, lat) = network.Node(id);
                    await w.StartRowAsync(ct);
                    await w.WriteAsync((long)id, NpgsqlDbType.Bigint, ct);
                    await w.WriteAsync(GeoFactory.Point(lon, lat), NpgsqlDbType.Geometry, ct);
                }
                await w.CompleteAsync(ct);
            }
            await using (var w = await conn.BeginBinaryImportAsync(
                "COPY walk_edges (id, source, target, cost, reverse_cost, length_m, cost_s, highway, osm_way_id, synthetic, name, geom) FROM STDIN (FORMAT BINARY)", ct))
            {
                long id = 0;
                foreach (var e in network.Edges)
                {
                    id++;
                    var cost = e.LengthM * e.CostFactor;
                    await w.StartRowAsync(ct);
                    await w.WriteAsync(id, NpgsqlDbType.Bigint, ct);
                    await w.WriteAsync(e.Source, NpgsqlDbType.Bigint, ct);
                    await w.WriteAsync(e.Target, NpgsqlDbType.Bigint, ct);
                    await w.WriteAsync(cost, NpgsqlDbType.Double, ct);
                    await w.WriteAsync(cost, NpgsqlDbType.Double, ct); // walking is two-way
                    await w.WriteAsync(e.LengthM, NpgsqlDbType.Double, ct);
                    await w.WriteAsync(cost / WalkNetwork.ReferenceSpeedMps, NpgsqlDbType.Double, ct);
                    await w.WriteAsync(e.Highway, NpgsqlDbType.Text, ct);
                    if (e.OsmWayId is { } osm) await w.WriteAsync(osm, NpgsqlDbType.Bigint, ct); else await w.WriteNullAsync(ct);
                    await w.WriteAsync(network.Synthetic, NpgsqlDbType.Boolean, ct);
                    if (e.Name is { } name) await w.WriteAsync(name, NpgsqlDbType.Text, ct); else await w.WriteNullAsync(ct);
                    await w.WriteAsync(ToLineString(e.LonLat), NpgsqlDbType.Geometry, ct);
                }
                await w.CompleteAsync(ct);
            }
            if (await ExtentAsync(conn, tx, ct) is { } added) extent = extent is { } old ? (Math.Min(old.X0, added.X0), Math.Min(old.Y0, added.Y0),
                Math.Max(old.X1, added.X1), Math.Max(old.Y1, added.Y1)) : added;
            // cached and seeded basemap tiles (and shared isochrone results) in that extent are dropped by every node
            if (extent is { } x)
                await Live.ChangeFeed.PublishAsync(conn, tx, Data.Sql.TileTriggers.Channel, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"walk_edges {x.X0} {x.Y0} {x.X1} {x.Y1}"), ct);
            await tx.CommitAsync(ct);
        }
        await using (var analyze = new NpgsqlCommand("ANALYZE walk_nodes; ANALYZE walk_edges", conn))
        {
            await analyze.ExecuteNonQueryAsync(ct);
        }
        return (network.NodeCount, network.Edges.Count);
    }

    private static LineString ToLineString(double[] lonLat)
    {
        var coords = new Coordinate[lonLat.Length / 2];
        for (var i = 0; i < coords.Length; i++) coords[i] = new Coordinate(lonLat[2 * i], lonLat[2 * i + 1]);
        return GeoFactory.Wgs84.CreateLineString(coords);
    }

    private static async Task<(double X0, double Y0, double X1, double Y1)?> ExtentAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) AS e FROM walk_edges) x WHERE e IS NOT NULL", conn, tx);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetDouble(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3)) : null;
    }
}
