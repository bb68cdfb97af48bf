using System.Security.Claims;
using System.Text.Json;
using Geo.Api.Auth;
using Geo.Api.Http;
using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace Geo.Api;

/// <summary>Extreme-weather warnings (admin) and what a display screen shows. Validity is part of
/// every query, so expired warnings disappear without a cleanup job.</summary>
public static class WarningsApi
{
    public sealed record WarningIn(string? Title, string? Message, string? Severity, JsonElement? Area, DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil);

    public sealed record WarningDto(long Id, string Title, string Message, string Severity, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil);

    public sealed record ShelterDto(long Id, string Name, double Lon, double Lat, double DistanceM);

    public sealed record ScreenMessage(long ScreenId, IReadOnlyList<WarningDto> Warnings, IReadOnlyList<ShelterDto> Shelters);

    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { GeoJsonRfc7946.Converter() } };

    public static RouteGroupBuilder MapWarningsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/warnings").WithTags("Warnings").RequireAuthorization(GeoPolicies.Staff);

        group.MapGet("/", async (GeoDbContext db, CancellationToken ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            return TypedResults.Ok(await db.WeatherWarnings.AsNoTracking().Where(w => w.ValidFrom <= now && w.ValidUntil > now)
                .OrderByDescending(w => w.Id).Select(w => new WarningDto(w.Id, w.Title, w.Message, w.Severity, w.ValidFrom, w.ValidUntil)).ToListAsync(ct));
        });

        group.MapPost("/", PublishAsync).RequireAuthorization(GeoPolicies.Admin);

        // what a screen polls: anonymous on purpose (screens are public displays and only read)
        app.MapGroup("/api/screens").WithTags("Warnings")
            .MapGet("/{id}/message", ScreenMessageAsync).AllowAnonymous().WithSummary("What a display screen shows: current warnings over it and the nearest shelters");
        return group;
    }

    private static async Task<Created<WarningDto>> PublishAsync(WarningIn body, ClaimsPrincipal user, GeoDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(body.Title) || body.Title.Length > 200) errors["title"] = "required, at most 200 characters";
        if (string.IsNullOrWhiteSpace(body.Message) || body.Message.Length > 4000) errors["message"] = "required, at most 4000 characters";
        if (body.Severity is null || !WeatherWarning.Severities.Contains(body.Severity)) errors["severity"] = $"one of {string.Join(", ", WeatherWarning.Severities)}";
        var from = body.ValidFrom ?? DateTimeOffset.UtcNow;
        if (body.ValidUntil is not { } until || until <= from) errors["valid_until"] = "required, after valid_from";
        MultiPolygon? area = null;
        try
        {
            var g = body.Area is { ValueKind: JsonValueKind.Object } a ? a.Deserialize<Geometry>(GeoJson) : null;
            if (g is Polygon or MultiPolygon && g.IsValid && !g.IsEmpty && GeoFactory.DistrictExtent.Contains(g.EnvelopeInternal))
            {
                area = GeoFactory.AsMultiPolygon(g);
                area.SRID = GeoFactory.Srid;
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or FormatException) { }
        if (area is null) errors["area"] = "a valid GeoJSON Polygon or MultiPolygon (lon, lat) inside Tongzhou";
        else if (area.NumPoints > 10_000) errors["area"] = $"{area.NumPoints} vertices: at most 10,000";
        if (errors.Count > 0) throw GeoException.Invalid(errors);

        var w = new WeatherWarning
        {
            Title = body.Title!.Trim(), Message = body.Message!.Trim(), Severity = body.Severity!, Area = area!,
            ValidFrom = from, ValidUntil = body.ValidUntil!.Value, CreatedBy = user.Identity?.Name ?? "admin",
        };
        db.WeatherWarnings.Add(w);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/warnings/{w.Id}", new WarningDto(w.Id, w.Title, w.Message, w.Severity, w.ValidFrom, w.ValidUntil));
    }

    private static async Task<Ok<ScreenMessage>> ScreenMessageAsync(string id, GeoDbContext db, CancellationToken ct)
    {
        if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var screenId))
            throw GeoException.BadInput("id", $"a screen id is a positive integer, got '{id}'");
        var screen = await db.Assets.AsNoTracking().Where(a => a.Id == screenId && a.Kind == AssetKind.DisplayScreen)
            .Select(a => new { a.Geom, a.Attributes }).FirstOrDefaultAsync(ct)
            ?? throw GeoException.NotFound("id", $"no display screen {screenId}");
        if (screen.Attributes is DisplayScreenAttributes { CanShowWarnings: false }) return TypedResults.Ok(new ScreenMessage(screenId, [], []));

        var now = DateTimeOffset.UtcNow;
        var severityRank = WeatherWarning.Severities;
        var warnings = (await db.WeatherWarnings.AsNoTracking()
                .Where(w => w.ValidFrom <= now && w.ValidUntil > now && w.Area.Covers(screen.Geom))
                .Select(w => new WarningDto(w.Id, w.Title, w.Message, w.Severity, w.ValidFrom, w.ValidUntil)).ToListAsync(ct))
            .OrderByDescending(w => Array.IndexOf(severityRank, w.Severity)).ThenByDescending(w => w.Id).ToList();
        if (warnings.Count == 0) return TypedResults.Ok(new ScreenMessage(screenId, [], []));

        // KNN (<->, index-assisted) picks candidates in degrees; geodesic metres decide the order.
        // Straight-line (geodesic) order: a screen message is a glance, not a route.
        var here = screen.Geom.Centroid;
        here.SRID = GeoFactory.Srid;
        var shelters = (await db.Database.SqlQuery<ShelterDto>($"""
                SELECT id AS "Id", name AS "Name", ST_X(ST_PointOnSurface(geom)) AS "Lon", ST_Y(ST_PointOnSurface(geom)) AS "Lat",
                       ST_Distance(geom::geography, {here}::geography) AS "DistanceM"
                FROM assets WHERE kind = 'shelter' AND status <> 'planned'
                ORDER BY geom <-> {here} LIMIT 20
                """).ToListAsync(ct))
            .OrderBy(s => s.DistanceM).Take(3).ToList();
        return TypedResults.Ok(new ScreenMessage(screenId, warnings, shelters));
    }
}
