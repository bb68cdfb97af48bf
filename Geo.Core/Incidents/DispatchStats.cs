using System.Globalization;
using System.Security.Claims;
using System.Text;
using Geo.Core.Access;
using Geo.Core.Common;
using Geo.Core.Domain;
using Geo.Core.Scorecard;
using Npgsql;

namespace Geo.Core.Incidents;

/// <summary>One region's dispatch figures over the window: cases reported, open now, overdue and escalated among the
/// open ones, median handling time (reported → closed, hours) and the share closed within the time limit.</summary>
public sealed record DispatchStatsRow(long RegionId, string Code, string Name, long Reported, long Open, long Overdue, long Escalated,
    double? MedianHandlingHours, double? OnTimeShare, long Closed);

/// <summary>Dispatch statistics for managers, per grid cell, community or subdistrict/town (one SQL roll-up over
/// <c>incidents</c>), over the cases the caller may see (<see cref="IncidentScope"/>'s rule: a grid manager the cases
/// assigned to them, the command centre all). The API serves them as JSON, CSV and a choropleth; the dispatch board
/// shows the same rows and draws the same choropleth.</summary>
public sealed class DispatchStats(NpgsqlDataSource ds)
{
    public static readonly string[] Levels = ["grid_cell", "community", "subdistrict"];

    /// <summary>What the choropleth can colour by; the levels it draws (grid cells: one community's, <c>parent</c> required).</summary>
    public static readonly string[] Measures = ["open", "overdue", "escalated", "on_time_share", "median_handling_hours"];
    public static readonly string[] MapLevels = ["grid_cell", "community", "subdistrict"];
    public const int MaxDays = 366;
    public const int DefaultDays = 90;

    public static double? ValueOf(DispatchStatsRow r, string measure) => measure switch
    {
        "open" => r.Open,
        "overdue" => r.Overdue,
        "escalated" => r.Escalated,
        "on_time_share" => r.OnTimeShare,
        "median_handling_hours" => r.MedianHandlingHours,
        _ => throw GeoException.BadInput("measure", $"one of {string.Join(", ", Measures)}"),
    };

    /// <summary>The statistics over the cases <paramref name="user"/> may see, one row for every region in the caller's
    /// scope (zero counts where nothing was reported; the median and on-time share are null where nothing was closed);
    /// anyone but staff is refused.</summary>
    /// <param name="parent">optional: only the regions directly under this one (a town's communities, a community's
    /// grid cells), by code</param>
    public Task<List<DispatchStatsRow>> ComputeAsync(ClaimsPrincipal user, string level, int days, CancellationToken ct = default) =>
        ComputeAsync(user, level, days, null, ct);

    /// <inheritdoc cref="ComputeAsync(ClaimsPrincipal, string, int, CancellationToken)"/>
    public async Task<List<DispatchStatsRow>> ComputeAsync(ClaimsPrincipal user, string level, int days, string? parent, CancellationToken ct = default)
    {
        var assignee = Assignee(user);
        if (!Levels.Contains(level)) throw GeoException.BadInput("level", $"one of {string.Join(", ", Levels)}");
        var parentId = await ParentAsync(ds, level, parent, ct);
        return await ComputeAsync(ds, assignee, level, days, parentId, ct);
    }

    /// <summary>The most regions one choropleth draws (a community has tens of grid cells; the district ~1,000 communities).</summary>
    public const int MaxMapRegions = 2000;

    /// <summary>The chosen measure per grid cell, community or town as a choropleth: every region in the caller's scope
    /// (zero where nothing happened, "no data" only where the measure is undefined). Grid cells need a
    /// <paramref name="parent"/> community (a grid manager's or a command centre's view of one community's cells).</summary>
    public async Task<ChoroplethMap> ChoroplethAsync(ClaimsPrincipal user, string level, string measure, int days, CancellationToken ct = default) =>
        await ChoroplethAsync(user, level, measure, days, null, ct);

