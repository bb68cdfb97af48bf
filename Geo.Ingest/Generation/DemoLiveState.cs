using Npgsql;

namespace Geo.Ingest.Generation;

/// <summary>What makes the demo alive at every `./geo run` (run by load-base, idempotent):
/// <list type="bullet">
/// <item>Sensor heartbeats. The generator stamps heartbeats on a fixed clock (<see cref="AssetCatalog.GeneratedAt"/>, so
/// its output is reproducible); read against the real clock they were weeks old, and the first heartbeat job marked all
/// generated sensors offline. Here each synthetic sensor's heartbeat is re-based to "now minus its generated age": the
/// sensors generated online start online (and stay so while `./geo simulate` or real devices report), the ones generated
/// offline stay offline.</item>
/// <item>A 90-day case history (<see cref="CaseHistoryMarker"/> in every description, reporter contact
/// "synthetic history"), so the dispatch board, SLA figures and statistics have something to show. Deterministic
/// (hash-based draws), added once.</item>
/// </list></summary>
internal static class DemoLiveState
{
    public const string CaseHistoryMarker = "【合成 synthetic】";
    public const int HistoryDays = 90;
    public const double CasesPerCell = 2.5;

    public static async Task RefreshAsync(NpgsqlDataSource ds, TextWriter log, CancellationToken ct = default)
    {
        await using (var hb = ds.CreateCommand("""
            INSERT INTO sensor_heartbeats AS h (asset_id, last_seen)
            SELECT id, now() - ($1 - (attributes->>'last_heartbeat')::timestamptz) FROM assets
            WHERE kind = 'sensor' AND synthetic AND attributes ? 'last_heartbeat'
            ON CONFLICT (asset_id) DO UPDATE SET last_seen = greatest(h.last_seen, excluded.last_seen)
            """))
        {
            hb.Parameters.AddWithValue(AssetCatalog.GeneratedAt.ToUniversalTime());
            await hb.ExecuteNonQueryAsync(ct);
        }
        await using (var online = ds.CreateCommand("""
            UPDATE assets SET status = 'online'
            WHERE kind = 'sensor' AND synthetic AND status = 'offline' AND $1 - (attributes->>'last_heartbeat')::timestamptz < interval '15 minutes'
            """))
        {
            online.Parameters.AddWithValue(AssetCatalog.GeneratedAt.ToUniversalTime());
            var n = await online.ExecuteNonQueryAsync(ct);
            log.WriteLine($"sensor heartbeats re-based to now{(n > 0 ? $" ({n} generated-online sensors back online)" : "")}");
        }
        var added = await SeedCaseHistoryAsync(ds, ct);
        log.WriteLine(added == 0 ? "synthetic case history present" : $"synthetic case history: {added:N0} cases over {HistoryDays} days");
    }

