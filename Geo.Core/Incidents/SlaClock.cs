using Npgsql;

namespace Geo.Core.Incidents;

/// <summary>Marks overdue cases and escalates them (督办). Exactly once per case even when two app
/// instances or two job executions run at the same moment: the UPDATE's WHERE escalated_at IS NULL is
/// re-checked after a concurrent writer commits (READ COMMITTED), so the second one skips the row, and
/// the audit event is written by the same statement, so there is no escalation without its event.</summary>
public static class SlaClock
{
    private static readonly string Sql = $"""
        WITH due AS (
            UPDATE incidents
            SET overdue_at = coalesce(overdue_at, $1), escalated_at = $1, updated_at = $1
            WHERE escalated_at IS NULL AND deadline_at < $1
              AND status IN ({Data.Configurations.IncidentEntityTypeConfiguration.OpenStatusList})
            RETURNING id, status)
        INSERT INTO incident_events (incident_id, action, from_status, to_status, actor, actor_role, at, note)
        SELECT id, 'escalate', status, status, 'sla_clock', 'system', $1, '超期督办: time limit exceeded'
        FROM due
        RETURNING incident_id
        """;

    public static async Task<IReadOnlyList<long>> EscalateOverdueAsync(NpgsqlDataSource db, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(Sql);
        cmd.Parameters.AddWithValue(now);
        var ids = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids.Add(r.GetInt64(0));
        return ids;
    }
}

/// <summary>The time-limit lights of digital urban management: green while there is time, yellow (黄灯, a warning)
/// once the last quarter of the case's time limit has begun, red (红灯) once the deadline has passed.</summary>
public enum SlaLight { Green, Yellow, Red }

public static class SlaLights
{
    /// <summary>The share of the time limit left when the yellow light comes on.</summary>
    public const double WarnShare = 0.25;

    public static SlaLight Of(DateTimeOffset reportedAt, DateTimeOffset deadlineAt, DateTimeOffset? overdueAt, DateTimeOffset now)
    {
        if (overdueAt is not null || now >= deadlineAt) return SlaLight.Red;
        var limit = deadlineAt - reportedAt;
        return deadlineAt - now <= limit * WarnShare ? SlaLight.Yellow : SlaLight.Green;
    }

    public static SlaLight Of(IncidentDto c, DateTimeOffset now) => Of(c.ReportedAt, c.DeadlineAt, c.OverdueAt, now);
}
