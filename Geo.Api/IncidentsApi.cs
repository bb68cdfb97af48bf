using System.Security.Claims;
using Geo.Api.Auth;
using Geo.Api.Hardening;
using Geo.Api.Http;
using Geo.Core.Access;
using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Incidents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Geo.Api;

/// <summary>Grid-management cases over HTTP: residents report, staff work them. The rules live in Geo.Core
/// (<see cref="IncidentIntake"/>, <see cref="IncidentTransitions"/>, <see cref="IncidentBoard"/>, <see cref="IncidentScope"/>);
/// this class only binds requests to them.</summary>
public static class IncidentsApi
{
    public sealed class ListQuery
    {
        [FromQuery(Name = "status")] public string? Status { get; init; }
        [FromQuery(Name = "grid_cell_id")] public string? GridCellId { get; init; }
        [FromQuery(Name = "overdue")] public string? Overdue { get; init; }
        [FromQuery(Name = "limit")] public string? Limit { get; init; }
        [FromQuery(Name = "offset")] public string? Offset { get; init; }
        [FromQuery(Name = "q")] public string? Text { get; init; }
        [FromQuery(Name = "after")] public string? After { get; init; }
        [FromQuery(Name = "sort")] public string? Sort { get; init; }
    }

    public sealed record StatsChoropleth(string Type, string Measure, string Level, string? Parent, int Days, IReadOnlyList<Geo.Core.Scorecard.ChoroplethClass> Legend,
        string NoDataColour, int NoData, IReadOnlyList<ChoroplethApi.ChoroplethFeature> Features);

    /// <summary>A report: <c>photos</c> (up to 3) or, as before, one <c>photo_base64</c>.</summary>
    public sealed record ReportIn(string? Category, double? Lon, double? Lat, string? Description, string? Contact,
        string? PhotoBase64, string? PhotoContentType, IReadOnlyList<PhotoIn>? Photos = null);

    /// <summary>One photo of a report: base64 bytes, JPEG, PNG or WebP (sniffed; <c>content_type</c> optional).</summary>
    public sealed record PhotoIn(string? Base64, string? ContentType);

    public static RouteGroupBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/incidents").WithTags("Incidents");
        // everything below is staff-only unless it says otherwise
        var staff = group.MapGroup("").RequireAuthorization(GeoPolicies.Staff);

        group.MapGet("/categories", async (GeoDbContext db, CancellationToken ct) => TypedResults.Ok(
            await db.IncidentCategories.AsNoTracking().OrderBy(c => c.Code).ToListAsync(ct)))
            .Cheap().WithSummary("Case categories with their time limits (working hours)");

        group.MapPost("/", ReportAsync).AllowAnonymousWrite("residents report without an account").RequireRateLimiting(GeoLimits.Reports)
            .WithSummary("Report a case (resident or staff): located to its grid cell and assigned to the cell's grid manager. An `Idempotency-Key` header makes a retried report write the case once (the retry gets the same case and `Idempotent-Replayed: true`; the key reused for another report is a 422)");

        group.MapGet("/nearby-open", async Task<Ok<IReadOnlyList<OpenCaseNearby>>> (string? lon, string? lat, string? category, PublicCases cases, CancellationToken ct) =>
            TypedResults.Ok(await cases.NearbyOpenAsync(Coordinate("lon", lon), Coordinate("lat", lat), category, ct)))
            // public and unauthenticated like the report itself; Heavy (not Reports) so a deployment requiring sign-in for
            // reports still lets anyone check for duplicates, and the lookup does not spend the report quota
            .RequireRateLimiting(GeoLimits.Heavy)
            .WithSummary("Possible duplicates before reporting: open cases of `category` within 50 m (geodesic) of `lon`,`lat`, nearest first (id, category, status, reported date, distance; nothing personal)");

        group.MapGet("/{id}/public", async Task<Ok<PublicCase>> (string id, PublicCases cases, CancellationToken ct) =>
            TypedResults.Ok(await cases.GetAsync(Id(id), ct)))
            .Cheap().WithSummary("A case's public status: category, status, dates and the steps taken (never the reporter, the description, the assignee or staff notes)");

        staff.MapGet("/", ListAsync).Cheap().WithSummary("Cases in the caller's scope (grid managers: their own cells), newest first or `sort=deadline`; `q` finds a case number (123 or #123) or text in the description, address, category, community or grid cell name; paged by `limit` (≤ 1000) and the keyset cursor `after` given in the `Link: <…>; rel=\"next\"` header (no cap on how far a list goes)");

        group.MapGet("/mine", async (ClaimsPrincipal user, IncidentBoard board, CancellationToken ct) =>
            TypedResults.Ok(await board.MineAsync(user, ct))).RequireAuthorization(GeoPolicies.SignedIn).Cheap().WithSummary("The signed-in resident's own reports");

