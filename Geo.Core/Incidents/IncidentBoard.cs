using System.Security.Claims;
using Geo.Core.Access;
using Geo.Core.Data;
using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Core.Incidents;

/// <summary>A filter over the cases a principal may see (<see cref="IncidentScope"/>).</summary>
public sealed record CaseFilter(IncidentStatus? Status = null, string? Category = null, long? GridCellId = null, bool? Overdue = null,
    bool OpenOnly = false, int Limit = 100, int Offset = 0);

/// <summary>A grid manager near a case: the straight-line (geodesic) distance to their nearest cell and how many open cases they hold.</summary>
public sealed record StaffDistance(string Name, double DistanceM, long OpenCases);

/// <summary>What the dispatch board and GET /api/incidents read: the caller's cases, filtered and paged, and
/// who is closest to a case.</summary>
public sealed class IncidentBoard(IDbContextFactory<GeoDbContext> dbs, NpgsqlDataSource ds)
{
    public const int MaxPage = 1000;

    /// <summary>Statuses a case can be in while it is on the board (closed and rejected cases leave it).</summary>
    public static readonly IReadOnlyList<IncidentStatus> OnBoard =
        [IncidentStatus.Reported, IncidentStatus.Registered, IncidentStatus.Dispatched, IncidentStatus.InProgress, IncidentStatus.Resolved, IncidentStatus.Verified];

    /// <summary>Newest first for the API; the board orders overdue first, then by deadline (<paramref name="byUrgency"/>).</summary>
    public async Task<List<IncidentDto>> ListAsync(ClaimsPrincipal user, CaseFilter f, bool byUrgency = false, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var q = IncidentScope.Visible(db.Incidents.AsNoTracking(), user);
        if (f.OpenOnly) q = q.Where(i => OnBoard.Contains(i.Status));
        if (f.Status is { } st) q = q.Where(i => i.Status == st);
        if (!string.IsNullOrEmpty(f.Category)) q = q.Where(i => i.CategoryCode == f.Category);
        if (f.GridCellId is long cell) q = q.Where(i => i.GridCellId == cell);
        if (f.Overdue is bool od) q = q.Where(i => (i.OverdueAt != null) == od);
        var ordered = byUrgency
            ? q.OrderByDescending(i => i.OverdueAt != null).ThenBy(i => i.DeadlineAt).ThenBy(i => i.Id)
            : q.OrderByDescending(i => i.Id);
        return await ordered.Skip(Math.Max(0, f.Offset)).Take(Math.Clamp(f.Limit, 1, MaxPage)).Select(IncidentDto.Projection).ToListAsync(ct);
    }

    /// <summary>The most reports <see cref="MineAsync"/> returns.</summary>
    public const int MaxMine = 200;

    /// <summary>The signed-in resident's own reports, newest first (none for a caller without a user id).</summary>
    public async Task<List<IncidentDto>> MineAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var me = GeoClaims.UserId(user);
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Incidents.AsNoTracking().Where(i => me != null && i.ReporterUserId == me)
            .OrderByDescending(i => i.Id).Take(MaxMine).Select(IncidentDto.Projection).ToListAsync(ct);
    }

    /// <summary>Grid managers by geodesic distance from the case to their nearest cell (among the 50 nearest cells), with their open-case load.</summary>
    public async Task<List<StaffDistance>> NearestStaffAsync(double lon, double lat, int limit = 3, CancellationToken ct = default)
    {
        await using var cmd = ds.CreateCommand("""
            WITH p AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g),
            near AS (
                SELECT r.grid_manager, r.geom FROM regions r, p
                WHERE r.level = 'grid_cell' AND r.grid_manager IS NOT NULL
                ORDER BY r.geom <-> p.g LIMIT 50)
            SELECT n.grid_manager, min(ST_Distance(n.geom::geography, p.g::geography)) AS d,
                   (SELECT count(*) FROM incidents i WHERE i.assignee = n.grid_manager AND i.status = ANY($3))
            FROM near n, p GROUP BY n.grid_manager ORDER BY d, 3, 1 LIMIT $4
            """);
        cmd.Parameters.AddWithValue(lon);
        cmd.Parameters.AddWithValue(lat);
        cmd.Parameters.AddWithValue(IncidentCodes.Open.Select(s => s.Code()).ToArray());
        cmd.Parameters.AddWithValue(limit);
        var list = new List<StaffDistance>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(new StaffDistance(r.GetString(0), r.GetDouble(1), r.GetInt64(2)));
        return list;
    }
}
