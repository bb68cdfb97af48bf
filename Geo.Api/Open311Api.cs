using System.Security.Claims;
using System.Text.Json;
using Geo.Api.Auth;
using Geo.Core.Access;
using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Incidents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Geo.Api;

/// <summary>Open311 GeoReport v2 facade over incidents, so existing reporting apps can submit and
/// track cases. Field names, status values (open/closed) and the error shape follow the spec.</summary>
public static class Open311Api
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public sealed record Service(string ServiceCode, string ServiceName, string Description, bool Metadata, string Type, string Keywords, string Group);

    public sealed record ServiceRequest(long ServiceRequestId, string Status, string? StatusNotes, string ServiceName, string ServiceCode,
        string Description, string? AgencyResponsible, DateTimeOffset RequestedDatetime, DateTimeOffset UpdatedDatetime,
        DateTimeOffset ExpectedDatetime, double Lat, double Long);

    public sealed record Created(long ServiceRequestId, string ServiceNotice, string? AccountId);

    public sealed record Error(int Code, string Description);

    public static RouteGroupBuilder MapOpen311Api(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/open311/v2").WithTags("Open311");

        group.MapGet("/services.json", async (GeoDbContext db, CancellationToken ct) => Results.Json(
            (await db.IncidentCategories.AsNoTracking().Where(c => c.Code != "sensor_alarm").OrderBy(c => c.Code).ToListAsync(ct))
                .Select(c => new Service(c.Code, c.NameZh, c.NameEn, false, "realtime", c.NameEn.ToLowerInvariant(), "grid")), Json))
            .Produces<Service[]>().WithSummary("GeoReport v2 service list");

        group.MapGet("/requests.json", async (HttpRequest req, ClaimsPrincipal user, GeoDbContext db, CancellationToken ct) =>
        {
            var q = Visible(db, user);
            if (req.Query["service_request_id"].ToString() is { Length: > 0 } ids)
            {
                var list = ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => long.TryParse(s, out var v) ? v : -1).ToList();
                q = q.Where(i => list.Contains(i.Id));
            }
            if (req.Query["service_code"].ToString() is { Length: > 0 } code) q = q.Where(i => i.CategoryCode == code);
            switch (req.Query["status"].ToString())
            {
                case "open": q = q.Where(i => i.Status != IncidentStatus.Closed && i.Status != IncidentStatus.Rejected); break;
                case "closed": q = q.Where(i => i.Status == IncidentStatus.Closed || i.Status == IncidentStatus.Rejected); break;
                case "": break;
                default: return Fail(400, "status must be open or closed");
            }
            if (DateTimeOffset.TryParse(req.Query["start_date"], System.Globalization.CultureInfo.InvariantCulture, out var start)) q = q.Where(i => i.ReportedAt >= start);
            if (DateTimeOffset.TryParse(req.Query["end_date"], System.Globalization.CultureInfo.InvariantCulture, out var end)) q = q.Where(i => i.ReportedAt <= end);
            return Results.Json(await ProjectAsync(db, q.OrderByDescending(i => i.Id).Take(1000), GeoClaims.IsStaff(user), ct), Json);
        }).Produces<ServiceRequest[]>().WithSummary("GeoReport v2 service requests (sensor alarms for staff only)");

        group.MapGet("/requests/{id:long}.json", async (long id, ClaimsPrincipal user, GeoDbContext db, CancellationToken ct) =>
        {
            var rows = await ProjectAsync(db, Visible(db, user).Where(i => i.Id == id), GeoClaims.IsStaff(user), ct);
            return rows.Count == 0 ? Fail(404, $"no service request {id}") : Results.Json(rows, Json);
        }).Produces<ServiceRequest[]>().WithSummary("One GeoReport v2 service request");

        group.MapPost("/requests.json", async (HttpRequest req, ClaimsPrincipal user, GeoDbContext db, CancellationToken ct) =>
        {
            if (!req.HasFormContentType) return Fail(400, "send application/x-www-form-urlencoded or multipart/form-data (GeoReport v2)");
            var form = await req.ReadFormAsync(ct);
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            if (!double.TryParse(form["lat"], inv, out var lat) || !double.TryParse(form["long"], inv, out var lon))
                return Fail(400, "lat and long are required (address_string alone is not geocoded)");
            var contact = string.Join(" ", new[] { form["first_name"], form["last_name"], form["email"], form["phone"] }.Select(v => v.ToString()).Where(v => v.Length > 0));
            Incident incident;
            try
            {
                incident = await IncidentIntake.ReportAsync(db, new IncidentReport(
                    form["service_code"].ToString(), lon, lat, form["description"].ToString(), IncidentSource.Open311,
                    user.Identity?.Name ?? "open311", GeoClaims.Role(user) ?? GeoRoles.Resident, GeoClaims.UserId(user),
                    contact.Length > 0 ? contact : null), DateTimeOffset.UtcNow, ct);
            }
            catch (GeoException ex)
            {
                // GeoReport v2 has its own error document: [{code, description}]
                return Fail((int)ex.Kind, $"{(ex.Parameter == "category" ? "service_code" : ex.Parameter)}: {ex.Message}");
            }
            return Results.Json(new[] { new Created(incident.Id, $"located to grid cell {incident.GridCellId?.ToString(inv) ?? "(none)"}; due {incident.DeadlineAt:O}", null) },
                Json, statusCode: StatusCodes.Status201Created);
        }).AllowAnonymousWrite("Open311 clients submit resident reports")
            .Produces<Created[]>(StatusCodes.Status201Created).WithSummary("Submit a GeoReport v2 service request (form-encoded)");
        return group;
    }

    /// <summary>Sensor alarms would reveal where sensors are: staff only, like the sensor layer itself.</summary>
    private static IQueryable<Incident> Visible(GeoDbContext db, ClaimsPrincipal user) =>
        GeoClaims.IsStaff(user) ? db.Incidents.AsNoTracking() : db.Incidents.AsNoTracking().Where(i => i.Source != IncidentSource.Sensor);

    /// <summary>Staff notes and the assignee are internal (issue 12, finding 11): the public list shows neither.</summary>
    private static async Task<List<ServiceRequest>> ProjectAsync(GeoDbContext db, IQueryable<Incident> q, bool staff, CancellationToken ct)
    {
        var rows = await q.Select(i => new
        {
            i.Id, i.Status, i.CategoryCode, i.Description, i.Assignee, i.ReportedAt, i.UpdatedAt, i.DeadlineAt, Lon = i.Geom.X, Lat = i.Geom.Y,
            Note = db.IncidentEvents.Where(e => e.IncidentId == i.Id && e.Note != null).OrderByDescending(e => e.Id).Select(e => e.Note).FirstOrDefault(),
            Name = db.IncidentCategories.Where(c => c.Code == i.CategoryCode).Select(c => c.NameZh).FirstOrDefault(),
        }).ToListAsync(ct);
        return rows.Select(r => new ServiceRequest(r.Id, r.Status is IncidentStatus.Closed or IncidentStatus.Rejected ? "closed" : "open",
            staff ? r.Note : null, r.Name ?? r.CategoryCode, r.CategoryCode, r.Description, staff ? r.Assignee : null, r.ReportedAt, r.UpdatedAt, r.DeadlineAt, r.Lat, r.Lon)).ToList();
    }

    private static IResult Fail(int code, string description) => Results.Json(new[] { new Error(code, description) }, Json, statusCode: code);
}
