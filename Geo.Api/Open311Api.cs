using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Xml;
using Geo.Api.Auth;
using Geo.Api.Hardening;
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

/// <summary>Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) over incidents, field by field, in both formats
/// (.json and .xml, XML being the spec's default): discovery, service list and definitions, submit, list and
/// fetch requests, and the spec's own error document ([{code, description}] / &lt;errors&gt;). api_key (form or
/// query) authenticates like X-Api-Key; an invalid one is refused, and <see cref="RequireKeyKey"/> can make it
/// mandatory for POST. Only services.json's codes can be filed (never sensor alarms); address_string and
/// media_url are stored and returned (address, media_url).</summary>
public static class Open311Api
{
    /// <summary>Geo:Open311:RequireApiKey (default false: residents' apps file anonymously, as /api/incidents allows).</summary>
    public const string RequireKeyKey = "Geo:Open311:RequireApiKey";

    private const string Formats = "{format:regex(^(json|xml)$)}";
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public sealed record Service(string ServiceCode, string ServiceName, string Description, bool Metadata, string Type, string Keywords, string Group);

    public sealed record ServiceDefinition(string ServiceCode, IReadOnlyList<object> Attributes);

    public sealed record ServiceRequest(long ServiceRequestId, string Status, string? StatusNotes, string ServiceName, string ServiceCode,
        string Description, string? AgencyResponsible, string? ServiceNotice, DateTimeOffset RequestedDatetime, DateTimeOffset UpdatedDatetime,
        DateTimeOffset ExpectedDatetime, string? Address, string? AddressId, string? Zipcode, double Lat, double Long, string? MediaUrl);

    public sealed record Created(long ServiceRequestId, string ServiceNotice, string? AccountId);

    public sealed record Error(int Code, string Description);

    public sealed record Endpoint(string Specification, string Url, DateTimeOffset Changeset, string Type, IReadOnlyList<string> Formats);

    public sealed record Discovery(DateTimeOffset Changeset, string Contact, string KeyService, IReadOnlyList<Endpoint> Endpoints);

