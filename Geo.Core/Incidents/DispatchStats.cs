using System.Globalization;
using System.Text;
using Geo.Core.Common;
using Npgsql;

namespace Geo.Core.Incidents;

/// <summary>One region's dispatch figures over the window: cases reported, open now, overdue and escalated among the
/// open ones, median handling time (reported → closed, hours) and the share closed within the time limit.</summary>
public sealed record DispatchStatsRow(long RegionId, string Code, string Name, long Reported, long Open, long Overdue, long Escalated,
    double? MedianHandlingHours, double? OnTimeShare, long Closed);

/// <summary>Dispatch statistics for managers, per grid cell, community or subdistrict/town (one SQL roll-up over
/// <c>incidents</c>); the API serves them as JSON and CSV, the map as a choropleth value per region.</summary>
public static class DispatchStats
{
    public static readonly string[] Levels = ["grid_cell", "community", "subdistrict"];
    public const int MaxDays = 366;

    public static async Task<List<DispatchStatsRow>> ComputeAsync(NpgsqlDataSource ds, string level, int days, CancellationToken ct = default)
    {
        if (!Levels.Contains(level)) throw GeoException.BadInput("level", $"one of {string.Join(", ", Levels)}");
        if (days is < 1 or > MaxDays) throw GeoException.BadInput("days", $"1–{MaxDays}");
        // the region a case counts for: its cell, its community, or its community's town
        var region = level switch
        {
            "grid_cell" => "i.grid_cell_id",
            "community" => "i.community_id",
            _ => "(SELECT c.parent_id FROM regions c WHERE c.id = i.community_id)",
        };
        await using var cmd = ds.CreateCommand($"""
            WITH s AS (
                SELECT {region} AS region_id,
                       count(*) AS reported,
                       count(*) FILTER (WHERE i.status IN ('reported', 'registered', 'dispatched', 'in_progress')) AS open,
                       count(*) FILTER (WHERE i.status IN ('reported', 'registered', 'dispatched', 'in_progress') AND i.overdue_at IS NOT NULL) AS overdue,
                       count(*) FILTER (WHERE i.status IN ('reported', 'registered', 'dispatched', 'in_progress') AND i.escalated_at IS NOT NULL) AS escalated,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM i.closed_at - i.reported_at) / 3600)
                           FILTER (WHERE i.closed_at IS NOT NULL) AS median_hours,
                       avg(CASE WHEN i.closed_at <= i.deadline_at THEN 1.0 ELSE 0.0 END) FILTER (WHERE i.closed_at IS NOT NULL) AS on_time,
                       count(*) FILTER (WHERE i.closed_at IS NOT NULL) AS closed
                FROM incidents i
                WHERE i.reported_at >= now() - make_interval(days => $1)
                GROUP BY 1)
            SELECT r.id, r.code, r.name, s.reported, s.open, s.overdue, s.escalated, s.median_hours, s.on_time, s.closed
            FROM s JOIN regions r ON r.id = s.region_id AND r.level = $2
            ORDER BY s.overdue DESC, s.open DESC, r.code
            """);
        cmd.Parameters.AddWithValue(days);
        cmd.Parameters.AddWithValue(level);
        var rows = new List<DispatchStatsRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new DispatchStatsRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6),
                r.IsDBNull(7) ? null : Math.Round(r.GetDouble(7), 2), r.IsDBNull(8) ? null : Math.Round((double)r.GetDecimal(8), 4), r.GetInt64(9)));
        return rows;
    }

    /// <summary>RFC 4180 CSV, UTF-8, a header row; names are quoted (they may hold commas).</summary>
    public static string ToCsv(IEnumerable<DispatchStatsRow> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("region_id,code,name,reported,open,overdue,escalated,median_handling_hours,on_time_share,closed\r\n");
        foreach (var x in rows)
            sb.Append(inv, $"{x.RegionId},{Q(x.Code)},{Q(x.Name)},{x.Reported},{x.Open},{x.Overdue},{x.Escalated},{x.MedianHandlingHours?.ToString(inv)},{x.OnTimeShare?.ToString(inv)},{x.Closed}\r\n");
        return sb.ToString();
    }

    private static string Q(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";
}
