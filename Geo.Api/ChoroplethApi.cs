using System.Text.Json;
using Geo.Api.Hardening;
using Geo.Core.Scorecard;
using Geo.Core.Spatial;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using NetTopologySuite.IO.Converters;

namespace Geo.Api;

/// <summary>The planner's choropleth over HTTP: classes, colours and outlines from <see cref="Choropleth"/>, the same the map draws.</summary>
public static class ChoroplethApi
{
    public sealed record ChoroplethFeature(string Type, JsonElement Geometry, ChoroplethProperties Properties);
    public sealed record ChoroplethProperties(long RegionId, string Code, string Name, double? Value, int? Class, string Colour);
    public sealed record ChoroplethResponse(string Type, string Indicator, string Level, string? Parent, IReadOnlyList<ChoroplethClass> Legend,
        string NoDataColour, int NoData, IReadOnlyList<ChoroplethFeature> Features);

    private static readonly JsonSerializerOptions GeoJson = GeoJsonOptions.Plain;

    public static RouteGroupBuilder MapChoroplethApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/scorecard").WithTags("Scorecard").RequireRateLimiting(GeoLimits.Heavy);
        group.MapGet("/choropleth", async Task<Ok<ChoroplethResponse>> ([FromQuery(Name = "indicator")] string? indicator, [FromQuery(Name = "level")] string? level,
            [FromQuery(Name = "parent")] string? parent, ScorecardProvider cards, Choropleth maps, HttpContext http, CancellationToken ct) =>
        {
            var map = await maps.BuildAsync(await cards.GetAsync(ct), http.User, indicator, level, parent, ct);
            return TypedResults.Ok(new ChoroplethResponse("FeatureCollection", map.Measure, map.Level, map.Parent, map.Legend, map.NoDataColour, map.NoData, Features(map)));
        }).WithSummary("An indicator or dimension per community or town as a GeoJSON choropleth with its legend (equal-interval classes)");
        return group;
    }

    /// <summary>The regions of any <see cref="ChoroplethMap"/> as GeoJSON features (the scorecard's and the dispatch statistics' maps).</summary>
    public static IReadOnlyList<ChoroplethFeature> Features(ChoroplethMap map) =>
        [.. map.Regions.Select(r => new ChoroplethFeature("Feature", JsonSerializer.SerializeToElement(r.Outline, GeoJson),
            new ChoroplethProperties(r.RegionId, r.Code, r.Name, r.Value, r.Class, r.Colour)))];

    /// <summary>The GeoJSON shape of any <see cref="ChoroplethMap"/> (scorecard indicators, life-circle completeness, dispatch statistics).</summary>
    public static ChoroplethResponse Response(ChoroplethMap map) =>
        new("FeatureCollection", map.Measure, map.Level, map.Parent, map.Legend, map.NoDataColour, map.NoData, Features(map));
}
