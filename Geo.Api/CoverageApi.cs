using System.Text.Json;
using System.Text.Json.Serialization;
using Geo.Api.Auth;
using Geo.Api.Hardening;
using Geo.Api.Http;
using Geo.Core.Common;
using Geo.Core.Coverage;
using Geo.Core.Spatial;
using Geo.Core.Walking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace Geo.Api;

/// <summary>Coverage for planners: Wi-Fi and camera coverage of an area and of its residents, reach of
/// service terminals, shelters' capacity, sensors per building, and greedy site suggestions.</summary>
public static partial class CoverageApi
{
    /// <summary>A coverage figure as /api answers it: areas in km², shares 0–1, optional gap polygons (GeoJSON, WGS84).</summary>
    public sealed record CoverageResult(string Region, string Kind, int Assets, string Basis, double AreaKm2, double CoveredKm2, double AreaShare,
        long Residents, long ResidentsCovered, double ResidentShare, [property: JsonPropertyName("residents_60")] long Residents60, [property: JsonPropertyName("residents_60_covered")] long Residents60Covered, [property: JsonPropertyName("residents_60_share")] double Residents60Share,
        JsonElement? Gaps, double ElapsedMs);

    public sealed record CountsResult(string Kind, string Rule, int Communities, int Lacking, IReadOnlyList<CountRules.Row> Rows);

    public sealed record SheltersResult(double ThresholdM, string Basis, long Residents, long Deficit, IReadOnlyList<ShelterAnalysis.CommunityShelter> Communities);

    /// <summary>Walking-time reach; <see cref="RadiusM"/> is set when no walking network is loaded and the same time was walked in a straight line.</summary>
    public sealed record WalkReachResult(string DistanceBasis, string Profile, double? RadiusM, WalkingCoverage.Result? Result, CoverageResult? LineResult);

    public sealed class WifiQuery
    {
        [FromQuery(Name = "region")] public string? Region { get; init; }
        [FromQuery(Name = "online_only")] public string? OnlineOnly { get; init; }
        [FromQuery(Name = "gaps")] public string? Gaps { get; init; }
    }

    public sealed class ReachQuery
    {
        [FromQuery(Name = "kind")] public string? Kind { get; init; }
        [FromQuery(Name = "region")] public string? Region { get; init; }
        [FromQuery(Name = "radius_m")] public string? RadiusM { get; init; }
        [FromQuery(Name = "online_only")] public string? OnlineOnly { get; init; }
        [FromQuery(Name = "mode")] public string? Mode { get; init; }
        [FromQuery(Name = "minutes")] public string? Minutes { get; init; }
        [FromQuery(Name = "profile")] public string? Profile { get; init; }
    }

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
        var g = app.MapGroup("/api/coverage").WithTags("Coverage").RequireRateLimiting(GeoLimits.Heavy);
        g.MapGet("/wifi", Wifi).WithSummary("Wi-Fi coverage of a region (code, or 'urban' for the 街道 urban area): area and residents, optional gap polygons");
        g.MapGet("/cameras", Cameras).WithSummary("Camera field-of-view coverage of a region (staff only: cameras are a sensitive layer)")
            .RequireAuthorization(GeoPolicies.Staff);
        g.MapGet("/reach", async Task<IResult> ([AsParameters] ReachQuery q, CoverageEngine engine, WalkingCoverage walk, WalkingGraphProvider graphs, WalkingOptions walking, CancellationToken ct) =>
                q.Mode == "walk" ? await WalkReach(q, engine, walk, graphs, walking, ct) : await Reach(q, engine, ct))
            .Produces<CoverageResult>().Produces<WalkReachResult>().WithSummary("Straight-line reach of a kind of terminal over a region's residents (60+ for kiosks)");
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

    private static async Task<Ok<CoverageResult>> Wifi([AsParameters] WifiQuery q, CoverageEngine engine, HeavyResults shared, CancellationToken ct)
    {
        var code = q.Region ?? CoverageInputs.UrbanArea;
        bool online = Flag("online_only", q.OnlineOnly), gaps = Flag("gaps", q.Gaps);
        // identical requests share one computation (a town's gaps cost seconds)
        var res = await shared.GetAsync($"wifi|{code}|{online}|{gaps}", t => engine.WifiAsync(code, online, gaps, t), ct);
        return TypedResults.Ok(Shape(res ?? throw UnknownRegion(code)));
    }

    private static async Task<Ok<CoverageResult>> Cameras([AsParameters] WifiQuery q, CoverageEngine engine, CancellationToken ct)
    {
        var code = q.Region ?? CoverageInputs.UrbanArea;
        var res = await engine.CamerasAsync(code, Flag("online_only", q.OnlineOnly), Flag("gaps", q.Gaps), ct);
        return TypedResults.Ok(Shape(res ?? throw UnknownRegion(code)));
    }

    private static async Task<Ok<CoverageResult>> Reach([AsParameters] ReachQuery q, CoverageEngine engine, CancellationToken ct)
    {
        var rule = ReachRules.Get(q.Kind);
        double? radius = q.RadiusM is null ? null : QueryValues.Double("radius_m", q.RadiusM, min: 0.001, max: CoverageLimits.MaxRadiusM);
        if (q.Mode is not (null or "line")) throw GeoException.BadInput("mode", "line (straight-line radius, the default) or walk (walking time on the network)");
        var code = q.Region ?? CoverageInputs.UrbanArea;
        var res = await engine.DisksAsync(code, q.Kind!, Flag("online_only", q.OnlineOnly), null, radius ?? rule.DefaultRadiusM, false, ct);
        return TypedResults.Ok(Shape(res ?? throw UnknownRegion(code), rule.Elderly ? "residents_60" : "residents"));
    }

