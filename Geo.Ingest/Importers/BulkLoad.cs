using Geo.Core.Data;
using Npgsql;

namespace Geo.Ingest.Importers;

/// <summary>The set-based half of an import. Three shapes, chosen per import by <see cref="AssetImporter"/>:
/// <list type="bullet">
/// <item>the source already has rows: COPY into a temp stage, then INSERT … ON CONFLICT (source, external_id)
/// DO UPDATE … WHERE the row differs, so unchanged rows are not rewritten (same updated_at, same xmin);</item>
/// <item>the source is new: COPY straight into assets (no stage, no second copy of the data);</item>
/// <item>and when that new load is big and at least as large as the table, bulk mode around that COPY
/// (<see cref="BeginBulkAsync"/> / <see cref="EndBulkAsync"/>): indexes and region foreign keys rebuilt and
/// re-validated set-based, row triggers off for the COPY, all inside the import's one transaction.</item>
/// </list></summary>
internal static class BulkLoad
{
    // compared with an estimate from the first block of the file, which runs low by up to one read-ahead
    // buffer (a 100,000-row CSV came out under 100,000): half the size that made bulk mode pay
    public const int RebuildIndexesFrom = 50_000;

    /// <summary>stage → assets for a source that already has rows (a new source is COPYed straight into assets).</summary>
    public static Task<(long Inserted, long Updated)> UpsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string stage, CancellationToken ct) =>
        MergeAsync(conn, tx, stage, ct);

    /// <summary>Whether the source already has rows (then the stage + merge path runs).</summary>
    public static async Task<bool> SourceExistsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string source, CancellationToken ct)
    {
        await using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM assets WHERE source = $1)", conn, tx);
        exists.Parameters.AddWithValue(source);
        return (bool)(await exists.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A new source big enough (and at least as large as the table) to load in bulk mode.</summary>
    public static async Task<bool> WorthBulkAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long estimatedRows, long threshold, CancellationToken ct) =>
        threshold <= 0 || (estimatedRows >= threshold && estimatedRows >= await TableRowsEstimateAsync(conn, tx, ct));

    /// <summary>What <see cref="BeginBulkAsync"/> took off <c>assets</c>, to put back in <see cref="EndBulkAsync"/>.</summary>
    public sealed record BulkState(List<string> Indexes, List<(string Name, string Def)> ForeignKeys);

    /// <summary>Bulk mode for a big new source, all inside the import's transaction (DDL is transactional:
    /// no other session ever sees <c>assets</c> without an index, a foreign key or a trigger; they wait on
    /// the ACCESS EXCLUSIVE lock until commit, the price of a bulk load). The secondary indexes and the two
    /// region foreign keys are dropped, to be rebuilt and re-validated set-based afterwards (one sorted build
    /// and one anti-join instead of a million random inserts and two million RI probes); the per-row region
    /// trigger (its work is done in C#; rows left without ids are assigned by it afterwards) and the
    /// per-statement tile trigger (the importer publishes the same change itself) are disabled for the COPY,
    /// which lets COPY batch its heap inserts. Every CHECK still runs on every row.</summary>
    public static async Task<BulkState> BeginBulkAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await ExecAsync(conn, tx, "LOCK TABLE assets IN ACCESS EXCLUSIVE MODE; SET LOCAL maintenance_work_mem = '256MB'", ct);
        var fks = new List<(string, string)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = 'assets'::regclass AND contype = 'f' AND confrelid = 'regions'::regclass
            """, conn, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) fks.Add((r.GetString(0), r.GetString(1)));
        }
        foreach (var (name, _) in fks) await ExecAsync(conn, tx, $"ALTER TABLE assets DROP CONSTRAINT {Quote(name)}", ct);
        var indexes = await DropSecondaryIndexesAsync(conn, tx, ct);
        await ExecAsync(conn, tx, $"ALTER TABLE assets DISABLE TRIGGER {RegionTrigger}, DISABLE TRIGGER {TileTrigger}", ct);
        return new BulkState(indexes, fks);
    }

    private const string RegionTrigger = "trg_assets_assign_regions", TileTrigger = "trg_assets_tiles_ins";

    /// <summary>Puts back what <see cref="BeginBulkAsync"/> took off: triggers, region ids for rows the
    /// importer left without (through the region trigger, as a plain insert would have), indexes, and the
    /// foreign keys (ADD CONSTRAINT checks every row in one query); then the tile change (change feed) for the extent.</summary>
    public static async Task EndBulkAsync(NpgsqlConnection conn, NpgsqlTransaction tx, BulkState state, string source, long unassigned, NetTopologySuite.Geometries.Envelope extent, CancellationToken ct)
    {
        await ExecAsync(conn, tx, $"ALTER TABLE assets ENABLE TRIGGER {RegionTrigger}, ENABLE TRIGGER {TileTrigger}", ct);
        if (unassigned > 0)
        {
            // the update trigger assigns NULL region ids (and its own change-feed row covers these rows)
            await using var fill = new NpgsqlCommand("UPDATE assets SET grid_cell_id = NULL, community_id = NULL WHERE source = $1 AND (grid_cell_id IS NULL OR community_id IS NULL)", conn, tx) { CommandTimeout = 0 };
            fill.Parameters.AddWithValue(source);
            await fill.ExecuteNonQueryAsync(ct);
        }
        foreach (var create in state.Indexes) await ExecAsync(conn, tx, create, ct);
        foreach (var (name, def) in state.ForeignKeys) await ExecAsync(conn, tx, $"ALTER TABLE assets ADD CONSTRAINT {Quote(name)} {def}", ct);
        if (!extent.IsNull)
        {
            await using var notify = new NpgsqlCommand("SELECT geo_publish($1, format('%s %s %s %s %s', 'assets', $2, $3, $4, $5))", conn, tx);
            notify.Parameters.AddWithValue(Geo.Core.Data.Sql.TileTriggers.Channel);
            foreach (var v in (double[])[extent.MinX, extent.MinY, extent.MaxX, extent.MaxY]) notify.Parameters.AddWithValue(v);
            await notify.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task ExecAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    private static async Task<(long, long)> MergeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string stage, CancellationToken ct)
    {
        // Region ids we could not assign stay NULL on insert (the trigger fills them) and fall back to the
        // stored ones on update (the trigger recomputes them if the geometry moved).
        var sql = $"""
            WITH up AS (
                INSERT INTO assets AS a ({AssetBulkWriter.Columns})
                SELECT {AssetBulkWriter.Columns} FROM {stage} ORDER BY row_no
                ON CONFLICT (source, external_id) DO UPDATE SET
                    kind = EXCLUDED.kind, name = EXCLUDED.name, status = EXCLUDED.status, geom = EXCLUDED.geom,
                    synthetic = EXCLUDED.synthetic, attributes = EXCLUDED.attributes,
                    community_id = COALESCE(EXCLUDED.community_id, a.community_id),
                    grid_cell_id = COALESCE(EXCLUDED.grid_cell_id, a.grid_cell_id)
                WHERE (a.kind, a.name, a.status, a.synthetic, a.attributes)
                          IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.name, EXCLUDED.status, EXCLUDED.synthetic, EXCLUDED.attributes)
                   OR ST_AsEWKB(a.geom) IS DISTINCT FROM ST_AsEWKB(EXCLUDED.geom)
                   OR (EXCLUDED.grid_cell_id IS NOT NULL
                       AND (a.grid_cell_id, a.community_id) IS DISTINCT FROM (EXCLUDED.grid_cell_id, EXCLUDED.community_id))
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up
            """;
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt64(0), r.GetInt64(1));
    }

    private static async Task<long> TableRowsEstimateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'assets'::regclass", conn, tx);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Drops the indexes that no constraint or ON CONFLICT needs and returns their exact
    /// definitions (as the migrations made them) to recreate after the load.</summary>
    private static async Task<List<string>> DropSecondaryIndexesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var defs = new List<(string Name, string Def)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = 'assets'::regclass AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            """, conn, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) defs.Add((r.GetString(0), r.GetString(1)));
        }
        foreach (var (name, _) in defs)
        {
            await using var drop = new NpgsqlCommand($"DROP INDEX \"{name.Replace("\"", "\"\"")}\"", conn, tx);
            await drop.ExecuteNonQueryAsync(ct);
        }
        return defs.Select(d => d.Def).ToList();
    }
}
