using System.Diagnostics;
using Geo.Core.Data;
using Geo.Core.Domain;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Ingest.Generation;

/// <summary>Writes a generated data set in one transaction: replaces every synthetic grid cell and asset,
/// updates the subdistrict/community polygons in place (their ids survive regeneration, and so do rows
/// elsewhere that point at them), and leaves real assets alone apart from re-assigning their regions.</summary>
internal static class DatasetWriter
{
    private const string RegionColumns = "level, code, name, parent_id, unit_type, geom, population, population_60_plus, grid_manager, grid_manager_phone, pilot, synthetic";

    private const string UpsertRegionSql = $"""
        INSERT INTO regions ({RegionColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, $9, $10)
        ON CONFLICT (code) DO UPDATE SET level = EXCLUDED.level, name = EXCLUDED.name, parent_id = EXCLUDED.parent_id,
            unit_type = EXCLUDED.unit_type, geom = EXCLUDED.geom, population = EXCLUDED.population,
            population_60_plus = EXCLUDED.population_60_plus, pilot = EXCLUDED.pilot, synthetic = EXCLUDED.synthetic
        RETURNING id
        """;

    public static async Task<long> WriteAsync(NpgsqlDataSource ds, GeneratedDataset data, TextWriter log, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var layout = data.Layout;
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        // the generated registry households live in the synthetic buildings: they go with them (`care demo`, run by
        // ./geo run, makes them again for the new buildings); households staff registered stay
        await ExecAsync(conn, "DELETE FROM care_registry WHERE synthetic AND created_by = 'generator'", ct);
        // synthetic assets first, so deleting the cells below has no references left to null out
        await ExecAsync(conn, "DELETE FROM assets WHERE synthetic", ct);
        await ExecAsync(conn, "DELETE FROM regions WHERE level = 'grid_cell' AND synthetic", ct);

        var district = new LayoutRegion
        {
            Level = RegionLevel.District, Code = RealLayers.DistrictCode, Name = RealLayers.DistrictName,
            Geom = layout.District, Population = data.DistrictPopulation, Population60Plus = data.DistrictPopulation60Plus,
        };
        var districtId = (await UpsertAsync(conn, [district], _ => null, synthetic: false, ct))[0];
        var subIds = await UpsertAsync(conn, layout.Subdistricts, _ => districtId, synthetic: true, ct);
        var commIds = await UpsertAsync(conn, layout.Communities, c => subIds[c.ParentIndex], synthetic: true, ct);
        var cellIds = await CopyCellsAsync(conn, layout.Cells, commIds, ct);
        log.WriteLine($"regions: 1 district, {subIds.Length} subdistricts, {commIds.Length} communities, {cellIds.Length} grid cells ({sw.Elapsed.TotalSeconds:F1} s)");

        var rows = data.Assets().Select(g =>
        {
            g.Asset.GridCellId = cellIds[g.Cell];
            g.Asset.CommunityId = commIds[layout.Cells[g.Cell].ParentIndex];
            return g.Asset;
        });
        var n = (long)await AssetBulkWriter.CopyAsync(conn, "assets", rows, withRowNumbers: false, ct);
        log.WriteLine($"assets: {n:N0} synthetic rows copied ({sw.Elapsed.TotalSeconds:F1} s)");

        // real assets (shelters, imports) keep their rows; only their region ids follow the new polygons
        await ExecAsync(conn, """
            UPDATE assets a SET grid_cell_id = c.id, community_id = c.parent_id
            FROM regions c
            WHERE NOT a.synthetic AND c.level = 'grid_cell'
              AND ST_Intersects(c.geom, CASE WHEN ST_Dimension(a.geom) = 0 THEN ST_GeometryN(a.geom, 1) ELSE ST_PointOnSurface(a.geom) END)
            """, ct);
        await ExecAsync(conn, "UPDATE assets SET community_id = NULL WHERE NOT synthetic AND grid_cell_id IS NULL AND community_id IS NOT NULL", ct);
        await tx.CommitAsync(ct);
        await ExecAsync(conn, "ANALYZE regions; ANALYZE assets", ct);
        log.WriteLine($"committed in {sw.Elapsed.TotalSeconds:F1} s");
        return n;
    }

    private static async Task<long[]> UpsertAsync(NpgsqlConnection conn, IReadOnlyList<LayoutRegion> regions, Func<LayoutRegion, long?> parent, bool synthetic, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn);
        foreach (var r in regions)
        {
            var cmd = new NpgsqlBatchCommand(UpsertRegionSql);
            cmd.Parameters.Add(new NpgsqlParameter { Value = r.Level.Code() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = r.Code });
            cmd.Parameters.Add(new NpgsqlParameter { Value = r.Name });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)parent(r) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)r.UnitType ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = r.Geom, NpgsqlDbType = NpgsqlDbType.Geometry });
            cmd.Parameters.Add(new NpgsqlParameter { Value = r.Population });
            cmd.Parameters.Add(new NpgsqlParameter { Value = r.Population60Plus });
            cmd.Parameters.Add(new NpgsqlParameter { Value = r.Pilot });
            cmd.Parameters.Add(new NpgsqlParameter { Value = synthetic });
            batch.BatchCommands.Add(cmd);
        }
        var ids = new long[regions.Count];
        await using var reader = await batch.ExecuteReaderAsync(ct);
        for (var i = 0; i < ids.Length; i++)
        {
            if (i > 0) await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            ids[i] = reader.GetInt64(0);
        }
        return ids;
    }

    /// <summary>Binary COPY of the grid cells, then their ids read back by code (COPY returns none).</summary>
    private static async Task<long[]> CopyCellsAsync(NpgsqlConnection conn, IReadOnlyList<LayoutRegion> cells, long[] communityIds, CancellationToken ct)
    {
        await using (var w = await conn.BeginBinaryImportAsync($"COPY regions ({RegionColumns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var c in cells)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(c.Level.Code(), NpgsqlDbType.Text, ct);
                await w.WriteAsync(c.Code, NpgsqlDbType.Text, ct);
                await w.WriteAsync(c.Name, NpgsqlDbType.Text, ct);
                await w.WriteAsync(communityIds[c.ParentIndex], NpgsqlDbType.Bigint, ct);
                await w.WriteNullAsync(ct);
                await w.WriteAsync(c.Geom, NpgsqlDbType.Geometry, ct);
                await w.WriteAsync(c.Population, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(c.Population60Plus, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(c.GridManager!, NpgsqlDbType.Text, ct);
                await w.WriteAsync(c.GridManagerPhone!, NpgsqlDbType.Text, ct);
                await w.WriteAsync(false, NpgsqlDbType.Boolean, ct);
                await w.WriteAsync(true, NpgsqlDbType.Boolean, ct);
            }
            await w.CompleteAsync(ct);
        }
        var byCode = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT code, id FROM regions WHERE level = 'grid_cell'", conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) byCode[reader.GetString(0)] = reader.GetInt64(1);
        }
        return cells.Select(c => byCode[c.Code]).ToArray();
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
