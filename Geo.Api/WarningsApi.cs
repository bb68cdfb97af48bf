using System.Security.Claims;
using System.Text.Json;
using Geo.Api.Auth;
using Geo.Api.Hardening;
using Geo.Api.Http;
using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Public;
using Geo.Core.Walking;
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

    /// <param name="DistanceM">walking metres on the network (<c>measure</c> "walking"), else straight-line metres</param>
    /// <param name="Minutes">walking minutes at the elderly pace; null when measured by straight line (nothing within an hour's walk, or no network)</param>
    /// <param name="MinutesShown">the whole minutes the screen page shows</param>
    public sealed record ShelterDto(long Id, string Name, double Lon, double Lat, double DistanceM, double? Minutes, int? MinutesShown, string Measure);

    /// <summary>What the screen shows (<see cref="ScreenBoard"/>, the page's own use case): warnings in force over it (none when the
    /// screen cannot show warnings), and the nearest shelters and civil-defence sites by walking time at <c>profile</c>'s pace.</summary>
    public sealed record ScreenMessage(long ScreenId, string Name, bool ShowsWarnings, bool Synthetic, string Profile, IReadOnlyList<WarningDto> Warnings,
        IReadOnlyList<ShelterDto> Shelters, IReadOnlyList<ShelterDto> CivilDefence, DateTimeOffset At);

    private static readonly JsonSerializerOptions GeoJson = GeoJsonOptions.Rfc7946;

    public static RouteGroupBuilder MapWarningsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/warnings").WithTags("Warnings").RequireAuthorization(GeoPolicies.Staff).Cheap();

        group.MapGet("/", async (GeoDbContext db, CancellationToken ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            return TypedResults.Ok(await db.WeatherWarnings.AsNoTracking().Where(w => w.ValidFrom <= now && w.ValidUntil > now)
                .OrderByDescending(w => w.Id).Select(w => new WarningDto(w.Id, w.Title, w.Message, w.Severity, w.ValidFrom, w.ValidUntil)).ToListAsync(ct));
        });

        group.MapPost("/", PublishAsync).RequireAuthorization(GeoPolicies.Admin);

        // what a screen polls: anonymous on purpose (screens are public displays and only read)
        app.MapGroup("/api/screens").WithTags("Warnings")
            .MapGet("/{id}/message", ScreenMessageAsync).AllowAnonymous().RequireRateLimiting(GeoLimits.Heavy).WithSummary("What a display screen shows: current warnings over it and the nearest shelters and civil-defence sites by walking time (the /screen/{id} page's own content)");
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

    private static async Task<Ok<ScreenMessage>> ScreenMessageAsync(string id, ScreenBoard screens, WalkingOptions walking, CancellationToken ct)
    {
        var screenId = QueryValues.Id(id, "a screen id");
        // the same Core use case as the /screen/{id} page: same warnings, same places, same order, same minutes
        var view = await screens.LoadAsync(screenId, ct);
        static ShelterDto Place(PublicPlace p) => new(p.Id, p.Name, p.Lon, p.Lat, p.DistanceM ?? 0, p.Minutes,
            p.Minutes is { } m ? PublicPlaces.ShownMinutes(m) : null, p.Minutes is null ? "straight_line" : "walking");
        return TypedResults.Ok(new ScreenMessage(view.Id, view.Name, view.ShowsWarnings, view.Synthetic, walking.Elderly.Name,
            [.. view.Warnings.Select(w => new WarningDto(w.Id, w.Title, w.Message, w.Severity, w.ValidFrom, w.ValidUntil))],
            [.. view.Shelters.Select(Place)], [.. view.CivilDefence.Select(Place)], view.At));
    }
}
