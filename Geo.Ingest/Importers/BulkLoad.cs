using Geo.Core.Data;
using Npgsql;

namespace Geo.Ingest.Importers;

/// <summary>The set-based half of an import. Three shapes, chosen per import by <see cref="AssetImporter"/>:
/// <list type="bullet">
/// <item>the source already has rows: COPY into a temp stage, then INSERT … ON CONFLICT (source, external_id)
/// DO UPDATE … WHERE the row differs, so unchanged rows are not rewritten (same updated_at, same xmin);</item>
/// <item>the source is new and small: COPY straight into assets (no stage, no second copy of the data);</item>
/// <item>the source is new and big (<see cref="SortedInsertAsync"/>): COPY into a temp stage, then one
/// INSERT … SELECT … ORDER BY geom into the live table, every index, CHECK, foreign key and trigger in place.</item>
/// </list>
/// No shape takes more than the ROW EXCLUSIVE lock an INSERT takes: readers of <c>assets</c> are never blocked
/// by an import (the earlier bulk mode dropped and rebuilt the indexes under ACCESS EXCLUSIVE, which stalled
/// <c>/api/nearby</c> for the whole load).</summary>
internal static class BulkLoad
{
    // counted, not estimated: the importer holds back up to this many accepted rows before it chooses the path
    public const int SortFromRows = 50_000;

    /// <summary>The backend checks its client socket this often while a statement runs, so a killed importer
    /// (kill -9, lost terminal) stops its server-side work within about this long instead of running the
    /// insert to the end and only then noticing (PostgreSQL 14+).</summary>
    public const string ClientCheckInterval = "1s";

    /// <summary>work_mem for the set-based statements of an import (the sort of the stage, the transition tables and
    /// the summary trigger's aggregates): at the stock 4MB a 200k-row load sorted and aggregated on disk.</summary>
    public const string WorkMem = "128MB";

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