    private static readonly DateTimeOffset Changeset = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public static RouteGroupBuilder MapOpen311Api(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/open311/v2").WithTags("Open311");

        group.MapGet($"/discovery.{Formats}", (string format, HttpRequest req) =>
        {
            var url = $"{req.Scheme}://{req.Host}{req.PathBase}/open311/v2";
            var d = new Discovery(Changeset, "通州区城市管理指挥中心 (Tongzhou district command centre)", "./geo users apikey (an administrator issues keys)",
                [new Endpoint("http://wiki.open311.org/GeoReport_v2", url, Changeset, "production", ["application/json", "text/xml"])]);
            return Respond(format, d, w =>
            {
                w.WriteStartElement("discovery");
                w.WriteElementString("changeset", Iso(d.Changeset));
                w.WriteElementString("contact", d.Contact);
                w.WriteElementString("key_service", d.KeyService);
                w.WriteStartElement("endpoints");
                foreach (var e in d.Endpoints)
                {
                    w.WriteStartElement("endpoint");
                    w.WriteElementString("specification", e.Specification);
                    w.WriteElementString("url", e.Url);
                    w.WriteElementString("changeset", Iso(e.Changeset));
                    w.WriteElementString("type", e.Type);
                    w.WriteStartElement("formats");
                    foreach (var f in e.Formats) w.WriteElementString("format", f);
                    w.WriteEndElement();
                    w.WriteEndElement();
                }
                w.WriteEndElement();
                w.WriteEndElement();
            });
        }).Cheap().WithName("open311Discovery").Produces<Discovery>(StatusCodes.Status200OK, "application/json", "text/xml").WithSummary("GeoReport v2 discovery");

        group.MapGet($"/services.{Formats}", async (string format, HttpRequest req, ReportCategories categories, CancellationToken ct) =>
        {
            // an extension of the spec: with lat and long, only the services offered at that place (the map's form asks the same rule)
            var lat = req.Query["lat"].ToString();
            var lon = req.Query["long"].ToString();
            IReadOnlyList<IncidentCategory> offered;
            if (lat.Length == 0 && lon.Length == 0) offered = await categories.AnywhereAsync(ct);
            else
            {
                var inv = CultureInfo.InvariantCulture;
                if (!double.TryParse(lat, NumberStyles.Float, inv, out var y) || !double.IsFinite(y)) return Fail(format, 400, "lat: a decimal latitude (WGS84) with long");
                if (!double.TryParse(lon, NumberStyles.Float, inv, out var x) || !double.IsFinite(x)) return Fail(format, 400, "long: a decimal longitude (WGS84) with lat");
                try { offered = await categories.AtAsync(x, y, ct); }
                catch (GeoException ex) { return Fail(format, 400, $"lat: {ex.Message}"); }
            }
            var list = offered
                .Select(c => new Service(c.Code, c.NameZh, c.NameEn, false, "realtime", c.NameEn.ToLowerInvariant(), "grid")).ToList();
            return Respond(format, list, w =>
            {
                w.WriteStartElement("services");
                foreach (var s in list)
                {
                    w.WriteStartElement("service");
                    w.WriteElementString("service_code", s.ServiceCode);
                    w.WriteElementString("service_name", s.ServiceName);
                    w.WriteElementString("description", s.Description);
                    w.WriteElementString("metadata", s.Metadata ? "true" : "false");
                    w.WriteElementString("type", s.Type);
                    w.WriteElementString("keywords", s.Keywords);
                    w.WriteElementString("group", s.Group);
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            });
        }).Cheap().WithName("open311Services").Produces<Service[]>(StatusCodes.Status200OK, "application/json", "text/xml").WithSummary("GeoReport v2 service list; with `lat` and `long` (an extension), only the services offered at that place (a category's area)");

        group.MapGet("/services/{service_code}." + Formats, async (string service_code, string format, ReportCategories categories, CancellationToken ct) =>
        {
            if (!(await categories.AnywhereAsync(ct)).Any(c => c.Code == service_code))
                return Fail(format, 404, $"service_code: no service '{service_code}'; see services.{format}");
            var def = new ServiceDefinition(service_code, []);
            return Respond(format, def, w =>
            {
                w.WriteStartElement("service_definition");
                w.WriteElementString("service_code", def.ServiceCode);
                w.WriteStartElement("attributes");
                w.WriteEndElement();
                w.WriteEndElement();
            });
        }).Cheap().WithName("open311ServiceDefinition").Produces<ServiceDefinition>(StatusCodes.Status200OK, "application/json", "text/xml")
            .WithSummary("GeoReport v2 service definition (no extra attributes: metadata is false for every service)");

        group.MapGet($"/requests.{Formats}", async (string format, HttpRequest req, GeoDbContext db, CancellationToken ct) =>
        {
            var user = await Principal(req, db, ct);
            if (user is null) return Fail(format, 403, "api_key: invalid or revoked key");
            var q = Visible(db, user);
            if (req.Query["service_request_id"].ToString() is { Length: > 0 } ids)
            {
                var list = ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => long.TryParse(s, out var v) ? v : -1).Take(1000).ToList();
                q = q.Where(i => list.Contains(i.Id));
            }
            if (req.Query["service_code"].ToString() is { Length: > 0 } code) q = q.Where(i => i.CategoryCode == code);
            switch (req.Query["status"].ToString())
            {
                case "open": q = q.Where(i => i.Status != IncidentStatus.Closed && i.Status != IncidentStatus.Rejected); break;
                case "closed": q = q.Where(i => i.Status == IncidentStatus.Closed || i.Status == IncidentStatus.Rejected); break;
                case "": break;
                default: return Fail(format, 400, "status: must be open or closed");
            }
            foreach (var (name, after) in new[] { ("start_date", true), ("end_date", false) })
            {
                if (req.Query[name].ToString() is not { Length: > 0 } text) continue;
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                    return Fail(format, 400, $"{name}: not a w3 date-time ('{text}')");
                q = after ? q.Where(i => i.ReportedAt >= t) : q.Where(i => i.ReportedAt <= t);
            }
            // the spec's default window: the last 90 days when no date is given
            if (req.Query["start_date"].Count == 0 && req.Query["end_date"].Count == 0 && req.Query["service_request_id"].Count == 0)
            {
                var since = DateTimeOffset.UtcNow.AddDays(-90);
                q = q.Where(i => i.ReportedAt >= since);
            }
            return Requests(format, await ProjectAsync(db, q.OrderByDescending(i => i.Id).Take(1000), GeoClaims.IsStaff(user), ct));
        }).Cheap().WithName("open311Requests").Produces<ServiceRequest[]>(StatusCodes.Status200OK, "application/json", "text/xml")
            .WithSummary("GeoReport v2 service requests (sensor alarms for staff only)");

        group.MapGet("/requests/{id:long}." + Formats, async (long id, string format, HttpRequest req, GeoDbContext db, CancellationToken ct) =>
        {
            var user = await Principal(req, db, ct);
            if (user is null) return Fail(format, 403, "api_key: invalid or revoked key");
            var rows = await ProjectAsync(db, Visible(db, user).Where(i => i.Id == id), GeoClaims.IsStaff(user), ct);
            return rows.Count == 0 ? Fail(format, 404, $"service_request_id: no service request {id}") : Requests(format, rows);
        }).Cheap().WithName("open311Request").Produces<ServiceRequest[]>(StatusCodes.Status200OK, "application/json", "text/xml").WithSummary("One GeoReport v2 service request");

        group.MapPost($"/requests.{Formats}", async (string format, HttpRequest req, GeoDbContext db, IncidentIntake intake, SiteOptions config, CancellationToken ct) =>
        {
            if (!req.HasFormContentType) return Fail(format, 400, "send application/x-www-form-urlencoded or multipart/form-data (GeoReport v2)");
            var form = await req.ReadFormAsync(ct);
            var key = form["api_key"].ToString() is { Length: > 0 } k ? k : req.Query["api_key"].ToString();
            if (key.Length == 0 && config.Open311.RequireApiKey) return Fail(format, 400, "api_key: required");
            var user = await Principal(req, db, ct, key);
            if (user is null) return Fail(format, 403, "api_key: invalid or revoked key");
            var inv = CultureInfo.InvariantCulture;
            var hasLat = form["lat"].ToString().Length > 0;
            if (!hasLat && form["address_string"].ToString().Length > 0)
                return Fail(format, 400, "lat: lat and long are required (address_string alone is not geocoded here)");
            if (!double.TryParse(form["lat"], NumberStyles.Float, inv, out var lat)) return Fail(format, 400, "lat: a decimal latitude (WGS84) is required");
            if (!double.TryParse(form["long"], NumberStyles.Float, inv, out var lon)) return Fail(format, 400, "long: a decimal longitude (WGS84) is required");
            var contact = string.Join(" ", new[] { form["first_name"], form["last_name"], form["email"], form["phone"] }.Select(v => v.ToString()).Where(v => v.Length > 0));
            if (contact.Length > 500) return Fail(format, 400, "email: contact fields are at most 500 characters together");
            Incident incident;
            try
            {
                // FixMyStreet's extension: the photo as a multipart `media` file, through the same checks and stripping as the map's photos
                IReadOnlyList<IncidentPhoto> photos = [];
                if (form.Files.GetFile("media") is { } media)
                {
                    if (media.Length > IncidentPhotos.MaxBytes) throw GeoException.TooLarge("media", $"photo is larger than {IncidentPhotos.MaxBytes / (1024 * 1024)} MiB");
                    using var ms = new MemoryStream((int)media.Length);
                    await media.CopyToAsync(ms, ct);
                    var type = media.ContentType is "application/octet-stream" or "" ? null : media.ContentType;
                    photos = [IncidentPhotos.FromBytes(ms.ToArray(), type, "media")];
                }
                // a retried report (after a timeout) with the same Idempotency-Key is the one request: same service_request_id
                var idempotencyKey = req.Headers.TryGetValue(IncidentIntake.IdempotencyHeader, out var hk) ? hk.ToString() : null;
                bool replayed;
                (incident, replayed) = await intake.ReportOnceAsync(new IncidentReport(
                    form["service_code"].ToString(), lon, lat, form["description"].ToString(), IncidentSource.Open311,
                    user.Identity?.Name ?? "open311", GeoClaims.Role(user) ?? GeoRoles.Resident, GeoClaims.UserId(user),
                    contact.Length > 0 ? contact : null, photos, AddressString: form["address_string"].ToString(), MediaUrl: form["media_url"].ToString()),
                    idempotencyKey, DateTimeOffset.UtcNow, ct);
                if (replayed) req.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
            }
            catch (GeoException ex)
            {
                var field = ex.Parameter switch { "category" => "service_code", "location" => "lat", var p => p };
                return Fail(format, (int)ex.Kind, $"{field}: {ex.Message}");
            }
            var created = new Created(incident.Id, $"located to grid cell {incident.GridCellId?.ToString(inv) ?? "(none)"}; due {incident.DeadlineAt:O}", null);
            return Respond(format, new[] { created }, w =>
            {
                w.WriteStartElement("service_requests");
                w.WriteStartElement("request");
                w.WriteElementString("service_request_id", created.ServiceRequestId.ToString(inv));
                w.WriteElementString("service_notice", created.ServiceNotice);
                w.WriteElementString("account_id", "");
                w.WriteEndElement();
                w.WriteEndElement();
            }, StatusCodes.Status201Created);
        }).AllowAnonymousWrite("Open311 clients submit resident reports").RequireRateLimiting(GeoLimits.Reports).WithName("open311CreateRequest")
            .Produces<Created[]>(StatusCodes.Status201Created, "application/json", "text/xml")
            .WithSummary("Submit a GeoReport v2 service request (form-encoded, or multipart with a `media` photo file: FixMyStreet's extension, checked and stripped of EXIF like the map's photos). An `Idempotency-Key` header makes a retried request write it once (the retry gets the same service_request_id and `Idempotent-Replayed: true`; the key reused for another request is a 422)");
        return group;
    }