    /// <inheritdoc cref="ChoroplethAsync(ClaimsPrincipal, string, string, int, CancellationToken)"/>
    public async Task<ChoroplethMap> ChoroplethAsync(ClaimsPrincipal user, string level, string measure, int days, string? parent, CancellationToken ct = default)
    {
        var assignee = Assignee(user);
        if (!MapLevels.Contains(level)) throw GeoException.BadInput("level", $"one of {string.Join(", ", MapLevels)}");
        if (!Measures.Contains(measure)) throw GeoException.BadInput("measure", $"one of {string.Join(", ", Measures)}");
        if (level == "grid_cell" && string.IsNullOrEmpty(parent))
            throw GeoException.BadInput("parent", "the community (code) whose grid cells to map is required at level=grid_cell");
        var parentId = await ParentAsync(ds, level, parent, ct);
        var rows = await ComputeAsync(ds, assignee, level, days, parentId, ct);
        if (rows.Count > MaxMapRegions)
            throw GeoException.TooLarge(parent is null ? "level" : "parent", $"{rows.Count} regions; a map draws at most {MaxMapRegions} (choose a parent region)");
        return await Choropleth.DrawAsync(ds, measure, level, parent, [.. rows.Select(r => new ChoroplethValue(r.RegionId, r.Code, r.Name, ValueOf(r, measure)))], ct);
    }

    /// <summary>null: every case (command centre); else the grid manager's name (IncidentScope.Visible's rule).</summary>
    private static string? Assignee(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) throw new GeoException(GeoErrorKind.Unauthorized, "user", "sign in as staff to see dispatch statistics");
        if (!GeoClaims.IsStaff(user)) throw GeoException.Forbidden("user", "dispatch statistics are for grid managers, planners and admins");
        return user.IsInRole(GeoRoles.GridManager) ? user.FindFirst(GeoClaims.GridManager)?.Value ?? "" : null;
    }

    /// <summary>The id of the parent region by code, which must be one level above <paramref name="level"/>.</summary>
    private static async Task<long?> ParentAsync(NpgsqlDataSource ds, string level, string? parent, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(parent)) return null;
        if (parent.Length > 64) throw GeoException.BadInput("parent", "a region code (at most 64 characters)");
        var above = level switch { "grid_cell" => "community", "community" => "subdistrict", _ => "district" };
        await using var cmd = ds.CreateCommand("SELECT id FROM regions WHERE code = $1 AND level = $2");
        cmd.Parameters.AddWithValue(parent);
        cmd.Parameters.AddWithValue(above);
        return await cmd.ExecuteScalarAsync(ct) is long id ? id : throw GeoException.NotFound("parent", $"no {above} with code {parent}");
    }

    /// <param name="assignee">null: every case and every region; else only the cases assigned to this grid manager, and
    /// the regions holding a cell they manage or one of those cases</param>
    /// <param name="parentId">null: every region of the level; else the regions directly under it</param>
    private static async Task<List<DispatchStatsRow>> ComputeAsync(NpgsqlDataSource ds, string? assignee, string level, int days, long? parentId, CancellationToken ct)
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
        // a grid manager's regions: the cells they manage, the communities holding one, those communities' towns
        var managed = level switch
        {
            "grid_cell" => "r.grid_manager = $3",
            "community" => "EXISTS (SELECT 1 FROM regions g WHERE g.parent_id = r.id AND g.level = 'grid_cell' AND g.grid_manager = $3)",
            _ => "EXISTS (SELECT 1 FROM regions g JOIN regions c ON c.id = g.parent_id WHERE c.parent_id = r.id AND g.level = 'grid_cell' AND g.grid_manager = $3)",
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
                WHERE i.reported_at >= now() - make_interval(days => $1) AND ($3::text IS NULL OR i.assignee = $3)
                GROUP BY 1)
            -- every region in scope, with or without cases: zero counts, and null median/on-time where none closed
            SELECT r.id, r.code, r.name, coalesce(s.reported, 0), coalesce(s.open, 0), coalesce(s.overdue, 0), coalesce(s.escalated, 0),
                   s.median_hours, s.on_time, coalesce(s.closed, 0)
            FROM regions r LEFT JOIN s ON s.region_id = r.id
            WHERE r.level = $2 AND ($4::bigint IS NULL OR r.parent_id = $4)
              AND ($3::text IS NULL OR s.region_id IS NOT NULL OR {managed})
            ORDER BY coalesce(s.overdue, 0) DESC, coalesce(s.open, 0) DESC, r.code
            """);
        cmd.Parameters.AddWithValue(days);
        cmd.Parameters.AddWithValue(level);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)assignee ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, (object?)parentId ?? DBNull.Value);
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
