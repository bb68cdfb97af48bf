using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Places;
using Geo.Core.Spatial;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Geo.Core.Incidents;

public sealed record IncidentReport(
    string Category, double Lon, double Lat, string Description, IncidentSource Source,
    string Actor, string ActorRole, long? ReporterUserId = null, string? ReporterContact = null, IncidentPhoto? Photo = null,
    string? AddressString = null, string? MediaUrl = null);

/// <summary>How a case enters the system, shared by the incidents API, Open311 and staff reports:
/// validate, locate to community and grid cell, assign the cell's grid manager, set the deadline on
/// the working-day calendar, write the case and its first audit event in one SaveChanges.</summary>
public static class IncidentIntake
{
    public const int MaxDescription = 2000;
    public const int MaxAddress = 500;
    public const int MaxMediaUrl = 2000;

    /// <summary>Raised by sensors only (<see cref="SensorIntake"/>): never filed by a person or a client, so a
    /// report cannot fake an alarm or learn that the category exists.</summary>
    public const string SensorAlarmCategory = "sensor_alarm";

    /// <summary>The categories a report may name: every category but sensor alarms (Open311 services.json lists these).</summary>
    public static IQueryable<IncidentCategory> ReportableCategories(GeoDbContext db) =>
        db.IncidentCategories.AsNoTracking().Where(c => c.Code != SensorAlarmCategory);

    /// <summary>Writes the case or throws <see cref="GeoException"/> (bad input, naming the field) before anything is written.</summary>
    public static async Task<Incident> ReportAsync(
        GeoDbContext db, IncidentReport r, DateTimeOffset now, CancellationToken ct = default)
    {
        var description = r.Description?.Trim() ?? "";
        if (description.Length is 0 or > MaxDescription)
            throw GeoException.BadInput("description", $"must be 1–{MaxDescription} characters");
        if (!double.IsFinite(r.Lon) || !double.IsFinite(r.Lat))
            throw GeoException.BadInput("location", "lon and lat must be numbers");

        var address = string.IsNullOrWhiteSpace(r.AddressString) ? null : r.AddressString.Trim();
        if (address?.Length > MaxAddress) throw GeoException.BadInput("address_string", $"must be at most {MaxAddress} characters");
        var media = string.IsNullOrWhiteSpace(r.MediaUrl) ? null : r.MediaUrl.Trim();
        if (media is not null && (media.Length > MaxMediaUrl || !Uri.TryCreate(media, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
            throw GeoException.BadInput("media_url", $"must be an absolute http(s) URL of at most {MaxMediaUrl} characters");

        var category = await ReportableCategories(db).FirstOrDefaultAsync(c => c.Code == r.Category, ct);
        if (category is null)
        {
            var known = await ReportableCategories(db).OrderBy(c => c.Code).Select(c => c.Code).ToListAsync(ct);
            throw GeoException.BadInput("category", $"unknown category '{r.Category}'; expected one of {string.Join(", ", known)}");
        }

        var p = GeoFactory.Point(r.Lon, r.Lat);
        var located = await LocateAsync(db, r.Lon, r.Lat, ct)
            ?? throw GeoException.BadInput("location", $"({r.Lon}, {r.Lat}) is outside Tongzhou district (lon, lat in EPSG:4326)");

        var calendar = await LoadCalendarAsync(db, ct);
        var incident = new Incident
        {
            CategoryCode = category.Code,
            Status = IncidentStatus.Reported,
            Description = description,
            Geom = p,
            CommunityId = located.CommunityId,
            GridCellId = located.GridCellId,
            Assignee = located.GridManager,
            Source = r.Source,
            ReporterUserId = r.ReporterUserId,
            ReporterContact = r.ReporterContact,
            AddressString = address,
            MediaUrl = media,
            ReportedAt = now,
            UpdatedAt = now,
            DeadlineAt = calendar.AddWorkingHours(now, category.TimeLimitHours),
            Photo = r.Photo,
            Events = [new IncidentEvent { Action = "report", ToStatus = IncidentStatus.Reported, Actor = r.Actor, ActorRole = r.ActorRole, At = now, Geom = p }],
        };
        db.Incidents.Add(incident);
        await db.SaveChangesAsync(ct);
        return incident;
    }

    public sealed record Location(long? CommunityId, long? GridCellId, string? GridManager);

    /// <summary>Null when the point is outside the district; a point inside it but in no grid cell is
    /// accepted unassigned (the command centre dispatches it by hand). The same rule as /api/locate.</summary>
    public static async Task<Location?> LocateAsync(GeoDbContext db, double lon, double lat, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var at = await RegionLocator.LocateAsync((NpgsqlConnection)db.Database.GetDbConnection(), lon, lat, ct);
            return at.Inside ? new Location(at.GridCell?.CommunityId ?? at.Community?.Id, at.GridCell?.Id, at.GridCell?.GridManager) : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public static async Task<WorkingCalendar> LoadCalendarAsync(GeoDbContext db, CancellationToken ct) =>
        new(await db.CalendarDays.AsNoTracking().ToListAsync(ct));
}
