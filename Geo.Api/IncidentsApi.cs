using System.Security.Claims;
using Geo.Api.Auth;
using Geo.Core.Data;
using Geo.Core.Data.Configurations;
using Geo.Core.Domain;
using Geo.Core.Incidents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Geo.Api;

/// <summary>Grid-management cases: residents report, staff work them through IncidentWorkflow.</summary>
public static class IncidentsApi
{
    public sealed record ListQuery(string? Status, long? GridCellId, bool? Overdue, int? Limit, int? Offset);

    public static RouteGroupBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/incidents").WithTags("Incidents");
        // everything below is staff-only unless it says otherwise
        var staff = group.MapGroup("").RequireAuthorization(GeoPolicies.Staff);

        group.MapGet("/categories", async (GeoDbContext db, CancellationToken ct) => TypedResults.Ok(
            await db.IncidentCategories.AsNoTracking().OrderBy(c => c.Code).ToListAsync(ct)));

        group.MapPost("/", ReportAsync).AllowAnonymousWrite("residents report without an account");

        staff.MapGet("/", async ([AsParameters] ListQuery q, ClaimsPrincipal user, GeoDbContext db, CancellationToken ct) =>
        {
            var rows = Scoped(db.Incidents.AsNoTracking(), user);
            if (q.Status is not null)
            {
                if (!IncidentCodes.TryParseStatus(q.Status, out var st))
                    return (IResult)TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"unknown status '{q.Status}'"] });
                rows = rows.Where(i => i.Status == st);
            }
            if (q.GridCellId is long cell) rows = rows.Where(i => i.GridCellId == cell);
            if (q.Overdue is bool od) rows = rows.Where(i => (i.OverdueAt != null) == od);
            var page = await rows.OrderByDescending(i => i.Id).Skip(Math.Max(0, q.Offset ?? 0)).Take(Math.Clamp(q.Limit ?? 100, 1, 1000))
                .Select(IncidentDto.Projection).ToListAsync(ct);
            return TypedResults.Ok(page);
        });

        group.MapGet("/mine", async (ClaimsPrincipal user, GeoDbContext db, CancellationToken ct) =>
        {
            var me = GeoClaims.UserId(user);
            return TypedResults.Ok(await db.Incidents.AsNoTracking().Where(i => me != null && i.ReporterUserId == me)
                .OrderByDescending(i => i.Id).Take(200).Select(IncidentDto.Projection).ToListAsync(ct));
        }).RequireAuthorization(GeoPolicies.SignedIn);

        staff.MapGet("/{id:long}", async Task<Results<Ok<IncidentDetailDto>, NotFound>> (long id, ClaimsPrincipal user, GeoDbContext db, CancellationToken ct) =>
        {
            var dto = await Scoped(db.Incidents.AsNoTracking(), user).Where(i => i.Id == id).Select(IncidentDto.Projection).FirstOrDefaultAsync(ct);
            if (dto is null) return TypedResults.NotFound();
            var events = await db.IncidentEvents.AsNoTracking().Where(e => e.IncidentId == id).OrderBy(e => e.At).ThenBy(e => e.Id)
                .Select(e => new { e.Action, e.FromStatus, e.ToStatus, e.Actor, e.ActorRole, e.At, Lon = e.Geom == null ? (double?)null : e.Geom.X, Lat = e.Geom == null ? (double?)null : e.Geom.Y, e.Note })
                .ToListAsync(ct);
            var status = IncidentCodes.ParseStatus(dto.Status);
            return TypedResults.Ok(new IncidentDetailDto(dto,
                IncidentWorkflow.ActionsFrom(status, GeoClaims.Role(user)).Select(a => a.Code()).ToList(),
                events.Select(e => new IncidentEventDto(e.Action, e.FromStatus?.Code(), e.ToStatus.Code(), e.Actor, e.ActorRole, e.At, e.Lon, e.Lat, e.Note)).ToList()));
        });

        staff.MapGet("/{id:long}/photo", async Task<Results<FileContentHttpResult, NotFound>> (long id, ClaimsPrincipal user, GeoDbContext db, CancellationToken ct) =>
        {
            var visible = await Scoped(db.Incidents.AsNoTracking(), user).AnyAsync(i => i.Id == id, ct);
            var photo = visible ? await db.IncidentPhotos.AsNoTracking().FirstOrDefaultAsync(p => p.IncidentId == id, ct) : null;
            return photo is null ? TypedResults.NotFound() : TypedResults.File(photo.Data, photo.ContentType);
        });

        staff.MapPost("/{id:long}/transitions", IncidentTransitions.HandleAsync);
        return group;
    }

    /// <summary>Grid managers see and act on the cases of their own cells only; other staff see all.</summary>
    public static IQueryable<Incident> Scoped(IQueryable<Incident> q, ClaimsPrincipal user)
    {
        if (!user.IsInRole(GeoRoles.GridManager)) return q;
        var mine = user.FindFirstValue(GeoClaims.GridManager);
        return q.Where(i => mine != null && i.Assignee == mine);
    }

    private static async Task<Results<Created<IncidentDto>, ValidationProblem, ProblemHttpResult>> ReportAsync(
        ReportIn body, ClaimsPrincipal user, GeoDbContext db, CancellationToken ct)
    {
        if (body.Lon is null || body.Lat is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["location"] = ["lon and lat are required (EPSG:4326)"] });
        var (photo, photoError) = DecodePhoto(body.PhotoBase64, body.PhotoContentType);
        if (photoError is not null) return photoError;

        var role = GeoClaims.Role(user);
        var staff = GeoClaims.IsStaff(user);
        var (incident, error) = await IncidentIntake.ReportAsync(db, new IncidentReport(
            body.Category ?? "", body.Lon.Value, body.Lat.Value, body.Description ?? "",
            staff ? IncidentSource.Staff : IncidentSource.Resident,
            user.Identity?.Name ?? "anonymous", role ?? GeoRoles.Resident, GeoClaims.UserId(user), body.Contact, photo), DateTimeOffset.UtcNow, ct);
        if (error is not null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [error.Field] = [error.Reason] });
        return TypedResults.Created($"/api/incidents/{incident!.Id}", IncidentDto.From(incident));
    }

    private static readonly string[] PhotoTypes = ["image/jpeg", "image/png", "image/webp"];

    internal static (IncidentPhoto? Photo, ProblemHttpResult? Error) DecodePhoto(string? base64, string? contentType)
    {
        if (string.IsNullOrEmpty(base64)) return (null, null);
        const int max = IncidentPhotoEntityTypeConfiguration.MaxBytes;
        // checked before decoding: an oversized upload costs no decode buffer
        if (base64.Length > (max + 2) / 3 * 4 + 4)
            return (null, PhotoProblem($"photo is larger than {max / (1024 * 1024)} MiB", StatusCodes.Status413PayloadTooLarge));
        byte[] data;
        try { data = Convert.FromBase64String(base64); }
        catch (FormatException) { return (null, PhotoProblem("photo is not valid base64", StatusCodes.Status400BadRequest)); }
        if (data.Length > max) return (null, PhotoProblem($"photo is larger than {max / (1024 * 1024)} MiB", StatusCodes.Status413PayloadTooLarge));
        var sniffed = data switch
        {
            [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
            [0x89, 0x50, 0x4E, 0x47, ..] => "image/png",
            [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => "image/webp",
            _ => null,
        };
        if (sniffed is null || (contentType is not null && !string.Equals(contentType, sniffed, StringComparison.OrdinalIgnoreCase)))
            return (null, PhotoProblem($"photo must be one of {string.Join(", ", PhotoTypes)} (content and photoContentType agree)", StatusCodes.Status400BadRequest));
        return (new IncidentPhoto { ContentType = sniffed, Data = data }, null);
    }

    private static ProblemHttpResult PhotoProblem(string detail, int status) =>
        TypedResults.Problem(detail, statusCode: status, title: "invalid photo", extensions: new Dictionary<string, object?> { ["field"] = "photo" });
}
