using System.Collections.Concurrent;
using Geo.Core.Domain;
using Npgsql;

namespace Geo.Core.Incidents;

/// <summary>The categories and the working-day calendar, per database, held in memory for a short while: both are a
/// few dozen rows changed a few times a year, and reading them on every report was two of four round trips per case.
/// A category added by an admin is seen within <see cref="MaxAge"/>; an unknown code re-reads at once before it is
/// refused, so a new category never waits.</summary>
public sealed class IntakeReference
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private static readonly ConcurrentDictionary<string, IntakeReference> ByDatabase = new(StringComparer.Ordinal);

    public required IReadOnlyDictionary<string, IncidentCategory> Categories { get; init; }
    public required WorkingCalendar Calendar { get; init; }
    public DateTimeOffset LoadedAt { get; init; }

    /// <summary>The cached reference of the connection's database, reloaded when older than <see cref="MaxAge"/> or when <paramref name="refresh"/>.</summary>
    public static async Task<IntakeReference> GetAsync(NpgsqlConnection conn, bool refresh = false, CancellationToken ct = default)
    {
        var key = $"{conn.Host}:{conn.Port}/{conn.Database}";
        if (!refresh && ByDatabase.TryGetValue(key, out var cached) && DateTimeOffset.UtcNow - cached.LoadedAt < MaxAge) return cached;
        var fresh = await LoadAsync(conn, ct);
        ByDatabase[key] = fresh;
        return fresh;
    }

    private static async Task<IntakeReference> LoadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var categories = new Dictionary<string, IncidentCategory>(StringComparer.Ordinal);
        var days = new List<CalendarDay>();
        await using var cmd = new NpgsqlCommand("""
            SELECT code, name_zh, name_en, time_limit_hours FROM incident_categories;
            SELECT day, is_working_day, note FROM calendar_days
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            categories[r.GetString(0)] = new IncidentCategory { Code = r.GetString(0), NameZh = r.GetString(1), NameEn = r.GetString(2), TimeLimitHours = r.GetInt32(3) };
        await r.NextResultAsync(ct);
        while (await r.ReadAsync(ct))
            days.Add(new CalendarDay { Day = r.GetFieldValue<DateOnly>(0), IsWorkingDay = r.GetBoolean(1), Note = r.GetString(2) });
        return new IntakeReference { Categories = categories, Calendar = new WorkingCalendar(days), LoadedAt = DateTimeOffset.UtcNow };
    }
}