    private static async Task<Ok<CoverageResult>> Area(AreaBody body, CoverageEngine engine, HeavyResults shared, CancellationToken ct)
    {
        var kind = body.Kind ?? "wifi_hotspot";
        var rule = ReachRules.Get(kind);
        var polygon = ReadPolygon(body.Polygon);
        var radius = body.RadiusM ?? rule.DefaultRadiusM;
        CoverageLimits.CheckRadius("radius_m", radius);
        var radiusAttr = kind == "wifi_hotspot" ? "coverage_radius_m" : null;
        var key = $"area|{kind}|{body.OnlineOnly}|{radius.ToString(System.Globalization.CultureInfo.InvariantCulture)}|{body.Gaps}|{polygon.ToText()}";
        var res = await shared.GetAsync(key, t => engine.DisksAsync("drawn polygon", polygon, kind, body.OnlineOnly ?? false, radiusAttr, radius, body.Gaps ?? false, t), ct);
        return TypedResults.Ok(Shape(res, rule.Elderly ? "residents_60" : "residents"));
    }

    private static async Task<Ok<CountsResult>> Counts(string? kind, CountRules counts, CancellationToken ct)
    {
        if (kind is null || !CountRules.All.TryGetValue(kind, out var rule)) throw GeoException.BadInput("kind", $"one of {string.Join(", ", CountRules.All.Keys)}");
        var rows = await counts.PerCommunityAsync(kind, rule, ct);
        return TypedResults.Ok(new CountsResult(kind, rule.Description, rows.Count, rows.Count(r => !r.Ok), rows));
    }

    private static async Task<Ok<SheltersResult>> Shelters([FromQuery(Name = "threshold_m")] string? thresholdM, ShelterAnalysis shelters, CancellationToken ct)
    {
        var t = QueryValues.Double("threshold_m", thresholdM, 1500, min: 1, max: CoverageLimits.MaxShelterThresholdM);
        var rows = await shelters.PerCommunityAsync(t, ct);
        return TypedResults.Ok(new SheltersResult(t, "straight line (walking reach: /api/coverage/reach?mode=walk)",
            rows.Sum(r => r.Residents), rows.Sum(r => r.Deficit), rows));
    }

    private static async Task<Ok<SensorsResult>> Sensors(string? region, SensorDensity sensors, CancellationToken ct) =>
        TypedResults.Ok(await sensors.PerGridCellAsync(region, ct));

    private static async Task<Ok<SuggestResult>> Suggest(SuggestBody body, SiteSuggestion suggestion, CancellationToken ct) =>
        TypedResults.Ok(await suggestion.SuggestAsync(new SuggestRequest(body.Kind, body.Region, body.K, body.RadiusM, body.Candidates, body.Points), ct));

    internal static CoverageResult Shape(CoverageEngine.Result r, string basis = "residents") => new(
        r.Region, r.Kind, r.Assets, basis, Math.Round(r.AreaM2 / 1e6, 4), Math.Round(r.CoveredM2 / 1e6, 4), Math.Round(r.AreaShare, 5),
        r.Residents, r.ResidentsCovered, Math.Round(r.ResidentShare, 5), r.Residents60, r.Residents60Covered, Math.Round(r.Residents60Share, 5),
        r.Gaps is null ? null : JsonSerializer.SerializeToElement(r.Gaps, GeoJson), Math.Round(r.ElapsedMs, 1));

    private static readonly JsonSerializerOptions GeoJson = Geo.Core.Spatial.GeoJsonOptions.Rfc7946;

    /// <summary>Accepts a GeoJSON Polygon/MultiPolygon (or a Feature holding one) in WGS84, valid, inside Tongzhou,
    /// within <see cref="CoverageLimits.MaxPolygonVertices"/>; throws <see cref="GeoException"/> naming <c>polygon</c>.</summary>
    internal static Geometry ReadPolygon(JsonElement? json)
    {
        if (json is not { ValueKind: JsonValueKind.Object } el) throw BadPolygon("a GeoJSON Polygon or MultiPolygon is required");
        Geometry? g;
        try
        {
            if (el.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "Feature" && el.TryGetProperty("geometry", out var inner)) el = inner;
            g = el.Deserialize<Geometry>(GeoJson);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // the GeoJSON converter is third-party code: whatever it throws on a body ("type":5, a 1-point ring,
            // an unclosed ring) is the body's fault, never a 500
            throw BadPolygon("not valid GeoJSON: " + ex.Message);
        }
        if (g is not (Polygon or MultiPolygon)) throw BadPolygon("must be a Polygon or MultiPolygon");
        if (g.IsEmpty) throw BadPolygon("the polygon has no coordinates");
        if (g.NumPoints > CoverageLimits.MaxPolygonVertices) throw BadPolygon($"{g.NumPoints} vertices: at most {CoverageLimits.MaxPolygonVertices:N0}");
        if (!g.IsValid) throw BadPolygon("the polygon is not valid (self-intersection?)");
        if (!GeoFactory.DistrictExtent.Contains(g.EnvelopeInternal)) throw BadPolygon("must lie inside Tongzhou (116.40–117.06 E, 39.48–40.14 N)");
        g.SRID = GeoFactory.Srid;
        return g;
    }

    private static GeoException BadPolygon(string detail) => GeoException.BadInput("polygon", detail);

    private static bool Flag(string parameter, string? value) => QueryValues.Boolean(parameter, value) ?? false;

    private static GeoException UnknownRegion(string code) => GeoException.NotFound("region", $"no region with code '{code}'");
}