    /// <summary>The stored import digests of a source's rows (rows without one are left out: they were changed since
    /// their import, or imported before digests existed, and go through the full comparison). A set of digests is
    /// enough: a digest covers the source and the external id, so a parsed row whose digest is in the set is the
    /// stored row of the same (source, external_id), unchanged.</summary>
    public static async Task<HashSet<UInt128>> StoredDigestsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string source, CancellationToken ct)
    {
        var set = new HashSet<UInt128>();
        await using var cmd = new NpgsqlCommand("SELECT import_digest FROM assets WHERE source = $1 AND import_digest IS NOT NULL", conn, tx) { CommandTimeout = 0 };
        cmd.Parameters.AddWithValue(source);
        await using var r = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        var buffer = new byte[AssetDigest.Length];
        while (await r.ReadAsync(ct))
            if (r.GetBytes(0, 0, buffer, 0, buffer.Length) == AssetDigest.Length) set.Add(AssetDigest.FromBytes(buffer));
        return set;
    }

    /// <summary>A new source big enough (<paramref name="rows"/> accepted so far) to go through the stage and the spatially sorted insert.</summary>
    public static bool WorthSorting(long rows, long threshold) => threshold <= 0 || rows >= threshold;

    /// <summary>stage → assets for a big new source, in PostGIS's geometry order (a Hilbert curve since 3.1):
    /// consecutive rows land on the same GiST leaf pages and heap pages, so maintaining the indexes row by row
    /// touches a few hot pages instead of the whole index, and the heap is clustered for the tile and bbox
    /// queries that read it afterwards. Ids follow that order. A rule the database enforces (a CHECK or a
    /// CHECK) that a row breaks is reported with the row's number, as the direct COPY reports it, found again in the stage.</summary>
    public static async Task<long> SortedInsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string stage, List<(string Phase, TimeSpan Time)>? breakdown, CancellationToken ct)
    {
        await ExecAsync(conn, tx, $"SET LOCAL work_mem = '{WorkMem}'; SAVEPOINT sorted_insert", ct);
        try
        {
            var insert = $"INSERT INTO assets ({AssetBulkWriter.Columns}) SELECT {AssetBulkWriter.Columns} FROM {stage} ORDER BY geom, row_no";
            if (breakdown is not null) return await ProfiledAsync(conn, tx, insert, breakdown, ct);
            await using var cmd = new NpgsqlCommand(insert, conn, tx) { CommandTimeout = 0 };
            return await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.ConstraintName is { } constraint && e.SqlState is PostgresErrorCodes.CheckViolation)
        {
            await ExecAsync(conn, tx, "ROLLBACK TO SAVEPOINT sorted_insert", ct);
            var row = await FirstRowBreakingAsync(conn, tx, stage, constraint, ct);
            throw new ImportException(row is null
                ? $"{e.MessageText} ({constraint})"
                : $"data row {row} (in file order): {e.MessageText} ({constraint})");
        }
    }

    /// <summary>Runs <paramref name="insert"/> (an INSERT … SELECT) under EXPLAIN (ANALYZE, FORMAT JSON): the writes
    /// happen as without it, and the plan says where the time went. Returns the rows inserted.</summary>
    private static async Task<long> ProfiledAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string insert, List<(string Phase, TimeSpan Time)> breakdown, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + insert, conn, tx) { CommandTimeout = 0 };
        using var doc = System.Text.Json.JsonDocument.Parse((string)(await cmd.ExecuteScalarAsync(ct))!);
        var root = doc.RootElement[0];
        var plan = root.GetProperty("Plan");
        var input = plan.GetProperty("Plans")[0]; // the sorted SELECT feeding the insert
        static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);
        var inputMs = input.GetProperty("Actual Total Time").GetDouble();
        breakdown.Add(("read stage + sort", Ms(inputMs)));
        breakdown.Add(("rows + CHECKs + indexes", Ms(plan.GetProperty("Actual Total Time").GetDouble() - inputMs)));
        var fk = 0.0;
        foreach (var t in root.GetProperty("Triggers").EnumerateArray())
        {
            var name = t.GetProperty("Trigger Name").GetString()!;
            var ms = t.GetProperty("Time").GetDouble();
            if (name.StartsWith("RI_", StringComparison.Ordinal) || t.TryGetProperty("Constraint Name", out _)) fk += ms;
            else breakdown.Add(($"trigger {name}", Ms(ms)));
        }
        breakdown.Insert(2, ("foreign key checks", Ms(fk)));
        return input.GetProperty("Actual Rows").GetInt64();
    }

    /// <summary>The stage's first row (in file order) that fails the CHECK named <paramref name="constraint"/>
    /// of assets. The expression comes from the catalog, never from input; the stage has the same column names.</summary>
    private static async Task<long?> FirstRowBreakingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string stage, string constraint, CancellationToken ct)
    {
        await using var def = new NpgsqlCommand("SELECT pg_get_expr(conbin, conrelid) FROM pg_constraint WHERE conrelid = 'assets'::regclass AND conname = $1 AND contype = 'c'", conn, tx);
        def.Parameters.AddWithValue(constraint);
        if (await def.ExecuteScalarAsync(ct) is not string expr) return null;
        await using var find = new NpgsqlCommand($"SELECT min(row_no) FROM {stage} WHERE NOT ({expr})", conn, tx) { CommandTimeout = 0 };
        return await find.ExecuteScalarAsync(ct) is long n ? n : null;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<(long, long)> MergeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string stage, CancellationToken ct)
    {
        // Region ids we could not assign stay NULL on insert (the trigger fills them) and fall back to the
        // stored ones on update (the trigger recomputes them if the geometry moved).
        // Rows equal to the stored ones are left out before the INSERT: ON CONFLICT DO UPDATE locks every conflicting
        // row (a tuple lock written to the heap and the WAL) even when its WHERE then skips the update, so an
        // unchanged re-import used to write 1M row locks. The anti-join reads the source's rows once (hash join);
        // ON CONFLICT stays for rows that differ or that a concurrent writer added meanwhile.
        var staged = AssetBulkWriter.Columns.Split(", ").Select(c => "s." + c);
        var sql = $"""
            WITH up AS (
                INSERT INTO assets AS a ({AssetBulkWriter.Columns})
                SELECT {string.Join(", ", staged)} FROM {stage} s
                LEFT JOIN assets o ON o.source = s.source AND o.external_id = s.external_id
                WHERE o.id IS NULL
                   OR (o.kind, o.name, o.status, o.synthetic, o.attributes) IS DISTINCT FROM (s.kind, s.name, s.status, s.synthetic, s.attributes)
                   OR ST_AsEWKB(o.geom) IS DISTINCT FROM ST_AsEWKB(s.geom)
                   OR (s.grid_cell_id IS NOT NULL AND (o.grid_cell_id, o.community_id) IS DISTINCT FROM (s.grid_cell_id, s.community_id))
                ORDER BY s.row_no
                ON CONFLICT (source, external_id) DO UPDATE SET
                    kind = EXCLUDED.kind, name = EXCLUDED.name, status = EXCLUDED.status, geom = EXCLUDED.geom,
                    synthetic = EXCLUDED.synthetic, attributes = EXCLUDED.attributes,
                    community_id = COALESCE(EXCLUDED.community_id, a.community_id),
                    grid_cell_id = COALESCE(EXCLUDED.grid_cell_id, a.grid_cell_id),
                    import_digest = EXCLUDED.import_digest
                WHERE (a.kind, a.name, a.status, a.synthetic, a.attributes)
                          IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.name, EXCLUDED.status, EXCLUDED.synthetic, EXCLUDED.attributes)
                   OR ST_AsEWKB(a.geom) IS DISTINCT FROM ST_AsEWKB(EXCLUDED.geom)
                   OR (EXCLUDED.grid_cell_id IS NOT NULL
                       AND (a.grid_cell_id, a.community_id) IS DISTINCT FROM (EXCLUDED.grid_cell_id, EXCLUDED.community_id))
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up
            """;
        // a fresh temp table has no statistics: without them the anti-join is planned for a guess
        await ExecAsync(conn, tx, $"SET LOCAL work_mem = '{WorkMem}'; ANALYZE {stage}", ct);
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt64(0), r.GetInt64(1));
    }
}
