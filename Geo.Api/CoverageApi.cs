using Geo.Core.Crs;
using System.Text.Json;
using System.Text.Json.Serialization;
using Geo.Api.Auth;
using Geo.Core.Coverage;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Geo.Api;

/// <summary>Coverage for planners: Wi-Fi and camera coverage of an area and of its residents, reach of
/// service terminals, shelters' capacity, sensors per building, and greedy site suggestions.</summary>
public static partial class CoverageApi
{
    /// <summary>Kinds whose reach is a straight-line radius around each asset (walking reach arrives with the network).</summary>
    private static readonly Dictionary<string, (double DefaultRadiusM, bool Elderly)> ReachKinds = new()
    {
        ["display_screen"] = (500, false),
        ["kiosk"] = (500, true),
        ["payment_terminal"] = (800, false),
        ["service_station"] = (1000, false),
        ["shelter"] = (1500, false),
        ["wifi_hotspot"] = (50, false),
    };

    public sealed record WifiQuery(
        [FromQuery(Name = "region")] string? Region, [FromQuery(Name = "online_only")] bool? OnlineOnly, [FromQuery(Name = "gaps")] bool? Gaps);

    public sealed record ReachQuery(
        [FromQuery(Name = "kind")] string? Kind, [FromQuery(Name = "region")] string? Region,
        [FromQuery(Name = "radius_m")] double? RadiusM, [FromQuery(Name = "online_only")] bool? OnlineOnly,
        [FromQuery(Name = "mode")] string? Mode = null, [FromQuery(Name = "minutes")] double? Minutes = null,
        [FromQuery(Name = "profile")] string? Profile = null);

    public sealed record AreaBody(
        [property: JsonPropertyName("polygon")] JsonElement? Polygon, [property: JsonPropertyName("kind")] string? Kind,
        [property: JsonPropertyName("online_only")] bool? OnlineOnly, [property: JsonPropertyName("gaps")] bool? Gaps,
        [property: JsonPropertyName("radius_m")] double? RadiusM);

    public sealed record SuggestBody(
        [property: JsonPropertyName("kind")] string? Kind, [property: JsonPropertyName("region")] string? Region,
        [property: JsonPropertyName("k")] int? K, [property: JsonPropertyName("radius_m")] double? RadiusM,
        [property: JsonPropertyName("candidates")] string? Candidates, [property: JsonPropertyName("points")] double[][]? Points);

