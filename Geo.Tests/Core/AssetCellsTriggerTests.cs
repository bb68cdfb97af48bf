using System.Globalization;
using Geo.Core.Data.Sql;
using Geo.Tests.Infrastructure;
using Npgsql;

namespace Geo.Tests.Core;

/// <summary>The street-zoom summary <c>asset_cells</c> (z15–z16 tiles) stays equal to an independent recount in C#
/// (slippy-map cell numbers at z21, the z16 key, counts, coordinate, id and synthetic sums) after inserts, moves,
/// kind and synthetic changes and deletes in single- and multi-row statements; and a one-asset cell's id sum is
/// that asset's id.</summary>
public sealed class AssetCellsTriggerTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private const string Kinds = "ARRAY['shop','kiosk','shelter','camera']";

    [Fact]
    public async Task Cells_equal_an_independent_recount_after_every_kind_of_write()
    {
        await using var conn = await db.DataSource.OpenConnectionAsync();
        await ExecAsync(conn, "TRUNCATE assets RESTART IDENTITY CASCADE");
        // spread points (mostly one per cell) and 400 piled on 20 spots (many per cell)
        await ExecAsync(conn, $"""
            INSERT INTO assets (kind, name, status, source, external_id, geom, synthetic, attributes)
            SELECT k, 'a' || i, 'online', 'cells-test', 'e' || i,
                   CASE WHEN i <= 400 THEN ST_SetSRID(ST_MakePoint(116.70 + (i % 20) * 0.0003 + random() * 0.00001, 39.90 + random() * 0.00001), 4326)
                        ELSE ST_SetSRID(ST_MakePoint(116.60 + (i % 97) * 0.00137 + random() * 0.0001, 39.80 + (i % 89) * 0.00113 + random() * 0.0001), 4326) END,
                   i % 3 = 0, jsonb_build_object('kind', k)
            FROM generate_series(1, 3000) i, LATERAL (SELECT ({Kinds})[1 + i % 4] AS k) kk
            """);
        await AssertCellsMatchAsync(conn, "after the bulk insert");
        await ExecAsync(conn, """
            INSERT INTO assets (kind, name, status, source, external_id, geom, synthetic, attributes)
            VALUES ('shelter', 's', 'online', 'cells-test', 'single', ST_SetSRID(ST_MakePoint(116.9, 40.0), 4326), false, '{"kind":"shelter"}')
            """);
        await ExecAsync(conn, "UPDATE assets SET geom = ST_Translate(geom, 0.0031, -0.0017) WHERE id % 7 = 0");
        await ExecAsync(conn, "UPDATE assets SET kind = 'kiosk', attributes = '{\"kind\":\"kiosk\"}' WHERE kind = 'shop' AND id % 5 = 0");
        await ExecAsync(conn, "UPDATE assets SET synthetic = NOT synthetic WHERE id % 13 = 0");
        await ExecAsync(conn, "UPDATE assets SET name = name || '!' WHERE id % 11 = 0"); // nets to nothing
        await AssertCellsMatchAsync(conn, "after the updates");
        await ExecAsync(conn, "DELETE FROM assets WHERE id % 3 = 0");
        await AssertCellsMatchAsync(conn, "after the deletes");

        // a cell of one asset names it: its id sum is the id, its mean position the asset's position
        await using var single = new NpgsqlCommand("""
            SELECT count(*), count(*) FILTER (WHERE a.id IS NULL OR a.kind <> c.kind OR abs(ST_X(a.geom) - c.sx) > 1e-9 OR abs(ST_Y(a.geom) - c.sy) > 1e-9)
            FROM asset_cells c LEFT JOIN assets a ON a.id = c.sid WHERE c.n = 1
            """, conn);
        await using var r = await single.ExecuteReaderAsync();
        await r.ReadAsync();
        Assert.True(r.GetInt64(0) > 100, $"{r.GetInt64(0)} one-asset cells");
        Assert.Equal(0L, r.GetInt64(1));
        await r.CloseAsync();

        // the SQL recount agrees too, and TRUNCATE empties the summary
        await using (var sql = new NpgsqlCommand($"""
            SELECT count(*) FROM ({AssetCells.RecountQuery}) r
            FULL JOIN (SELECT * FROM asset_cells WHERE n <> 0) b USING (t, x, y, kind)
            WHERE r.n IS DISTINCT FROM b.n OR r.sid IS DISTINCT FROM b.sid OR r.ns IS DISTINCT FROM b.ns OR abs(r.sx - b.sx) > 1e-6 OR abs(r.sy - b.sy) > 1e-6
            """, conn))
            Assert.Equal(0L, await sql.ExecuteScalarAsync());
        await ExecAsync(conn, "TRUNCATE assets RESTART IDENTITY CASCADE");
        await using (var left = new NpgsqlCommand("SELECT count(*) FROM asset_cells", conn))
            Assert.Equal(0L, await left.ExecuteScalarAsync());
    }

    private static async Task AssertCellsMatchAsync(NpgsqlConnection conn, string when)
    {
        var expected = new Dictionary<(long T, int X, int Y, string Kind), (int N, double Sx, double Sy, long Sid, int Ns)>();
        await using (var cmd = new NpgsqlCommand("SELECT id, kind, ST_X(geom), ST_Y(geom), synthetic FROM assets", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
            {
                var (id, kind, lon, lat, synthetic) = (r.GetInt64(0), r.GetString(1), r.GetDouble(2), r.GetDouble(3), r.GetBoolean(4));
                var key = ((long)TileX(lon, 16) << 16 | (long)TileY(lat, 16), TileX(lon, 21), TileY(lat, 21), kind);
                var (n, sx, sy, sid, ns) = expected.GetValueOrDefault(key);
                expected[key] = (n + 1, sx + lon, sy + lat, sid + id, ns + (synthetic ? 1 : 0));
            }
        Assert.True(expected.Values.Count(v => v.N > 1) > 10, $"{when}: too few shared cells to test");
        var actual = new Dictionary<(long, int, int, string), (int N, double Sx, double Sy, long Sid, int Ns)>();
        await using (var cmd = new NpgsqlCommand("SELECT t, x, y, kind, n, sx, sy, sid, ns FROM asset_cells WHERE n <> 0", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
                actual[(r.GetInt64(0), r.GetInt32(1), r.GetInt32(2), r.GetString(3))] = (r.GetInt32(4), r.GetDouble(5), r.GetDouble(6), r.GetInt64(7), r.GetInt32(8));
        var missing = expected.Keys.Except(actual.Keys).Take(3).ToList();
        var extra = actual.Keys.Except(expected.Keys).Take(3).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0, $"{when}: cells missing {string.Join(";", missing)}, extra {string.Join(";", extra)}");
        foreach (var (key, e) in expected)
        {
            var a = actual[key];
            Assert.True(e.N == a.N && e.Sid == a.Sid && e.Ns == a.Ns, $"{when}: {key} n/sid/ns {a.N}/{a.Sid}/{a.Ns}, expected {e.N}/{e.Sid}/{e.Ns}");
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