        // before /{id}: "stats" is not a case id. Staff only, over the cases the caller may see (grid managers: their own)
        staff.MapGet("/stats", async Task<Ok<List<DispatchStatsRow>>> (string? level, string? parent, string? days, ClaimsPrincipal user, DispatchStats stats, CancellationToken ct) =>
            TypedResults.Ok(await stats.ComputeAsync(user, level ?? "community", Days(days), parent, ct)))
            .Cheap().WithSummary("Dispatch statistics per grid_cell, community or subdistrict (open, overdue, escalated, median handling hours, on-time share) over the last `days` (default 90), for the cases the caller may see: one row per region in the caller's scope (zeros where nothing happened), optionally only those under `parent` (a region code)");
        staff.MapGet("/stats.csv", async Task<FileContentHttpResult> (string? level, string? parent, string? days, ClaimsPrincipal user, DispatchStats stats, CancellationToken ct) =>
            TypedResults.File(System.Text.Encoding.UTF8.GetBytes(DispatchStats.ToCsv(await stats.ComputeAsync(user, level ?? "community", Days(days), parent, ct))),
                "text/csv; charset=utf-8", $"dispatch-stats-{level ?? "community"}.csv"))
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .Cheap().WithSummary("The dispatch statistics as CSV");
        staff.MapGet("/stats/choropleth", async Task<Ok<StatsChoropleth>> (string? level, string? parent, string? measure, string? days, ClaimsPrincipal user, DispatchStats stats, CancellationToken ct) =>
        {
            var d = Days(days);
            var map = await stats.ChoroplethAsync(user, level ?? "community", measure ?? "open", d, parent, ct);
            return TypedResults.Ok(new StatsChoropleth("FeatureCollection", map.Measure, map.Level, map.Parent, d, map.Legend, map.NoDataColour, map.NoData, ChoroplethApi.Features(map)));
        }).RequireRateLimiting(GeoLimits.Heavy).WithSummary("One dispatch measure (open, overdue, escalated, on_time_share, median_handling_hours) per grid_cell (of one `parent` community, required), community or subdistrict as a GeoJSON choropleth with its legend (equal-interval classes, the dispatch board's): every region in the caller's scope, 0 where nothing happened, no data only where the measure is undefined");

        staff.MapGet("/{id}", DetailAsync).Cheap().WithSummary("One case with its audit trail and the actions the caller may take next");

        staff.MapGet("/{id}/photo", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (string id, ClaimsPrincipal user, GeoDbContext db, CancellationToken ct) =>
        {
            var caseId = Id(id);
            var visible = await IncidentScope.Visible(db.Incidents.AsNoTracking(), user).AnyAsync(i => i.Id == caseId, ct);
            var photo = visible ? await db.IncidentPhotos.AsNoTracking().Where(p => p.IncidentId == caseId).OrderBy(p => p.Position).FirstOrDefaultAsync(ct) : null;
            return photo is null ? Problems.NotFound("id", $"no photo for case {caseId} among the cases you may see") : TypedResults.File(photo.Data, photo.ContentType);
        }).Cheap().WithSummary("The report's first photo (metadata stripped)").Produces<byte[]>(StatusCodes.Status200OK, "image/jpeg", "image/png", "image/webp");

        staff.MapGet("/{id}/photos/{n}", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (string id, string n, ClaimsPrincipal user, GeoDbContext db, CancellationToken ct) =>
        {
            var caseId = Id(id);
            var position = (short)QueryValues.Integer("n", n, 1, 1, IncidentPhotos.MaxPhotos);
            var visible = await IncidentScope.Visible(db.Incidents.AsNoTracking(), user).AnyAsync(i => i.Id == caseId, ct);
            var photo = visible ? await db.IncidentPhotos.AsNoTracking().FirstOrDefaultAsync(p => p.IncidentId == caseId && p.Position == position, ct) : null;
            return photo is null ? Problems.NotFound("n", $"no photo {position} for case {caseId} among the cases you may see") : TypedResults.File(photo.Data, photo.ContentType);
        }).Cheap().WithSummary("The report's photo `n` (1–3, metadata stripped)").Produces<byte[]>(StatusCodes.Status200OK, "image/jpeg", "image/png", "image/webp");

