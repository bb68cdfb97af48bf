using System.Security.Claims;
using Geo.Api.Auth;
using Geo.Api.Hardening;
using Geo.Api.Http;
using Geo.Api.Ogc;
using Geo.Api.Scale;
using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Places;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Geo.Api.Query;

public sealed class NearbyParameters
{
    [FromQuery(Name = "lon")] public string? Lon { get; init; }
    [FromQuery(Name = "lat")] public string? Lat { get; init; }
    [FromQuery(Name = "kinds")] public string? Kinds { get; init; }
    [FromQuery(Name = "category")] public string? Category { get; init; }
    [FromQuery(Name = "radius_m")] public string? RadiusM { get; init; }
    [FromQuery(Name = "limit")] public string? Limit { get; init; }
    [FromQuery(Name = "crs")] public string? Crs { get; init; }
    [FromQuery(Name = "pace")] public string? Pace { get; init; }
    [FromQuery(Name = "minutes")] public string? Minutes { get; init; }
}

/// <summary>Resident and planner endpoints under /api: nearby search, "where am I", polygon queries, exports.</summary>
public static partial class QueryApi
{

    public static RouteGroupBuilder MapQueryApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Query").AddEndpointFilter(new BadInputFilter("geometry"));
        g.MapGet("/nearby", Nearby).Cheap().WithSummary("Nearest assets, by geodesic distance in metres, or with pace=adult|elderly by walking minutes on the network (walk_m, minutes)")
            .Produces<GeoJsonFeatureCollection>(StatusCodes.Status200OK, Links.GeoJson);
        g.MapGet("/search", Search).Cheap().WithSummary("Places (assets, communities, grid cells) by name or by the category the words name (诊所, 药店, 避难 …); nearest first with lon/lat");
        g.MapGet("/assets/clusters", Clusters).Cheap().WithSummary("Assets below street zoom as count bubbles that never overlap (from asset_bins: every asset in the covered cells counted once)");
        g.MapGet("/locate", Locate).Cheap().WithSummary("District, subdistrict, community and grid cell at a point");
        g.MapPost("/query/within", Within).RequireRateLimiting(GeoLimits.Heavy).WithSummary("Assets inside a GeoJSON polygon or a region, with counts by kind and status")
            .AllowAnonymousWrite("read-only: the body carries the query polygon")
            .Accepts<WithinRequest>("application/json")
            .Produces<GeoJsonFeatureCollection>(StatusCodes.Status200OK, Links.GeoJson);
        g.MapGet("/export/{collectionId}", Export).RequireRateLimiting(GeoLimits.Heavy).WithSummary("A whole collection (filters as for OGC items) as GeoJSON, CSV or a zipped Shapefile (f=shp)")
            .Produces<GeoJsonFeatureCollection>(StatusCodes.Status200OK, Links.GeoJson, "text/csv", "application/zip");
        return g;
    }

    /// <summary>Parses the query string into a <see cref="NearbyRequest"/> and renders Core's ranking as GeoJSON
    /// with every property of the OGC items plus distance_m (the ranking itself lives in <see cref="NearbySearch"/>).</summary>
    private static async Task<RawJsonResult> Nearby(
        [AsParameters] NearbyParameters p, HttpContext http, SiteOptions config, GeoReads reads, NearbySearch nearby, CancellationToken ct)
    {
        var crs = InputCrs.Parse(p.Crs);
        var (lon, lat) = InputCrs.Point(p.Lon, p.Lat, crs);
        var limit = (int)QueryValues.Integer("limit", p.Limit, 10, 1, NearbySearch.MaxLimit);
        double? radius = string.IsNullOrWhiteSpace(p.RadiusM) ? null : QueryValues.Double("radius_m", p.RadiusM, min: 1, max: NearbySearch.MaxRadiusM);
        PlaceCategory? category = null;
        if (p.Category is not null)
        {
            category = PlaceCategories.Find(p.Category)
                ?? throw GeoException.BadInput("category", $"unknown category '{p.Category}'; one of {string.Join(", ", PlaceCategories.All.Select(c => c.Code))}");
        }
        var kinds = ParseKinds(p.Kinds, config, http.User, null);
        var walk = !string.IsNullOrWhiteSpace(p.Pace) || !string.IsNullOrWhiteSpace(p.Minutes);
        var minutes = (int)QueryValues.Integer("minutes", p.Minutes, NearbySearch.DefaultWalkMinutes, 1, NearbySearch.MaxWalkMinutes);
        var plan = new FeaturePlan
        {
            Collection = OgcCollections.AllAssets, Where = "true", Params = new SqlParams(), OrderBy = "t.id", Limit = limit, Offset = 0,
            Crs = OutputCrs.Crs84, Format = OutputFormat.GeoJson,
        };
        var extra = walk
            ? "jsonb_build_object('distance_m', round(t.distance_m::numeric, 2), 'walk_m', t.walk_m, 'minutes', t.minutes)"
            : "jsonb_build_object('distance_m', round(t.distance_m::numeric, 2))";
        var feature = FeatureSql.FeatureText(plan, extra);
        var order = walk ? "t.ord" : "t.distance_m, t.id";
        var render = $$"""
            SELECT '{"type":"FeatureCollection","features":[' || COALESCE(string_agg({{feature}}, ',' ORDER BY {{order}}), '')
                || '],"numberReturned":' || count(*) || '}' FROM hits t
            """;
        var request = new NearbyRequest(lon, lat, kinds, category, radius, limit, walk ? (string.IsNullOrWhiteSpace(p.Pace) ? "adult" : p.Pace.Trim()) : null, minutes);
        var json = walk
            ? await nearby.RunWalkAsync(request, render, reads.For(http), ct)
            : await nearby.RunAsync(request, render, reads.For(http), ct);
        return new RawJsonResult(json, Links.GeoJson);
    }

    internal static IReadOnlyList<AssetKind> ParseKinds(string? kinds, SiteOptions config, ClaimsPrincipal? user, AssetKind? fallback)
    {
        var exposed = OgcCollections.ExposedKinds(config, user);
        if (string.IsNullOrWhiteSpace(kinds)) return fallback is { } f ? [f] : exposed;
        var list = new List<AssetKind>();
        foreach (var code in kinds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // a hidden kind is reported exactly like an unknown one: its existence is not disclosed
            if (!AssetKinds.TryParse(code, out var k) || !exposed.Contains(k))
            {
                throw GeoException.BadInput("kinds", $"unknown kind '{code}'; available: {string.Join(", ", exposed.Select(x => x.Code()))}");
            }
            list.Add(k);
        }
        return list.Count > 0 ? list : throw GeoException.BadInput("kinds", "'kinds' is empty");
    }

    /// <summary>"Outside Tongzhou" is an answer, not an error: 200 with inside=false and a message, so a phone
    /// app shows it without parsing a problem document. Malformed coordinates are 400s.</summary>
    private static async Task<Ok<Location>> Locate(
        [FromQuery(Name = "lon")] string? lon, [FromQuery(Name = "lat")] string? lat, [FromQuery(Name = "crs")] string? crs,
        RegionLocator locator, CancellationToken ct)
    {
        var (x, y) = InputCrs.Point(lon, lat, InputCrs.Parse(crs));
        return TypedResults.Ok(await locator.LocateAsync(x, y, ct));
    }

    private static async Task<IResult> Export(
        string collectionId, [AsParameters] ItemsParameters p, HttpContext http, SiteOptions config, GeoReads reads, CancellationToken ct)
    {
        var ds = reads.For(http); // lag-tolerant: the standby when it is current enough
        if (OgcCollections.Find(config, http.User, collectionId) is not { } c) return OgcFeaturesApi.UnknownCollection(collectionId);
        var plan = FeatureQuery.Plan(c, p, http.Request.Query, OgcCollections.ExposedKinds(config, http.User), ExportMaxRows, ExportMaxRows, formats: FeatureQuery.ExportFormats);
        // rendered to a file first: a length, an ETag and range requests (/vsicurl/, resumed downloads)
        if (plan.Format == OutputFormat.Shapefile) return new RangeableFileResult(await ShapefileAsync(plan, http, ds, c.Id, ct));
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{c.Id}.{(plan.Format == OutputFormat.Csv ? "csv" : "geojson")}\"";
        var result = await OgcFeaturesApi.RespondAsync(plan, http, ds, paged: false, c.Id, ct);
        return result.Result is ProblemHttpResult problem ? problem : new RangeableFileResult(result);
    }

    /// <summary>A zipped Shapefile of every row of the plan; WGS84 only (the .prj says so).</summary>
    internal static async Task<IResult> ShapefileAsync(FeaturePlan plan, HttpContext http, NpgsqlDataSource ds, string name, CancellationToken ct)
    {
        if (plan.Crs != OutputCrs.Crs84) throw GeoException.BadInput("crs", "Shapefile exports are WGS84 (lon, lat) only: leave out 'crs'");
        var widths = new List<int>();
        await using (var conn = await ds.OpenConnectionAsync(ct))
        await using (var cmd = plan.Params.CreateCommand(conn, FeatureSql.ShapefileWidths(plan)))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            for (var i = 0; i < r.FieldCount; i++) widths.Add(r.GetInt32(i));
        }
        var rows = await FeatureReader.OpenAsync(ds, FeatureSql.Shapefile(plan), plan.Params, ct);
        http.Response.RegisterForDisposeAsync(rows);
        return new ShapefileResult(rows, FeatureSql.CsvColumns(plan), name, widths);
    }

    /// <summary>Exports stream, so the cap only guards against runaway requests, not memory.</summary>
    public const int ExportMaxRows = 2_000_000;
}
