using Geo.Core.Data;
using Npgsql;

namespace Geo.Ingest.Importers;

/// <summary>The set-based half of an import: stage → assets. Three shapes, chosen per import:
/// <list type="bullet">
/// <item>the source already has rows: INSERT … ON CONFLICT (source, external_id) DO UPDATE … WHERE the
/// row differs, so unchanged rows are not rewritten (same updated_at, same xmin);</item>
/// <item>the source is new: a plain INSERT (no speculative insertion per row);</item>
/// <item>and when that new load is big and at least as large as the table, the non-unique indexes are
/// dropped and rebuilt inside the same transaction (one sorted build instead of a million random
/// inserts). DDL is transactional: no other session ever sees the table without its indexes; they wait
/// on the lock instead, which is the price of a bulk load.</item>
/// </list></summary>
internal static class BulkLoad
{
    public const int RebuildIndexesFrom = 100_000;

    public static async Task<(long Inserted, long Updated)> UpsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string stage, string source, long rows, CancellationToken ct)
    {
        await using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM assets WHERE source = $1)", conn, tx))
        {
            exists.Parameters.AddWithValue(source);
            if ((bool)(await exists.ExecuteScalarAsync(ct))!) return await MergeAsync(conn, tx, stage, ct);
        }
        var rebuild = rows >= RebuildIndexesFrom && rows >= await TableRowsEstimateAsync(conn, tx, ct);
        var indexes = rebuild ? await DropSecondaryIndexesAsync(conn, tx, ct) : [];
        long inserted;
        await using (var insert = new NpgsqlCommand($"INSERT INTO assets ({AssetBulkWriter.Columns}) SELECT {AssetBulkWriter.Columns} FROM {stage} ORDER BY row_no", conn, tx) { CommandTimeout = 0 })
        {
            inserted = await insert.ExecuteNonQueryAsync(ct);
        }
        foreach (var create in indexes)
        {
            await using var cmd = new NpgsqlCommand(create, conn, tx) { CommandTimeout = 0 };
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return (inserted, 0);
    }

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
            WHERE i.indrelid = 'assets'::regclass AND NOT i.indisunique AND NOT i.indisprimary
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
