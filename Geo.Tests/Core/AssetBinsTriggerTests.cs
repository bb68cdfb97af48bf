using System.Globalization;
using Geo.Core.Data.Sql;
using Geo.Tests.Infrastructure;
using Npgsql;

namespace Geo.Tests.Core;

/// <summary>The set-wise summary trigger (cell once at the finest zoom, coarser bins rolled up by shifting; migration
/// CheaperAssetUpkeep) keeps <c>asset_bins</c> equal to an independent recount: the slippy-map tile formula
/// computed here in C# over every asset (and to the first, per-zoom SQL formula), after inserts, moves, kind changes
/// and deletes in single- and multi-row statements.</summary>
public sealed class AssetBinsTriggerTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private const string Kinds = "ARRAY['shop','kiosk','shelter','camera']";

    [Fact]
    public async Task Bins_equal_an_independent_recount_after_every_kind_of_write()
    {
        await using var conn = await db.DataSource.OpenConnectionAsync();
        await ExecAsync(conn, "TRUNCATE assets RESTART IDENTITY CASCADE");
        // one multi-row insert (clustered, so bins get many rows), then single rows, moves, a kind change, deletes
        await ExecAsync(conn, $"""
            INSERT INTO assets (kind, name, status, source, external_id, geom, synthetic, attributes)
            SELECT k, 'a' || i, 'online', 'bins-test', 'e' || i,
                   ST_SetSRID(ST_MakePoint(116.60 + (i % 97) * 0.00137 + random() * 0.0001, 39.80 + (i % 89) * 0.00113 + random() * 0.0001), 4326),
                   false, jsonb_build_object('kind', k)
            FROM generate_series(1, 3000) i, LATERAL (SELECT ({Kinds})[1 + i % 4] AS k) kk
            """);
        await AssertBinsMatchAsync(conn, "after the bulk insert");
        await ExecAsync(conn, """
            INSERT INTO assets (kind, name, status, source, external_id, geom, synthetic, attributes)
            VALUES ('shelter', 's', 'online', 'bins-test', 'single', ST_SetSRID(ST_MakePoint(116.9, 40.0), 4326), false, '{"kind":"shelter"}')
            """);
        await ExecAsync(conn, "UPDATE assets SET geom = ST_Translate(geom, 0.0031, -0.0017) WHERE id % 7 = 0");
        await ExecAsync(conn, "UPDATE assets SET kind = 'kiosk', attributes = '{\"kind\":\"kiosk\"}' WHERE kind = 'shop' AND id % 5 = 0");
        await ExecAsync(conn, "UPDATE assets SET name = name || '!' WHERE id % 11 = 0"); // place and kind unchanged: nets to nothing
        await AssertBinsMatchAsync(conn, "after the updates");
        await ExecAsync(conn, "DELETE FROM assets WHERE id % 3 = 0");
        await ExecAsync(conn, "DELETE FROM assets WHERE external_id = 'single'");
        await AssertBinsMatchAsync(conn, "after the deletes");
        // the recount with the first, per-zoom SQL formula agrees as well (exact counts)
        await using var sql = new NpgsqlCommand($"""
            SELECT count(*) FROM ({AssetBins.RecountQuery}) r
            FULL JOIN (SELECT * FROM asset_bins WHERE n <> 0) b USING (z, x, y, kind)
            WHERE r.n IS DISTINCT FROM b.n OR abs(r.sx - b.sx) > 1e-6 OR abs(r.sy - b.sy) > 1e-6
            """, conn);
        Assert.Equal(0L, await sql.ExecuteScalarAsync());
    }

    private static async Task AssertBinsMatchAsync(NpgsqlConnection conn, string when)
    {
        var expected = new Dictionary<(int Z, int X, int Y, string Kind), (int N, double Sx, double Sy)>();
        await using (var cmd = new NpgsqlCommand("SELECT kind, ST_X(geom), ST_Y(geom) FROM assets", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
            {
                var (kind, lon, lat) = (r.GetString(0), r.GetDouble(1), r.GetDouble(2));
                for (var z = AssetBins.MinCellZoom; z <= AssetBins.MaxCellZoom; z++)
                {
                    var key = (z, TileX(lon, z), TileY(lat, z), kind);
                    var (n, sx, sy) = expected.GetValueOrDefault(key);
                    expected[key] = (n + 1, sx + lon, sy + lat);
                }
            }
        Assert.True(expected.Count > 100, $"{when}: too few bins to test ({expected.Count})");
        var actual = new Dictionary<(int, int, int, string), (int N, double Sx, double Sy)>();
        await using (var cmd = new NpgsqlCommand("SELECT z, x, y, kind, n, sx, sy FROM asset_bins WHERE n <> 0", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
                actual[(r.GetInt16(0), r.GetInt32(1), r.GetInt32(2), r.GetString(3))] = (r.GetInt32(4), r.GetDouble(5), r.GetDouble(6));
        var missing = expected.Keys.Except(actual.Keys).Take(3).ToList();
        var extra = actual.Keys.Except(expected.Keys).Take(3).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0, $"{when}: bins missing {string.Join(";", missing)}, extra {string.Join(";", extra)}");
        foreach (var (key, e) in expected)
        {
            var a = actual[key];
            Assert.True(e.N == a.N, $"{when}: {key} n {a.N}, expected {e.N}");
            Assert.True(Math.Abs(e.Sx - a.Sx) < 1e-6 && Math.Abs(e.Sy - a.Sy) < 1e-6,
                string.Create(CultureInfo.InvariantCulture, $"{when}: {key} sums {a.Sx},{a.Sy}, expected {e.Sx},{e.Sy}"));
        }
    }

    // the slippy-map (Web Mercator) tile numbers: https://wiki.openstreetmap.org/wiki/Slippy_map_tilenames
    private static int TileX(double lon, int z) => (int)Math.Floor((lon + 180.0) / 360.0 * (1 << z));

    private static int TileY(double lat, int z)
    {
        var rad = lat * Math.PI / 180.0;
        return (int)Math.Floor((1.0 - Math.Asinh(Math.Tan(rad)) / Math.PI) / 2.0 * (1 << z));
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
