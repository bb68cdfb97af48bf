using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Geo.Core.Incidents;

public sealed record ReadingIn(string ReadingId, long SensorId, double Value, DateTimeOffset MeasuredAt);

public sealed record ReadingsResult(int Accepted, int Duplicates, IReadOnlyList<long> NewIncidentIds);

/// <summary>Device readings → heartbeat → threshold alarm → incident (→ alarm linkage outbox), in one transaction.
/// Idempotent: readings are keyed by (sensor, reading id), and only readings that were new can raise alarms, so a
/// replayed or reordered batch changes nothing twice. One open alarm case per sensor and alarm type
/// (ux_incidents_open_alarm). A device key reports only for the sensors bound to it (api_key_sensors).</summary>
public sealed class SensorIntake(IDbContextFactory<GeoDbContext> dbs)
{
    public const int MaxBatch = 1000;

    /// <summary>A reading stamped further in the future than this is refused (a device clock gone wrong).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(10);

    /// <summary>Sensor types whose alarms go to the fire system (seed 3.3.1 "linked to the fire system").</summary>
    public static bool IsLinked(SensorType t) => t is SensorType.Smoke or SensorType.Gas or SensorType.ToxicGas;

    /// <summary>Records the batch or throws <see cref="GeoException"/> naming the reading at fault; nothing is written then.
    /// <paramref name="deviceKeyId"/>: the API key the batch came with; its bound sensors are the only ones it may report for
    /// (null: a trusted in-process caller).</summary>
    public async Task<ReadingsResult> RecordAsync(
        IReadOnlyList<ReadingIn> batch, DateTimeOffset now, long? deviceKeyId = null, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (batch.Count is 0 or > MaxBatch) throw GeoException.BadInput("readings", $"must hold 1–{MaxBatch} readings");
        var seen = new HashSet<(long, string)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var r = batch[i];
            if (string.IsNullOrWhiteSpace(r.ReadingId) || r.ReadingId.Length > 100) throw GeoException.BadInput($"readings[{i}].reading_id", "must be 1–100 characters");
            if (!double.IsFinite(r.Value)) throw GeoException.BadInput($"readings[{i}].value", "must be a finite number");
            if (r.MeasuredAt > now + MaxClockSkew) throw GeoException.BadInput($"readings[{i}].measured_at", $"is more than {MaxClockSkew.TotalMinutes:F0} minutes in the future");
            if (!seen.Add((r.SensorId, r.ReadingId))) throw GeoException.BadInput($"readings[{i}].reading_id", $"'{r.ReadingId}' appears twice for sensor {r.SensorId} in this batch");
        }

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            var ntx = (NpgsqlTransaction)tx.GetDbTransaction();