    public static RouteGroupBuilder MapCoverageApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/coverage").WithTags("Coverage");
        g.MapGet("/wifi", Wifi).WithSummary("Wi-Fi coverage of a region (code, or 'urban' for the 街道 urban area): area and residents, optional gap polygons");
        g.MapGet("/cameras", Cameras).WithSummary("Camera field-of-view coverage of a region (staff only: cameras are a sensitive layer)")
            .RequireAuthorization(GeoPolicies.Staff);
        g.MapGet("/reach", Reach).WithSummary("Straight-line reach of a kind of terminal over a region's residents (60+ for kiosks)");
        g.MapPost("/area", Area).WithSummary("Coverage of a drawn GeoJSON polygon by a kind")
            .AllowAnonymousWrite("read-only: the body carries the drawn polygon");
        g.MapGet("/counts", Counts).WithSummary("Per-community counts of a kind against the standard's rule");
        g.MapGet("/shelters", Shelters).WithSummary("Shelter capacity against residents within a threshold, deficit per community");
        g.MapGet("/sensors", Sensors).WithSummary("Smoke and gas detectors per residential building, per grid cell (staff only)")
            .RequireAuthorization(GeoPolicies.Staff);
        g.MapPost("/suggest", Suggest).WithSummary("Greedy site suggestion maximising newly covered residents")
            .AllowAnonymousWrite("read-only: the body carries the planning question; nothing is stored");
        return g;
    }

    private static async Task<Results<Ok<object>, ProblemHttpResult, ValidationProblem>> Wifi([AsParameters] WifiQuery q, NpgsqlDataSource db, CancellationToken ct)
    {
        var code = q.Region ?? CoverageInputs.UrbanArea;
        var res = await Guarded(() => new CoverageEngine(db).WifiAsync(code, q.OnlineOnly ?? false, q.Gaps ?? false, ct), "gaps");
        return res.Problem ?? (res.Value is null ? UnknownRegion(code) : TypedResults.Ok(Shape(res.Value)));
    }

    private static async Task<Results<Ok<object>, ProblemHttpResult, ValidationProblem>> Cameras([AsParameters] WifiQuery q, NpgsqlDataSource db, CancellationToken ct)
    {
        var code = q.Region ?? CoverageInputs.UrbanArea;
        var res = await Guarded(() => new CoverageEngine(db).CamerasAsync(code, q.OnlineOnly ?? false, q.Gaps ?? false, ct), "gaps");
        return res.Problem ?? (res.Value is null ? UnknownRegion(code) : TypedResults.Ok(Shape(res.Value)));
    }

    private static async Task<Results<Ok<object>, ProblemHttpResult, ValidationProblem>> Reach([AsParameters] ReachQuery q, NpgsqlDataSource db,
        IServiceProvider sp, IConfiguration config, CancellationToken ct)
    {
        if (q.Kind is null || !ReachKinds.TryGetValue(q.Kind, out var rule))
            return Invalid("kind", $"one of {string.Join(", ", ReachKinds.Keys)}");
        if (q.RadiusM is { } r && r is <= 0 or > 5000 || q.RadiusM is double.NaN) return Invalid("radius_m", "must be in (0, 5000] metres");
        var code = q.Region ?? CoverageInputs.UrbanArea;
        if (q.Mode is not (null or "line" or "walk")) return Invalid("mode", "line (straight-line radius, the default) or walk (walking time on the network)");
        if (q.Mode == "walk") return await WalkReach(q, rule.Elderly, code, db, sp, config, ct);
        var res = await new CoverageEngine(db).DisksAsync(code, q.Kind, q.OnlineOnly ?? false, null, q.RadiusM ?? rule.DefaultRadiusM, false, ct);
        return res is null ? UnknownRegion(code) : TypedResults.Ok(Shape(res, rule.Elderly ? "residents_60" : "residents"));
    }

    private static async Task<Results<Ok<object>, ProblemHttpResult, ValidationProblem>> Area(AreaBody body, NpgsqlDataSource db, CancellationToken ct)
    {
        var kind = body.Kind ?? "wifi_hotspot";
        if (!ReachKinds.TryGetValue(kind, out var rule)) return Invalid("kind", $"one of {string.Join(", ", ReachKinds.Keys)}");
        var (polygon, error) = ReadPolygon(body.Polygon);
        if (polygon is null) return Invalid("polygon", error!);
        var radiusAttr = kind == "wifi_hotspot" ? "coverage_radius_m" : null;
        var res = await Guarded(() => new CoverageEngine(db).DisksAsync("drawn polygon", polygon, kind, body.OnlineOnly ?? false, radiusAttr,
            body.RadiusM ?? rule.DefaultRadiusM, body.Gaps ?? false, ct), "gaps");
        return res.Problem ?? TypedResults.Ok(Shape(res.Value!));
    }

    private static async Task<Results<Ok<object>, ValidationProblem>> Counts(string? kind, NpgsqlDataSource db, CancellationToken ct)
    {
        if (kind is null || !CountRules.All.TryGetValue(kind, out var rule)) return Invalid("kind", $"one of {string.Join(", ", CountRules.All.Keys)}");
        var rows = await CountRules.PerCommunityAsync(db, kind, rule, ct);
        return TypedResults.Ok<object>(new
        {
            kind, rule = rule.Description, communities = rows.Count, lacking = rows.Count(r => !r.Ok), rows,
        });
    }

    private static async Task<Results<Ok<object>, ValidationProblem>> Shelters(double? threshold_m, NpgsqlDataSource db, CancellationToken ct)
    {
        var t = threshold_m ?? 1500;
        if (t is <= 0 or > 10_000 || double.IsNaN(t)) return Invalid("threshold_m", "must be in (0, 10000] metres");
        var rows = await ShelterAnalysis.PerCommunityAsync(db, t, ct);
        return TypedResults.Ok<object>(new
        {
            threshold_m = t, basis = "straight line (walking reach: /api/coverage/reach?mode=walk)",
            residents = rows.Sum(r => r.Residents), deficit = rows.Sum(r => r.Deficit), communities = rows,
        });
    }

    private static async Task<Results<Ok<object>, ProblemHttpResult, ValidationProblem>> Sensors(string? region, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT g.code, g.name,
                   count(*) FILTER (WHERE a.kind = 'residential_building') AS buildings,
                   count(*) FILTER (WHERE a.kind = 'sensor' AND a.attributes->>'sensor_type' = 'smoke') AS smoke,
                   count(*) FILTER (WHERE a.kind = 'sensor' AND a.attributes->>'sensor_type' = 'gas') AS gas
            FROM regions g
            JOIN regions c ON c.id = g.parent_id
            LEFT JOIN assets a ON a.grid_cell_id = g.id AND a.status <> 'planned'
            WHERE g.level = 'grid_cell' AND ($1::text IS NULL OR c.code = $1 OR g.code = $1
                  OR c.parent_id = (SELECT id FROM regions WHERE code = $1 AND level = 'subdistrict'))
            GROUP BY g.id, g.code, g.name ORDER BY g.code LIMIT 50000
            """);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)region ?? DBNull.Value);
        var rows = new List<object>();
        long buildings = 0, smoke = 0, gas = 0;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                long b = r.GetInt64(2), s = r.GetInt64(3), ga = r.GetInt64(4);
                buildings += b; smoke += s; gas += ga;
                rows.Add(new { grid_cell = r.GetString(0), name = r.GetString(1), buildings = b, smoke_detectors = s, gas_detectors = ga,
                    smoke_per_building = b > 0 ? Math.Round((double)s / b, 3) : (double?)null, gas_per_building = b > 0 ? Math.Round((double)ga / b, 3) : (double?)null });
            }
        }
        if (region is not null && rows.Count == 0) return UnknownRegion(region);
        return TypedResults.Ok<object>(new
        {
            region, buildings, smoke_detectors = smoke, gas_detectors = gas,
            smoke_per_building = buildings > 0 ? Math.Round((double)smoke / buildings, 3) : (double?)null,
            gas_per_building = buildings > 0 ? Math.Round((double)gas / buildings, 3) : (double?)null, grid_cells = rows,
        });
    }

    private static async Task<Results<Ok<object>, ProblemHttpResult, ValidationProblem>> Suggest(SuggestBody body, NpgsqlDataSource db, CancellationToken ct)
    {
        var kind = body.Kind ?? "wifi_hotspot";
        if (!ReachKinds.TryGetValue(kind, out var rule)) return Invalid("kind", $"one of {string.Join(", ", ReachKinds.Keys)}");
        var k = body.K ?? 5;
        if (k is < 1 or > 200) return Invalid("k", "must be in [1, 200]");
        var radius = body.RadiusM ?? (kind == "wifi_hotspot" ? 100 : rule.DefaultRadiusM);
        if (radius is <= 0 or > 5000 || double.IsNaN(radius)) return Invalid("radius_m", "must be in (0, 5000] metres");
        var code = body.Region ?? CoverageInputs.UrbanArea;
        var region = await CoverageInputs.ResolveRegionAsync(db, code, ct);
        if (region is null) return UnknownRegion(code);
        var area = region.Value.Wgs84;
        var existing = await CoverageInputs.LoadDisksAsync(db, area, kind, true, kind == "wifi_hotspot" ? "coverage_radius_m" : null, radius, ct);
        var buildings = await CoverageInputs.LoadResidentsAsync(db, area, ct);
        List<SiteSuggester.Candidate> candidates;
        switch (body.Candidates ?? "grid")
        {
            case "grid":
                candidates = await GridCandidatesAsync(db, area, ct);
                break;
            case "buildings":
                candidates = buildings.Select((b, i) => new SiteSuggester.Candidate(b.X, b.Y, $"building #{i + 1}")).ToList();
                break;
            case "points":
                if (body.Points is not { Length: > 0 and <= 10_000 } pts || pts.Any(p => p.Length != 2 || !GeoFactory.DistrictExtent.Contains(p[0], p[1])))
                    return Invalid("points", "1–10,000 [lon, lat] pairs inside Tongzhou");
                candidates = pts.Select((p, i) => { var (x, y) = GeoMetric.ToMetric(p[0], p[1]); return new SiteSuggester.Candidate(x, y, $"point #{i + 1}"); }).ToList();
                break;
            default:
                return Invalid("candidates", "one of grid, buildings, points");
        }
        if (candidates.Count > 100_000) return Invalid("candidates", $"{candidates.Count} candidates: choose a smaller region");
        var plan = SiteSuggester.Suggest(existing, buildings, candidates, radius, k, rule.Elderly);
        return TypedResults.Ok<object>(new { kind, region = region.Value.Label, radius_m = radius, basis = rule.Elderly ? "residents_60" : "residents", plan });
    }

    /// <summary>Grid-cell points on surface inside the area: the default candidate sites (also the planner view's).</summary>
    public static async Task<List<SiteSuggester.Candidate>> GridCandidatesAsync(NpgsqlDataSource db, Geometry area, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT code, ST_X(p), ST_Y(p) FROM regions CROSS JOIN LATERAL ST_PointOnSurface(geom) p
            WHERE level = 'grid_cell' AND ST_Intersects(p, $1) ORDER BY code
            """);
        cmd.Parameters.AddWithValue(area);
        var list = new List<SiteSuggester.Candidate>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var (x, y) = GeoMetric.ToMetric(r.GetDouble(1), r.GetDouble(2));
            list.Add(new SiteSuggester.Candidate(x, y, "grid cell " + r.GetString(0)));
        }
        return list;
    }

    internal static object Shape(CoverageEngine.Result r, string basis = "residents") => new
    {
        region = r.Region, kind = r.Kind, assets = r.Assets, basis,
        area_km2 = Math.Round(r.AreaM2 / 1e6, 4), covered_km2 = Math.Round(r.CoveredM2 / 1e6, 4), area_share = Math.Round(r.AreaShare, 5),
        residents = r.Residents, residents_covered = r.ResidentsCovered, resident_share = Math.Round(r.ResidentShare, 5),
        residents_60 = r.Residents60, residents_60_covered = r.Residents60Covered, residents_60_share = Math.Round(r.Residents60Share, 5),
        gaps = r.Gaps is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(r.Gaps, GeoJsonOptions),
        elapsed_ms = Math.Round(r.ElapsedMs, 1),
    };

    private static readonly JsonSerializerOptions GeoJsonOptions = new() { Converters = { new GeoJsonConverterFactory(GeoFactory.Wgs84) } };

    /// <summary>Accepts a GeoJSON Polygon/MultiPolygon (or a Feature holding one) in WGS84, valid, inside Tongzhou, ≤ 10,000 vertices.</summary>
    internal static (Geometry? Polygon, string? Error) ReadPolygon(JsonElement? json)
    {
        if (json is not { ValueKind: JsonValueKind.Object } el) return (null, "a GeoJSON Polygon or MultiPolygon is required");
        Geometry? g;
        try
        {
            if (el.TryGetProperty("type", out var t) && t.GetString() == "Feature" && el.TryGetProperty("geometry", out var inner)) el = inner;
            g = el.Deserialize<Geometry>(GeoJsonOptions);
        }
        catch (JsonException ex) { return (null, "not valid GeoJSON: " + ex.Message); }
        if (g is not (Polygon or MultiPolygon)) return (null, "must be a Polygon or MultiPolygon");
        if (g.NumPoints > 10_000) return (null, $"{g.NumPoints} vertices: at most 10,000");
        if (!g.IsValid) return (null, "the polygon is not valid (self-intersection?)");
        if (!GeoFactory.DistrictExtent.Contains(g.EnvelopeInternal)) return (null, "must lie inside Tongzhou (116.40–117.06 E, 39.48–40.14 N)");
        g.SRID = GeoFactory.Srid;
        return (g, null);
    }

    private static async Task<(T? Value, Results<Ok<object>, ProblemHttpResult, ValidationProblem>? Problem)> Guarded<T>(Func<Task<T>> run, string field)
    {
        try { return (await run(), null); }
        catch (ArgumentException ex) { return (default, Invalid(field, ex.Message)); }
    }

    internal static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: $"invalid parameter '{field}'");

    private static ProblemHttpResult UnknownRegion(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "unknown region", detail: $"no region with code '{code}'",
            extensions: new Dictionary<string, object?> { ["parameter"] = "region" });
}
