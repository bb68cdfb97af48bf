using System.Security.Claims;
using Geo.Core.Access;
using Geo.Core.Data;
using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Core.Incidents;

/// <summary>A filter over the cases a principal may see (<see cref="IncidentScope"/>). <paramref name="Text"/>: a case
/// number (<c>123</c> or <c>#123</c>) or words found in the description, the address, the category's name or the
/// name of the community or grid cell; <paramref name="After"/>: the cursor of the page before (keyset paging).</summary>
public sealed record CaseFilter(IncidentStatus? Status = null, string? Category = null, long? GridCellId = null, bool? Overdue = null,
    bool OpenOnly = false, int Limit = 100, int Offset = 0, string? Text = null, string? After = null);

/// <summary>One page of cases and the cursor of the next (null on the last page).</summary>
public sealed record CasePage(List<IncidentDto> Items, string? Next);

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

    private const string Escape = Common.LikePattern.Escape;

    /// <summary>At most this many communities and grid cells named by a search are looked in.</summary>
    private const int MaxRegionMatches = 2000;

    /// <summary>The longest search text.</summary>
    public const int MaxText = 100;

    /// <summary>Newest first for the API; the board orders overdue first, then by deadline (<paramref name="byUrgency"/>).</summary>
    public async Task<List<IncidentDto>> ListAsync(ClaimsPrincipal user, CaseFilter f, bool byUrgency = false, CancellationToken ct = default) =>
        (await PageAsync(user, f, byUrgency, ct)).Items;

    /// <summary>A page of the caller's cases. Paged by keyset (<see cref="CaseFilter.After"/> = the previous page's
    /// <see cref="CasePage.Next"/>): no cap on how far a list goes, and a page costs the same at the end as at the
    /// start. Throws BadInput naming <c>q</c> or <c>after</c>.</summary>
    public async Task<CasePage> PageAsync(ClaimsPrincipal user, CaseFilter f, bool byUrgency = false, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var q = IncidentScope.Visible(db.Incidents.AsNoTracking(), user);
        if (f.OpenOnly) q = q.Where(i => OnBoard.Contains(i.Status));
        if (f.Status is { } st) q = q.Where(i => i.Status == st);
        if (!string.IsNullOrEmpty(f.Category)) q = q.Where(i => i.CategoryCode == f.Category);
        if (f.GridCellId is long cell) q = q.Where(i => i.GridCellId == cell);
        if (f.Overdue is bool od) q = q.Where(i => (i.OverdueAt != null) == od);
        if (f.Text?.Trim() is { Length: > 0 } text) q = await SearchAsync(db, q, text, ct);
        if (f.After is { Length: > 0 } after) q = After(q, CaseCursor.Parse(after, byUrgency));
        var ordered = byUrgency
            ? q.OrderByDescending(i => i.OverdueAt != null).ThenBy(i => i.DeadlineAt).ThenBy(i => i.Id)
            : q.OrderByDescending(i => i.Id);
        var limit = Math.Clamp(f.Limit, 1, MaxPage);
        // one row more than the page says whether there is a next page, without a count
        var rows = await ordered.Skip(Math.Max(0, f.Offset)).Take(limit + 1).Select(IncidentDto.Projection).ToListAsync(ct);
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            next = CaseCursor.Of(rows[^1], byUrgency);
        }
        return new CasePage(rows, next);
    }

    /// <summary>A case number finds that case; other text finds cases whose description or address contains it, or
    /// whose category, community or grid cell is named by it (trigram indexes serve the contains-searches).</summary>
    private static async Task<IQueryable<Incident>> SearchAsync(GeoDbContext db, IQueryable<Incident> q, string text, CancellationToken ct)
    {
        if (text.Length > MaxText) throw Common.GeoException.BadInput("q", $"at most {MaxText} characters");
        var number = text.TrimStart('#');
        if (number.Length is > 0 and <= 18 && number.All(char.IsAsciiDigit)) return q.Where(i => i.Id == long.Parse(number));
        var pattern = Common.LikePattern.Contains(text);
        // the named categories and places first (small tables, trigram-indexed names), then one OR of indexable arms over
        // incidents (two trigram GIN indexes, and btree indexes on category, community and cell) that PostgreSQL answers
        // with a BitmapOr; as IN (subquery) arms the OR could only be a filter over every case (119x the raw query)
        var categories = await db.IncidentCategories.Where(c => EF.Functions.ILike(c.NameZh, pattern, Escape) || EF.Functions.ILike(c.NameEn, pattern, Escape) || c.Code == text)
            .Select(c => c.Code).ToListAsync(ct);
        var regions = await db.Regions.Where(r => (r.Level == RegionLevel.Community || r.Level == RegionLevel.GridCell) && EF.Functions.ILike(r.Name, pattern, Escape))
            .Select(r => r.Id).Take(MaxRegionMatches).ToListAsync(ct);
        if (categories.Count == 0 && regions.Count == 0)
            return q.Where(i => EF.Functions.ILike(i.Description, pattern, Escape) || (i.AddressString != null && EF.Functions.ILike(i.AddressString, pattern, Escape)));
        return q.Where(i => EF.Functions.ILike(i.Description, pattern, Escape) || (i.AddressString != null && EF.Functions.ILike(i.AddressString, pattern, Escape))
            || categories.Contains(i.CategoryCode)
            || (i.CommunityId != null && regions.Contains(i.CommunityId.Value)) || (i.GridCellId != null && regions.Contains(i.GridCellId.Value)));
    }

    private static IQueryable<Incident> After(IQueryable<Incident> q, CaseCursor c)
    {
        if (c.Deadline is not { } d) return q.Where(i => i.Id < c.Id);
        return c.Overdue
            ? q.Where(i => i.OverdueAt == null || i.DeadlineAt > d || (i.DeadlineAt == d && i.Id > c.Id))
            : q.Where(i => i.OverdueAt == null && (i.DeadlineAt > d || (i.DeadlineAt == d && i.Id > c.Id)));
    }

    /// <summary>The extent of the grid cells a grid manager serves (where their board's map opens after sign-in); null for
    /// other roles or a manager without cells.</summary>
    public async Task<(double MinLon, double MinLat, double MaxLon, double MaxLat)?> ServedExtentAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (!user.IsInRole(GeoRoles.GridManager) || user.FindFirst(GeoClaims.GridManager)?.Value is not { Length: > 0 } name) return null;
        await using var cmd = ds.CreateCommand("""
            SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
            FROM (SELECT ST_Extent(geom) AS e FROM regions WHERE level = 'grid_cell' AND grid_manager = $1) t WHERE e IS NOT NULL
            """);
        cmd.Parameters.AddWithValue(name);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetDouble(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3)) : null;
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