            var ids = batch.Select(r => r.SensorId).Distinct().ToArray();
            var sensors = new Dictionary<long, (string Name, SensorAttributes? Attrs, bool Bound)>();
            await using (var q = new NpgsqlCommand("""
                SELECT a.id, a.name, a.attributes::text,
                       $2::bigint IS NULL OR EXISTS (SELECT 1 FROM api_key_sensors k WHERE k.api_key_id = $2 AND k.asset_id = a.id)
                FROM assets a WHERE a.id = ANY($1) AND a.kind = 'sensor'
                """, conn, ntx))
            {
                q.Parameters.AddWithValue(ids);
                q.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, (object?)deviceKeyId ?? DBNull.Value);
                await using var rd = await q.ExecuteReaderAsync(ct);
                while (await rd.ReadAsync(ct))
                    sensors[rd.GetInt64(0)] = (rd.GetString(1), AssetJson.Deserialize(rd.GetString(2)) as SensorAttributes, rd.GetBoolean(3));
            }
            for (var i = 0; i < batch.Count; i++)
            {
                if (!sensors.TryGetValue(batch[i].SensorId, out var s))
                    throw GeoException.BadInput($"readings[{i}].sensor_id", $"{batch[i].SensorId} is not a sensor asset");
                if (!s.Bound)
                    throw GeoException.Forbidden($"readings[{i}].sensor_id", $"sensor {batch[i].SensorId} is not bound to this device key");
            }

            var inserted = new List<(long Sensor, double Value)>();
            await using (var cmd = new NpgsqlCommand("""
                INSERT INTO sensor_readings (asset_id, reading_id, value, measured_at, received_at)
                SELECT s, r, v, m, $5 FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::timestamptz[]) AS u(s, r, v, m)
                ON CONFLICT (asset_id, reading_id) DO NOTHING
                RETURNING asset_id, value
                """, conn, ntx))
            {
                cmd.Parameters.AddWithValue(batch.Select(r => r.SensorId).ToArray());
                cmd.Parameters.AddWithValue(batch.Select(r => r.ReadingId).ToArray());
                cmd.Parameters.AddWithValue(batch.Select(r => r.Value).ToArray());
                cmd.Parameters.AddWithValue(batch.Select(r => r.MeasuredAt.ToUniversalTime()).ToArray());
                cmd.Parameters.AddWithValue(now);
                await using var rd = await cmd.ExecuteReaderAsync(ct);
                while (await rd.ReadAsync(ct)) inserted.Add((rd.GetInt64(0), rd.GetDouble(1)));
            }

            var fresh = inserted.Select(x => x.Sensor).Distinct().Order().ToArray();
            if (fresh.Length > 0)
            {
                // the heartbeat lives in its own narrow table; the asset row is touched only when a silent device comes
                // back online (maintenance/planned stay as they are). Sorted ids: concurrent batches lock rows in one order.
                await using var hb = new NpgsqlCommand("""
                    WITH beat AS (
                        INSERT INTO sensor_heartbeats AS h (asset_id, last_seen) SELECT unnest($1::bigint[]), $2
                        ON CONFLICT (asset_id) DO UPDATE SET last_seen = greatest(h.last_seen, excluded.last_seen))
                    UPDATE assets SET status = 'online' WHERE id = ANY($1) AND status = 'offline';
                    """, conn, ntx);
                hb.Parameters.AddWithValue(fresh);
                hb.Parameters.AddWithValue(now);
                await hb.ExecuteNonQueryAsync(ct);
            }

            var created = new List<long>();
            IntakeReference? reference = null;
            foreach (var g in inserted.GroupBy(x => x.Sensor))
            {
                if (sensors[g.Key].Attrs is not { AlarmThreshold: { } threshold } attrs) continue;
                var peak = g.Max(x => x.Value);
                if (peak < threshold) continue;
                reference ??= await IntakeReference.GetAsync(conn, ct: ct);
                var hours = reference.Categories.TryGetValue("sensor_alarm", out var cat) ? cat.TimeLimitHours : 2;
                var id = await RaiseAlarmAsync(conn, ntx, g.Key, attrs, peak, sensors[g.Key].Name, now,
                    reference.Calendar.AddWorkingHours(now, hours), ct);
                if (id is long newId) created.Add(newId);
            }
            await tx.CommitAsync(ct);
            return new ReadingsResult(inserted.Count, batch.Count - inserted.Count, created);
        });
    }

    public static string AlarmType(SensorType t) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(t.ToString()) + "_threshold";

    private static async Task<long?> RaiseAlarmAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long sensorId, SensorAttributes attrs,
        double peak, string name, DateTimeOffset now, DateTimeOffset deadline, CancellationToken ct)
    {
        // ON CONFLICT on the partial unique index: an alarm already open for this sensor and type absorbs the new crossing.
        // Smoke and gas alarms also enter the alarm linkage outbox, in the same transaction (AlarmLinkage delivers them).
        await using var cmd = new NpgsqlCommand("""
            WITH c AS (
                INSERT INTO incidents (category_code, status, description, geom, community_id, grid_cell_id, assignee, source,
                                       sensor_asset_id, alarm_type, reported_at, updated_at, deadline_at)
                SELECT 'sensor_alarm', 'reported', $3, ST_PointOnSurface(a.geom), a.community_id, a.grid_cell_id, g.grid_manager, 'sensor',
                       a.id, $2, $4, $4, $5
                FROM assets a LEFT JOIN regions g ON g.id = a.grid_cell_id
                WHERE a.id = $1
                ON CONFLICT (sensor_asset_id, alarm_type) WHERE sensor_asset_id IS NOT NULL AND status NOT IN ('closed', 'rejected') DO NOTHING
                RETURNING id, geom, community_id, grid_cell_id),
            e AS (
                INSERT INTO incident_events (incident_id, action, to_status, actor, actor_role, at, geom, note)
                SELECT id, 'report', 'reported', 'sensor:' || $1, 'device', $4, geom, $3 FROM c),
            d AS (
                INSERT INTO alarm_deliveries (incident_id, idempotency_key, body)
                SELECT id, 'geo-alarm-' || id, jsonb_build_object(
                    'incident_id', id, 'sensor_id', $1::bigint, 'alarm_type', $2::text, 'value', $6::float8, 'threshold', $7::float8,
                    'lon', ST_X(geom), 'lat', ST_Y(geom), 'community_id', community_id, 'grid_cell_id', grid_cell_id, 'at', $4::timestamptz)
                FROM c WHERE $8)
            SELECT id FROM c
            """, conn, tx);
        cmd.Parameters.AddWithValue(sensorId);
        cmd.Parameters.AddWithValue(AlarmType(attrs.SensorType));
        cmd.Parameters.AddWithValue($"{name}: {attrs.SensorType} reading {peak} ≥ threshold {attrs.AlarmThreshold}");
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.AddWithValue(deadline);
        cmd.Parameters.AddWithValue(peak);
        cmd.Parameters.AddWithValue(attrs.AlarmThreshold ?? peak);
        cmd.Parameters.AddWithValue(IsLinked(attrs.SensorType));
        return await cmd.ExecuteScalarAsync(ct) is long id ? id : null;
    }
}