    /// <summary>The caller: the api_key's principal when one is given (null when it is not a live key), else the request's.</summary>
    private static async Task<ClaimsPrincipal?> Principal(HttpRequest req, GeoDbContext db, CancellationToken ct, string? key = null)
    {
        key ??= req.Query["api_key"].ToString();
        return key.Length == 0 ? req.HttpContext.User : await ApiKeyAuthenticationHandler.PrincipalAsync(db, key, GeoAuth.ApiKeyScheme, ct);
    }

    /// <summary>Sensor alarms would reveal where sensors are: staff only, like the sensor layer itself.</summary>
    private static IQueryable<Incident> Visible(GeoDbContext db, ClaimsPrincipal user) =>
        GeoClaims.IsStaff(user) ? db.Incidents.AsNoTracking() : db.Incidents.AsNoTracking().Where(i => i.Source != IncidentSource.Sensor);

    /// <summary>Who answers a request, as the public sees it: the district's grid command centre, never a person.</summary>
    public const string PublicAgency = "通州区网格化服务管理中心 Tongzhou grid management centre";

    /// <summary>Staff notes and the assignee are internal: the public list shows neither (the
    /// agency is the command centre); staff see the grid manager's name.</summary>
    private static async Task<List<ServiceRequest>> ProjectAsync(GeoDbContext db, IQueryable<Incident> q, bool staff, CancellationToken ct)
    {
        var rows = await q.Select(i => new
        {
            i.Id, i.Status, i.CategoryCode, i.Description, i.Assignee, i.ReportedAt, i.UpdatedAt, i.DeadlineAt, Lon = i.Geom.X, Lat = i.Geom.Y,
            i.AddressString, i.MediaUrl, i.GridCellId,
            Note = db.IncidentEvents.Where(e => e.IncidentId == i.Id && e.Note != null).OrderByDescending(e => e.Id).Select(e => e.Note).FirstOrDefault(),
            Name = db.IncidentCategories.Where(c => c.Code == i.CategoryCode).Select(c => c.NameZh).FirstOrDefault(),
        }).ToListAsync(ct);
        return rows.Select(r => new ServiceRequest(r.Id, r.Status is IncidentStatus.Closed or IncidentStatus.Rejected ? "closed" : "open",
            staff ? r.Note : null, r.Name ?? r.CategoryCode, r.CategoryCode, r.Description, staff ? r.Assignee : PublicAgency,
            r.GridCellId is { } cell ? $"grid cell {cell.ToString(CultureInfo.InvariantCulture)}" : null,
            r.ReportedAt, r.UpdatedAt, r.DeadlineAt, r.AddressString, null, null, r.Lat, r.Lon, r.MediaUrl)).ToList();
    }