        staff.MapPost("/{id}/transitions", async Task<Ok<IncidentDto>> (string id, TransitionRequest body, ClaimsPrincipal user, IncidentTransitions transitions, CancellationToken ct) =>
            TypedResults.Ok(await transitions.ApplyAsync(Id(id), body, user, ct)))
            .Cheap().WithSummary("One workflow step (register, dispatch, start, resolve, verify, close, reject, reopen) under optimistic concurrency");
        return group;
    }

    private static async Task<Ok<List<IncidentDto>>> ListAsync([AsParameters] ListQuery q, ClaimsPrincipal user, IncidentBoard board, HttpContext http, CancellationToken ct)
    {
        IncidentStatus? status = null;
        if (q.Status is not null)
        {
            if (!IncidentCodes.TryParseStatus(q.Status, out var st)) throw GeoException.BadInput("status", $"unknown status '{q.Status}'");
            status = st;
        }
        var limit = (int)QueryValues.Integer("limit", q.Limit, 100, 1, IncidentBoard.MaxPage);
        var offset = (int)QueryValues.Integer("offset", q.Offset, 0, 0, int.MaxValue);
        long? cell = q.GridCellId is null ? null : QueryValues.Integer("grid_cell_id", q.GridCellId, 0, 1, long.MaxValue);
        var overdue = QueryValues.Boolean("overdue", q.Overdue);
        var byDeadline = q.Sort switch
        {
            null or "" or "newest" => false,
            "deadline" => true,
            _ => throw GeoException.BadInput("sort", "newest (default) or deadline (overdue first, then the nearest deadline)"),
        };
        if (q.After is not null && offset > 0) throw GeoException.BadInput("after", "after (keyset) and offset page the same list: give one");
        var page = await board.PageAsync(user, new CaseFilter(status, null, cell, overdue, false, limit, offset, q.Text, q.After), byDeadline, ct);
        // RFC 8288: the next page by keyset, however far the list goes; the body stays the bare array it always was
        if (page.Next is { } next)
            http.Response.Headers.Link = $"<{Geo.Api.Ogc.Links.With(http.Request, ("after", next), ("offset", null))}>; rel=\"next\"";
        return TypedResults.Ok(page.Items);
    }

    private static async Task<Ok<IncidentDetailDto>> DetailAsync(string id, ClaimsPrincipal user, GeoDbContext db, CancellationToken ct)
    {
        var caseId = Id(id);
        var dto = await IncidentScope.Visible(db.Incidents.AsNoTracking(), user).Where(i => i.Id == caseId).Select(IncidentDto.Projection).FirstOrDefaultAsync(ct)
            ?? throw GeoException.NotFound("id", $"no case {caseId} among the cases you may see");
        var events = await db.IncidentEvents.AsNoTracking().Where(e => e.IncidentId == caseId).OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new { e.Action, e.FromStatus, e.ToStatus, e.Actor, e.ActorRole, e.At, Lon = e.Geom == null ? (double?)null : e.Geom.X, Lat = e.Geom == null ? (double?)null : e.Geom.Y, e.Note })
            .ToListAsync(ct);
        var status = IncidentCodes.ParseStatus(dto.Status);
        return TypedResults.Ok(new IncidentDetailDto(dto,
            IncidentWorkflow.ActionsFrom(status, GeoClaims.Role(user)).Select(a => a.Code()).ToList(),
            events.Select(e => new IncidentEventDto(e.Action, e.FromStatus?.Code(), e.ToStatus.Code(), e.Actor, e.ActorRole, e.At, e.Lon, e.Lat, e.Note)).ToList()));
    }

    private static async Task<Created<IncidentDto>> ReportAsync(ReportIn body, [FromHeader(Name = IncidentIntake.IdempotencyHeader)] string? idempotencyKey,
        ClaimsPrincipal user, HttpContext http, IncidentIntake intake, CancellationToken ct)
    {
        if (body.Lon is null || body.Lat is null) throw GeoException.BadInput("location", "lon and lat are required (EPSG:4326)");
        var photos = new List<(string?, string?)>();
        if (!string.IsNullOrEmpty(body.PhotoBase64)) photos.Add((body.PhotoBase64, body.PhotoContentType));
        photos.AddRange((body.Photos ?? []).Select(p => (p?.Base64, p?.ContentType)));
        // alone, the single photo_base64 keeps its own name in errors
        IReadOnlyList<IncidentPhoto> decoded = body.Photos is { Count: > 0 } ? IncidentPhotos.Many(photos)
            : IncidentPhotos.Decode(body.PhotoBase64, body.PhotoContentType) is { } one ? [one] : [];
        var role = GeoClaims.Role(user);
        var staff = GeoClaims.IsStaff(user);
        var (incident, replayed) = await intake.ReportOnceAsync(new IncidentReport(
            body.Category ?? "", body.Lon.Value, body.Lat.Value, body.Description ?? "",
            staff ? IncidentSource.Staff : IncidentSource.Resident,
            user.Identity?.Name ?? "anonymous", role ?? GeoRoles.Resident, GeoClaims.UserId(user), body.Contact, decoded), idempotencyKey, DateTimeOffset.UtcNow, ct);
        // a retry gets the first answer again (the same case), marked as a replay
        if (replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Created($"/api/incidents/{incident.Id}", IncidentDto.From(incident));
    }

    /// <summary>Case ids in paths are parsed here, not by a route constraint, so "/api/incidents/abc" is a 400 naming
    /// <c>id</c> rather than an anonymous 404.</summary>
    private static int Days(string? days) =>
        days is null ? DispatchStats.DefaultDays
        : int.TryParse(days, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d
        : throw GeoException.BadInput("days", $"a whole number of days (1–{DispatchStats.MaxDays}), got '{days}'");

    private static double Coordinate(string name, string? value) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
        : throw GeoException.BadInput("location", $"{name} is required, a decimal degree (EPSG:4326)");

    private static long Id(string id) => QueryValues.Id(id, "a case id");
}
