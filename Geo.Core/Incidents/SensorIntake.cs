using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Geo.Core.Incidents;

public sealed record ReadingIn(string ReadingId, long SensorId, double Value, DateTimeOffset MeasuredAt);

public sealed record ReadingsResult(int Accepted, int Duplicates, IReadOnlyList<long> NewIncidentIds);

/// <summary>Device readings → heartbeat → threshold alarm → incident, in one transaction. Idempotent:
/// readings are keyed by (sensor, reading id), and only readings that were new can raise alarms, so a
/// replayed batch changes nothing. One open alarm case per sensor and alarm type (ux_incidents_open_alarm).</summary>
public static class SensorIntake
{
    public const int MaxBatch = 1000;

    /// <summary>Records the batch or throws <see cref="GeoException"/> naming the reading at fault; nothing is written then.</summary>
    public static async Task<ReadingsResult> RecordAsync(
        GeoDbContext db, IReadOnlyList<ReadingIn> batch, DateTimeOffset now, CancellationToken ct = default)
    {
        if (batch.Count is 0 or > MaxBatch) throw GeoException.BadInput("readings", $"must hold 1–{MaxBatch} readings");
        for (var i = 0; i < batch.Count; i++)
        {
            var r = batch[i];
            if (string.IsNullOrWhiteSpace(r.ReadingId) || r.ReadingId.Length > 100) throw GeoException.BadInput($"readings[{i}].reading_id", "must be 1–100 characters");
            if (!double.IsFinite(r.Value)) throw GeoException.BadInput($"readings[{i}].value", "must be a finite number");
        }
        var ids = batch.Select(r => r.SensorId).Distinct().ToArray();
        var sensors = await db.Assets.AsNoTracking()
            .Where(a => ids.Contains(a.Id) && a.Kind == AssetKind.Sensor)
            .Select(a => new { a.Id, a.Attributes, a.Name })
            .ToDictionaryAsync(a => a.Id, ct);
        var unknown = batch.Select((r, i) => (r, i)).FirstOrDefault(x => !sensors.ContainsKey(x.r.SensorId));
        if (unknown.r is not null) throw GeoException.BadInput($"readings[{unknown.i}].sensor_id", $"{unknown.r.SensorId} is not a sensor asset");

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            var ntx = (NpgsqlTransaction)tx.GetDbTransaction();

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

            var fresh = inserted.Select(x => x.Sensor).Distinct().ToArray();
            if (fresh.Length > 0)
            {
                // a heartbeat brings a silent device back online; maintenance/planned stay as they are
                await using var hb = new NpgsqlCommand("""
                    UPDATE assets SET attributes = jsonb_set(attributes, '{last_heartbeat}', to_jsonb($2::text)),
                                      status = CASE WHEN status = 'offline' THEN 'online' ELSE status END
                    WHERE id = ANY($1)
                    """, conn, ntx);
                hb.Parameters.AddWithValue(fresh);
                hb.Parameters.AddWithValue(now.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                await hb.ExecuteNonQueryAsync(ct);
            }

            var created = new List<long>();
            WorkingCalendar? calendar = null;
            foreach (var g in inserted.GroupBy(x => x.Sensor))
            {
                if (sensors[g.Key].Attributes is not SensorAttributes { AlarmThreshold: { } threshold } attrs) continue;
                var peak = g.Max(x => x.Value);
                if (peak < threshold) continue;
                calendar ??= await IncidentIntake.LoadCalendarAsync(db, ct);
                var id = await RaiseAlarmAsync(conn, ntx, g.Key, attrs, peak, sensors[g.Key].Name, now,
                    calendar.AddWorkingHours(now, await AlarmLimitHoursAsync(db, ct)), ct);
                if (id is long newId) created.Add(newId);
            }
            await tx.CommitAsync(ct);
            return new ReadingsResult(inserted.Count, batch.Count - inserted.Count, created);
        });
    }

    public static string AlarmType(SensorType t) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(t.ToString()) + "_threshold";

    private static async Task<int> AlarmLimitHoursAsync(GeoDbContext db, CancellationToken ct) =>
        await db.IncidentCategories.Where(c => c.Code == "sensor_alarm").Select(c => (int?)c.TimeLimitHours).FirstOrDefaultAsync(ct) ?? 2;

    private static async Task<long?> RaiseAlarmAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long sensorId, SensorAttributes attrs,
        double peak, string name, DateTimeOffset now, DateTimeOffset deadline, CancellationToken ct)
    {
        // ON CONFLICT on the partial unique index: an alarm already open for this sensor and type absorbs the new crossing
        await using var cmd = new NpgsqlCommand("""
            WITH c AS (
                INSERT INTO incidents (category_code, status, description, geom, community_id, grid_cell_id, assignee, source,
                                       sensor_asset_id, alarm_type, reported_at, updated_at, deadline_at)
                SELECT 'sensor_alarm', 'reported', $3, ST_PointOnSurface(a.geom), a.community_id, a.grid_cell_id, g.grid_manager, 'sensor',
                       a.id, $2, $4, $4, $5
                FROM assets a LEFT JOIN regions g ON g.id = a.grid_cell_id
                WHERE a.id = $1
                ON CONFLICT (sensor_asset_id, alarm_type) WHERE sensor_asset_id IS NOT NULL AND status NOT IN ('closed', 'rejected') DO NOTHING
                RETURNING id, geom)
            INSERT INTO incident_events (incident_id, action, to_status, actor, actor_role, at, geom, note)
            SELECT id, 'report', 'reported', 'sensor:' || $1, 'device', $4, geom, $3 FROM c
            RETURNING incident_id
            """, conn, tx);
        cmd.Parameters.AddWithValue(sensorId);
        cmd.Parameters.AddWithValue(AlarmType(attrs.SensorType));
        cmd.Parameters.AddWithValue($"{name}: {attrs.SensorType} reading {peak} ≥ threshold {attrs.AlarmThreshold}");
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.AddWithValue(deadline);
        return await cmd.ExecuteScalarAsync(ct) is long id ? id : null;
    }
}
