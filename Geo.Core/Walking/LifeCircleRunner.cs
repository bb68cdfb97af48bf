using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Walking;

public sealed record LifeCircleRun(long Id, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Trigger, int Buildings, long Residents, int Services, double ElapsedMs);

/// <summary>Loads buildings, services and regions, runs the analysis and stores one run with its per-region
/// rows, but only when its inputs changed since the last run. The change check is a fingerprint cheap enough
/// for a short schedule: count and latest updated_at of the relevant assets and of regions, and count plus an
/// integer checksum of the walking network's costs.</summary>
public static class LifeCircleRunner
{
    /// <summary>Runs kept (with their results); older ones are deleted when a new run is stored.</summary>
    public const int KeepRuns = 200;

    private static readonly string[] InputKinds = [.. ServiceReach.ServiceKinds, "residential_building"];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task<(string Assets, string Network)> FingerprintAsync(NpgsqlDataSource ds, CancellationToken ct)
    {
        await using var cmd = ds.CreateCommand("""
            SELECT (SELECT count(*) || '/' || COALESCE(max(updated_at)::text, '') FROM assets WHERE kind = ANY($1))
                   || '|' || (SELECT count(*) || '/' || COALESCE(max(updated_at)::text, '') FROM regions),
                   (SELECT count(*) || '/' || COALESCE(sum(round(cost * 1000)::bigint + round(reverse_cost * 1000)::bigint), 0)
                           || '/' || COALESCE(max(id), 0) FROM walk_edges)
            """);
        cmd.Parameters.AddWithValue(InputKinds);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetString(0), r.GetString(1));
    }

    /// <summary>Recomputes when the fingerprint differs from the latest run's (or <paramref name="force"/>);
    /// returns the new run, or null when nothing changed or there is no walking network yet.</summary>
    public static async Task<LifeCircleRun?> RunIfChangedAsync(NpgsqlDataSource ds, WalkingGraphProvider graphs, WalkingProfile adult, WalkingProfile elderly, string trigger,
        bool force = false, CancellationToken ct = default)
    {
        var (assets, network) = await FingerprintAsync(ds, ct);
        // a different pace changes every answer: it is part of what the last run was computed from
        assets += "|" + adult.SpeedKmh.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/" + elderly.SpeedKmh.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string? lastAssets = null, lastNetwork = null;
        await using (var cmd = ds.CreateCommand("SELECT assets_fingerprint, network_fingerprint FROM life_circle_runs ORDER BY id DESC LIMIT 1"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (await r.ReadAsync(ct)) (lastAssets, lastNetwork) = (r.GetString(0), r.GetString(1));
        }
        if (!force && assets == lastAssets && network == lastNetwork) return null;
        // the process-wide graph is reloaded only when the network changed since the last run (and before the
        // first run, when a graph loaded at start-up may predate a network imported since)
        var graph = network != lastNetwork ? await graphs.RefreshAsync(ct: ct) : await graphs.GetAsync(ct);
        if (graph.EdgeCount == 0) return null;
        return await RunAsync(ds, graph, adult, elderly, trigger, assets, network, ct);
    }

    public static async Task<LifeCircleRun> RunAsync(NpgsqlDataSource ds, WalkingGraph graph, WalkingProfile adult, WalkingProfile elderly, string trigger, string assetsFingerprint,
        string networkFingerprint, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var sw = Stopwatch.StartNew();
        var (buildings, services, regions) = await LoadInputsAsync(ds, ct);
        // one search serves both paces: the walk is the same, only the 15-minute threshold differs
        var nearest = LifeCircleAnalysis.NearestByElement(graph, buildings, services, 15 * Math.Max(adult.MetresPerMinute, elderly.MetresPerMinute));
        var results = LifeCircleSummary.Summarise(regions, buildings, nearest, adult.MetresPerMinute, elderly.MetresPerMinute);
        var elapsed = sw.Elapsed.TotalMilliseconds;

        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        long runId;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO life_circle_runs (started_at, finished_at, trigger, assets_fingerprint, network_fingerprint, buildings, residents, services, elapsed_ms)
            VALUES ($1, now(), $2, $3, $4, $5, $6, $7, $8) RETURNING id
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(started);
            cmd.Parameters.AddWithValue(trigger);
            cmd.Parameters.AddWithValue(assetsFingerprint);
            cmd.Parameters.AddWithValue(networkFingerprint);
            cmd.Parameters.AddWithValue(buildings.Count);
            cmd.Parameters.AddWithValue(buildings.Sum(b => (long)b.Residents));
            cmd.Parameters.AddWithValue(services.Count);
            cmd.Parameters.AddWithValue(elapsed);
            runId = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY life_circle_results (run_id, region_id, level, residents, residents_60, share_all7, share_all7_60, per_element, gaps, " +
            "completeness_adult, completeness_elderly, share_all7_elderly_pace) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var r in results)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(runId, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(r.RegionId, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(r.Level, NpgsqlDbType.Text, ct);
                await w.WriteAsync(r.Residents, NpgsqlDbType.Double, ct);
                await w.WriteAsync(r.Residents60, NpgsqlDbType.Double, ct);
                await w.WriteAsync(r.ShareAll7, NpgsqlDbType.Double, ct);
                await w.WriteAsync(r.ShareAll7Elderly, NpgsqlDbType.Double, ct);
                await w.WriteAsync(JsonSerializer.Serialize(r.PerElement, Json), NpgsqlDbType.Jsonb, ct);
                await w.WriteAsync(JsonSerializer.Serialize(r.Gaps, Json), NpgsqlDbType.Jsonb, ct);
                await w.WriteAsync(r.Paces.CompletenessAdult, NpgsqlDbType.Double, ct);
                await w.WriteAsync(r.Paces.CompletenessElderly, NpgsqlDbType.Double, ct);
                await w.WriteAsync(r.Paces.ShareAll7ElderlyPace, NpgsqlDbType.Double, ct);
            }
            await w.CompleteAsync(ct);
        }
        // history for trends, bounded: runs happen at most every few minutes when data keeps changing
        await using (var prune = new NpgsqlCommand("DELETE FROM life_circle_runs WHERE id <= (SELECT id FROM life_circle_runs ORDER BY id DESC OFFSET $1 LIMIT 1)", conn, tx))
        {
            prune.Parameters.AddWithValue(KeepRuns);
            await prune.ExecuteNonQueryAsync(ct);
        }
        var finished = DateTimeOffset.UtcNow;
        await tx.CommitAsync(ct);
        return new LifeCircleRun(runId, started, finished, trigger, buildings.Count, buildings.Sum(b => (long)b.Residents), services.Count, elapsed);
    }

    public static async Task<(List<LifeCircleBuilding>, List<LifeCircleService>, List<LifeCircleRegion>)> LoadInputsAsync(NpgsqlDataSource ds, CancellationToken ct)
    {
        var buildings = new List<LifeCircleBuilding>();
        await using (var cmd = ds.CreateCommand("""
            SELECT id, community_id, COALESCE((attributes->>'residents')::int, 0), ST_X(p), ST_Y(p)
            FROM assets CROSS JOIN LATERAL ST_PointOnSurface(geom) p
            WHERE kind = 'residential_building' AND status <> 'planned'
            """))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
                buildings.Add(new(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.GetInt32(2), r.GetDouble(3), r.GetDouble(4)));
        }
        var services = new List<LifeCircleService>();
        await using (var cmd = ds.CreateCommand("""
            SELECT id, kind, attributes->>'category', ST_X(p), ST_Y(p)
            FROM assets CROSS JOIN LATERAL ST_PointOnSurface(geom) p
            WHERE kind = ANY($1) AND status = 'online'
            """))
        {
            cmd.Parameters.AddWithValue(ServiceReach.ServiceKinds);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var element = Array.IndexOf(LifeCircleAnalysis.Elements, ServiceReach.ElementOf(r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
                if (element >= 0) services.Add(new(r.GetInt64(0), element, r.GetDouble(3), r.GetDouble(4)));
            }
        }
        var regions = new List<LifeCircleRegion>();
        await using (var cmd = ds.CreateCommand("""
            SELECT id, level, code, name, parent_id, population, population_60_plus FROM regions
            WHERE level IN ('district', 'subdistrict', 'community')
            """))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
                regions.Add(new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetInt64(4), r.GetInt32(5), r.GetInt32(6)));
        }
        return (buildings, services, regions);
    }
}