    private static IResult Requests(string format, List<ServiceRequest> rows) => Respond(format, rows, w =>
    {
        var inv = CultureInfo.InvariantCulture;
        w.WriteStartElement("service_requests");
        foreach (var r in rows)
        {
            w.WriteStartElement("request");
            w.WriteElementString("service_request_id", r.ServiceRequestId.ToString(inv));
            w.WriteElementString("status", r.Status);
            w.WriteElementString("status_notes", r.StatusNotes ?? "");
            w.WriteElementString("service_name", r.ServiceName);
            w.WriteElementString("service_code", r.ServiceCode);
            w.WriteElementString("description", r.Description);
            w.WriteElementString("agency_responsible", r.AgencyResponsible ?? "");
            w.WriteElementString("service_notice", r.ServiceNotice ?? "");
            w.WriteElementString("requested_datetime", Iso(r.RequestedDatetime));
            w.WriteElementString("updated_datetime", Iso(r.UpdatedDatetime));
            w.WriteElementString("expected_datetime", Iso(r.ExpectedDatetime));
            w.WriteElementString("address", r.Address ?? "");
            w.WriteElementString("address_id", "");
            w.WriteElementString("zipcode", "");
            w.WriteElementString("lat", r.Lat.ToString("R", inv));
            w.WriteElementString("long", r.Long.ToString("R", inv));
            w.WriteElementString("media_url", r.MediaUrl ?? "");
            w.WriteEndElement();
        }
        w.WriteEndElement();
    });

    private static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);

    private static IResult Respond<T>(string format, T value, Action<XmlWriter> xml, int status = StatusCodes.Status200OK)
    {
        if (format == "json") return Results.Json(value, Json, statusCode: status);
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(new StringWriterUtf8(sb), new XmlWriterSettings { Indent = false, Encoding = Encoding.UTF8 }))
        {
            w.WriteStartDocument();
            xml(w);
            w.WriteEndDocument();
        }
        return Results.Text(sb.ToString(), "text/xml; charset=utf-8", Encoding.UTF8, status);
    }

    private static IResult Fail(string format, int code, string description) => Respond(format, new[] { new Error(code, description) }, w =>
    {
        w.WriteStartElement("errors");
        w.WriteStartElement("error");
        w.WriteElementString("code", code.ToString(CultureInfo.InvariantCulture));
        w.WriteElementString("description", description);
        w.WriteEndElement();
        w.WriteEndElement();
    }, code);

    /// <summary>A StringWriter that declares UTF-8, so the XML declaration says encoding="utf-8" (the body is sent as UTF-8).</summary>
    private sealed class StringWriterUtf8(StringBuilder sb) : StringWriter(sb, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}