/// <summary>Where a page ended, as an opaque string: <c>n.ID</c> for newest-first lists, <c>u.O.TICKS.ID</c> for the
/// board's urgency order (overdue flag, deadline in UTC ticks, id).</summary>
internal sealed record CaseCursor(long Id, bool Overdue = false, DateTimeOffset? Deadline = null)
{
    public static string Of(IncidentDto last, bool byUrgency) => byUrgency
        ? FormattableString.Invariant($"u.{(last.OverdueAt is null ? 0 : 1)}.{last.DeadlineAt.UtcTicks}.{last.Id}")
        : FormattableString.Invariant($"n.{last.Id}");

    public static CaseCursor Parse(string s, bool byUrgency)
    {
        var p = s.Split('.');
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (!byUrgency && p is ["n", var id] && long.TryParse(id, inv, out var n) && n > 0) return new CaseCursor(n);
        if (byUrgency && p is ["u", "0" or "1", var ticks, var id2] && long.TryParse(ticks, inv, out var t)
            && t >= DateTimeOffset.MinValue.UtcTicks && t <= DateTimeOffset.MaxValue.UtcTicks && long.TryParse(id2, inv, out var i) && i > 0)
            return new CaseCursor(i, p[1] == "1", new DateTimeOffset(t, TimeSpan.Zero));
        throw Common.GeoException.BadInput("after", "not a cursor this list gave out: use the `next` of the page before");
    }
}