    /// <summary>Plausible proportions: categories weighted toward sanitation and parking; ~4% rejected; handling times
    /// spread around the category's limit, the slowest ~15% stuck well past it (overdue, ~40% of those escalated), so the
    /// board has open overdue and escalated cases too; cases of the last days still open at the stage their age suggests.</summary>
    private static async Task<long> SeedCaseHistoryAsync(NpgsqlDataSource ds, CancellationToken ct)
    {
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using (var check = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM incidents WHERE reporter_contact = 'synthetic history')", conn))
            if ((bool)(await check.ExecuteScalarAsync(ct))!) return 0;
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            CREATE TEMP TABLE hist ON COMMIT DROP AS
            WITH cells AS (SELECT id, parent_id, grid_manager, geom, row_number() OVER (ORDER BY id) AS rn
                           FROM regions WHERE level = 'grid_cell' AND synthetic),
            n AS (SELECT count(*) AS c FROM cells),
            draws AS (
                SELECT i,
                       ('x' || substr(md5(i::text || 'cell'), 1, 8))::bit(32)::bigint / 4294967296.0 AS rc,
                       ('x' || substr(md5(i::text || 'cat'), 1, 8))::bit(32)::bigint / 4294967296.0 AS rk,
                       ('x' || substr(md5(i::text || 'age'), 1, 8))::bit(32)::bigint / 4294967296.0 AS ra,
                       ('x' || substr(md5(i::text || 'out'), 1, 8))::bit(32)::bigint / 4294967296.0 AS ro,
                       ('x' || substr(md5(i::text || 'esc'), 1, 8))::bit(32)::bigint / 4294967296.0 AS re,
                       ('x' || substr(md5(i::text || 'src'), 1, 8))::bit(32)::bigint / 4294967296.0 AS rs
                FROM n, generate_series(1, (n.c * $1::float8)::int) AS i),
            cases AS (
                SELECT d.*, c.id AS cell, c.parent_id AS community, c.grid_manager, ST_GeometryN(ST_GeneratePoints(c.geom, 1, d.i::int), 1) AS geom,
                       CASE WHEN rk < 0.30 THEN 'sanitation' WHEN rk < 0.50 THEN 'illegal_parking' WHEN rk < 0.62 THEN 'road_damage'
                            WHEN rk < 0.74 THEN 'public_facility' WHEN rk < 0.86 THEN 'noise' WHEN rk < 0.90 THEN 'fire_hazard' ELSE 'other' END AS category,
                       CASE WHEN rs < 0.6 THEN 'resident' WHEN rs < 0.9 THEN 'staff' ELSE 'open311' END AS source,
                       now() - make_interval(secs => ra * $2::float8 * 86400) AS reported_at
                FROM draws d JOIN n ON true JOIN cells c ON c.rn = 1 + floor(d.rc * n.c)::int),
            timed AS (
                SELECT cs.*, k.name_zh, k.time_limit_hours,
                       cs.reported_at + make_interval(secs => k.time_limit_hours * 3600 * 1.4) AS deadline_at,
                       -- most cases close within the limit; the slowest 15% are stuck (3–9 limits), so open cases
                       -- past their deadline exist now, not only overdue closed ones (the board's overdue column)
                       cs.reported_at + make_interval(secs => k.time_limit_hours * 3600 *
                           CASE WHEN cs.ro > 0.85 THEN 3 + 40 * (cs.ro - 0.85) ELSE 0.2 + 1.25 * cs.ro * cs.ro END) AS done_at
                FROM cases cs JOIN incident_categories k ON k.code = cs.category)
            SELECT t.*,
                   CASE WHEN t.ro > 0.96 AND t.done_at < now() THEN 'rejected'
                        WHEN t.done_at < now() THEN 'closed'
                        ELSE (ARRAY['reported', 'registered', 'dispatched', 'in_progress', 'resolved'])[1 + least(4, floor(5 * extract(epoch FROM now() - t.reported_at) / extract(epoch FROM t.done_at - t.reported_at))::int)]
                   END AS status,
                   CASE WHEN least(t.done_at, now()) > t.deadline_at THEN t.deadline_at END AS overdue_at
            FROM timed t
            """, conn, tx) { CommandTimeout = 0 };
        cmd.Parameters.AddWithValue(CasesPerCell);
        cmd.Parameters.AddWithValue((double)HistoryDays);
        await cmd.ExecuteNonQueryAsync(ct);
        await using var ins = new NpgsqlCommand("""
            WITH ins AS (
                INSERT INTO incidents (category_code, status, description, geom, community_id, grid_cell_id, assignee, source, reporter_contact,
                                       reported_at, updated_at, deadline_at, overdue_at, escalated_at, closed_at)
                SELECT category, status, $1::text || name_zh || ' #' || i, geom, community, cell, grid_manager, source, 'synthetic history',
                       reported_at, least(done_at, now()), deadline_at, overdue_at,
                       CASE WHEN overdue_at IS NOT NULL AND re < 0.4 AND overdue_at + interval '4 hours' < now() THEN overdue_at + interval '4 hours' END,
                       CASE WHEN status = 'closed' THEN done_at END
                FROM hist ORDER BY reported_at
                RETURNING id, status, geom, reported_at, closed_at, updated_at)
            INSERT INTO incident_events (incident_id, action, from_status, to_status, actor, actor_role, at, geom, note)
            SELECT id, 'report', NULL, 'reported', 'synthetic', 'resident', reported_at, geom, 'synthetic history' FROM ins
            UNION ALL
            SELECT id, 'close', 'verified', 'closed', 'synthetic', 'planner', closed_at, NULL, 'synthetic history' FROM ins WHERE status = 'closed'
            UNION ALL
            SELECT id, 'reject', 'registered', 'rejected', 'synthetic', 'planner', updated_at, NULL, 'synthetic history' FROM ins WHERE status = 'rejected'
            """, conn, tx) { CommandTimeout = 0 };
        ins.Parameters.AddWithValue(CaseHistoryMarker);
        await ins.ExecuteNonQueryAsync(ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM hist", conn, tx);
        var n = (long)(await count.ExecuteScalarAsync(ct))!;
        await tx.CommitAsync(ct);
        return n;
    }
}
