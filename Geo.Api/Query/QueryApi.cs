using System.Security.Claims;
using Geo.Api.Auth;
using Geo.Api.Http;
using Geo.Api.Ogc;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;

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
}

/// <summary>Resident and planner endpoints under /api: nearby search, "where am I", polygon queries, exports.</summary>
public static partial class QueryApi
{
    public const int NearbyMaxLimit = 100;
    public const double NearbyMaxRadiusM = 50_000;

    public static RouteGroupBuilder MapQueryApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Query").AddEndpointFilter(new BadInputFilter("geometry"));
        g.MapGet("/nearby", Nearby).WithSummary("Nearest assets, by geodesic distance in metres")
            .Produces(StatusCodes.Status200OK, contentType: Links.GeoJson);
        g.MapGet("/locate", Locate).WithSummary("District, subdistrict, community and grid cell at a point");
        g.MapPost("/query/within", Within).WithSummary("Assets inside a GeoJSON polygon or a region, with counts by kind and status")
            .AllowAnonymousWrite("read-only: the body carries the query polygon")
            .Accepts<WithinRequest>("application/json");
        g.MapGet("/export/{collectionId}", Export).WithSummary("A whole collection (filters as for OGC items) as GeoJSON, CSV or a zipped Shapefile (f=shp)");
        return g;
    }

    /// <summary>Exact geodesic top n in one index-ordered pass. KNN (geom &lt;-&gt; point) fetches m = 2n + 8
    /// planar candidates; their geodesic distances are ranked. That ranking is provably the true geodesic top n
    /// when either every match is a candidate, or the n-th geodesic distance is below a lower bound on the
    /// geodesic distance of every non-candidate: a non-candidate is at least D (the m-th planar distance, in
    /// degrees) away in lon/lat, and a degree is at least min(110,574 m, 111,319 m × cos φmax) along any path
    /// whose latitude stays under φmax = |lat| + 1.1 D + 0.01° (meridian and parallel radii of curvature of the
    /// WGS84 ellipsoid; the 0.1 D + 0.01° covers a geodesic's poleward bulge), less 0.1 % for rounding. At
    /// Tongzhou (40°N) that is 85 km per degree against up to 111 km for the candidates, so m ≈ 1.7 n suffices
    /// on evenly spread assets. When the proof fails (clustered data) the slower two-pass query answers.</summary>
    private static async Task<Results<RawJsonResult, ProblemHttpResult>> Nearby(
        [AsParameters] NearbyParameters p, HttpContext http, IConfiguration config, NpgsqlDataSource ds, CancellationToken ct)
    {
        var crs = InputCrs.Parse(p.Crs);
        var (lon, lat) = InputCrs.Point(p.Lon, p.Lat, crs);
        var limit = (int)QueryValues.Integer("limit", p.Limit, 10, 1, NearbyMaxLimit);
        double? radius = string.IsNullOrWhiteSpace(p.RadiusM) ? null : QueryValues.Double("radius_m", p.RadiusM, min: 1, max: NearbyMaxRadiusM);
        var kinds = ParseKinds(p.Kinds, config, http.User, p.Category is null ? null : AssetKind.Shop);

        var sql = new SqlParams();
        var pt = sql.Add(GeoFactory.Point(lon, lat), NpgsqlDbType.Geometry);
        var latP = sql.Add(lat, NpgsqlDbType.Double);
        var where = new List<string> { $"t.kind = ANY({sql.Add(kinds.Select(k => k.Code()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)})" };
        if (p.Category is not null)
        {
            if (!Enum.GetNames<LifeElement>().Any(n => string.Equals(n, p.Category.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                throw new BadInputException("category", $"unknown category '{p.Category}'; one of {string.Join(", ", Enum.GetNames<LifeElement>().Select(n => n.ToLowerInvariant()))}");
            }
            where.Add($"t.attributes->>'category' = {sql.Add(p.Category.Trim().ToLowerInvariant(), NpgsqlDbType.Text)}");
        }
        if (radius is { } r)
        {
            var rp = sql.Add(r, NpgsqlDbType.Double);
            where.Add($"t.geom && {Expand(pt, rp, latP)} AND ST_DWithin(t.geom::geography, {pt}::geography, {rp})");
        }
        var w = string.Join(" AND ", where);
        // LIMITs are validated integers inlined as literals: a prepared statement's generic plan would otherwise
        // have to guess them (PostgreSQL assumes 10 % of the table for LIMIT $n)
        var n = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var plan = new FeaturePlan
        {
            Collection = OgcCollections.AllAssets, Where = w, Params = sql, OrderBy = "t.id", Limit = limit, Offset = 0,
            Crs = OutputCrs.Crs84, Format = OutputFormat.GeoJson,
        };
        var feature = FeatureSql.FeatureText(plan, "jsonb_build_object('distance_m', round(t.distance_m::numeric, 2))");
        var m = NearbyCandidates(limit).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var collection = $$"""
            SELECT '{"type":"FeatureCollection","features":[' || COALESCE(string_agg({{feature}}, ',' ORDER BY t.distance_m, t.id), '')
                || '],"numberReturned":' || count(*) || '}' FROM hits t
            """;
        var onePass = $$"""
            WITH cand AS (
                SELECT t.*, t.geom <-> {{pt}} AS dp FROM assets t WHERE {{w}} ORDER BY t.geom <-> {{pt}} LIMIT {{m}}),
            hits AS (
                SELECT c.*, ST_Distance(c.geom::geography, {{pt}}::geography) AS distance_m FROM cand c ORDER BY distance_m, c.id LIMIT {{n}}),
            proof AS (SELECT count(*) AS cnt, max(dp) AS dmax FROM cand)
            SELECT proof.cnt < {{m}} OR (proof.dmax < 10 AND (SELECT max(distance_m) FROM hits)
                     < proof.dmax * least(110574.0, 111319.49 * cos(radians(least(89.9, abs({{latP}}) + 1.1 * proof.dmax + 0.01)))) * 0.999),
                   ({{collection}})
            FROM proof
            """;
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var cmd = sql.CreateCommand(conn, onePass);
        // prepared: the text depends only on the request's shape (kinds/category/radius given or not), so each
        // pooled connection plans it once; PostgreSQL keeps the statement, later Prepare calls are lookups
        await cmd.PrepareAsync(ct);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            if (reader.GetBoolean(0)) return new RawJsonResult(reader.GetString(1), Links.GeoJson);
        }
        // not provable from the candidates: bound every geodesic top-n member by the candidates' largest
        // geodesic distance and re-rank everything inside it (padded: ST_DWithin and ST_Distance round differently)
        var twoPass = $$"""
            WITH cand AS (
                SELECT ST_Distance(t.geom::geography, {{pt}}::geography) AS d FROM assets t
                WHERE {{w}} ORDER BY t.geom <-> {{pt}} LIMIT {{n}}),
            bound AS (SELECT max(d) * 1.000001 + 0.001 AS d FROM cand),
            hits AS (
                SELECT t.*, ST_Distance(t.geom::geography, {{pt}}::geography) AS distance_m FROM assets t, bound
                WHERE bound.d IS NOT NULL AND {{w}} AND t.geom && {{Expand(pt, "bound.d", latP)}}
                  AND ST_DWithin(t.geom::geography, {{pt}}::geography, bound.d)
                ORDER BY distance_m, t.id LIMIT {{n}})
            {{collection}}
            """;
        await using var slow = sql.CreateCommand(conn, twoPass);
        return new RawJsonResult((string)(await slow.ExecuteScalarAsync(ct))!, Links.GeoJson);
    }

    /// <summary>Planar KNN candidates fetched for a geodesic top <paramref name="n"/> (see <see cref="Nearby"/>).</summary>
    internal static int NearbyCandidates(int n) => 2 * n + 8;

    /// <summary>A box around a point that contains every geometry within the given metres (a slightly
    /// generous degree conversion), so the GiST index bounds the geodesic check.</summary>
    private static string Expand(string pt, string metres, string lat) =>
        $"ST_Expand({pt}, {metres} / (110000.0 * cos(radians(least(89.0, abs({lat}) + {metres} / 110000.0)))), {metres} / 110000.0)";

    internal static IReadOnlyList<AssetKind> ParseKinds(string? kinds, IConfiguration config, ClaimsPrincipal? user, AssetKind? fallback)
    {
        var exposed = OgcCollections.ExposedKinds(config, user);
        if (string.IsNullOrWhiteSpace(kinds)) return fallback is { } f ? [f] : exposed;
        var list = new List<AssetKind>();
        foreach (var code in kinds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // a hidden kind is reported exactly like an unknown one: its existence is not disclosed
            if (!AssetKinds.TryParse(code, out var k) || !exposed.Contains(k))
            {
                throw new BadInputException("kinds", $"unknown kind '{code}'; available: {string.Join(", ", exposed.Select(x => x.Code()))}");
            }
            list.Add(k);
        }
        return list.Count > 0 ? list : throw new BadInputException("kinds", "'kinds' is empty");
    }

    /// <summary>/api speaks snake_case like its parameters (radius_m, region_code) and the asset attributes.</summary>
    internal static readonly System.Text.Json.JsonSerializerOptions SnakeCase = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public sealed record RegionRef(long Id, string Code, string Name, string? UnitType);
    public sealed record GridCellRef(long Id, string Code, string Name, string? GridManager, string? GridManagerPhone);

    /// <summary>"Outside Tongzhou" is an answer, not an error: 200 with inside=false and a message, so a phone
    /// app shows it without parsing a problem document. Malformed coordinates are 400s.</summary>
    public sealed record LocateResult(double Lon, double Lat, bool Inside, string? Message,
        RegionRef? District, RegionRef? Subdistrict, RegionRef? Community, GridCellRef? GridCell);

    private static async Task<Results<JsonHttpResult<LocateResult>, ProblemHttpResult>> Locate(
        [FromQuery(Name = "lon")] string? lon, [FromQuery(Name = "lat")] string? lat, [FromQuery(Name = "crs")] string? crs,
        NpgsqlDataSource ds, CancellationToken ct)
    {
        var (x, y) = InputCrs.Point(lon, lat, InputCrs.Parse(crs));
        await using var cmd = ds.CreateCommand("""
            SELECT DISTINCT ON (level) level, id, code, name, unit_type, grid_manager, grid_manager_phone
            FROM regions WHERE ST_Intersects(geom, $1) ORDER BY level, id
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = GeoFactory.Point(x, y), NpgsqlDbType = NpgsqlDbType.Geometry });
        var found = new Dictionary<string, (long Id, string Code, string Name, string? Unit, string? Manager, string? Phone)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                found[r.GetString(0)] = (r.GetInt64(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                    r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6));
            }
        }
        RegionRef? Ref(RegionLevel l) => found.TryGetValue(l.Code(), out var v) ? new RegionRef(v.Id, v.Code, v.Name, v.Unit) : null;
        var district = Ref(RegionLevel.District);
        if (district is null)
        {
            return TypedResults.Json(new LocateResult(x, y, false, "outside Tongzhou District (通州区外)", null, null, null, null), SnakeCase);
        }
        var cell = found.TryGetValue(RegionLevel.GridCell.Code(), out var c) ? new GridCellRef(c.Id, c.Code, c.Name, c.Manager, c.Phone) : null;
        return TypedResults.Json(new LocateResult(x, y, true, null, district, Ref(RegionLevel.Subdistrict), Ref(RegionLevel.Community), cell), SnakeCase);
    }

    private static async Task<IResult> Export(
        string collectionId, [AsParameters] ItemsParameters p, HttpContext http, IConfiguration config, NpgsqlDataSource ds, CancellationToken ct)
    {
        if (OgcCollections.Find(config, http.User, collectionId) is not { } c) return OgcFeaturesApi.UnknownCollection(collectionId);
        var plan = FeatureQuery.Plan(c, p, http.Request.Query, OgcCollections.ExposedKinds(config, http.User), ExportMaxRows, ExportMaxRows, formats: FeatureQuery.ExportFormats);
        if (plan.Format == OutputFormat.Shapefile) return await ShapefileAsync(plan, http, ds, c.Id, ct);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{c.Id}.{(plan.Format == OutputFormat.Csv ? "csv" : "geojson")}\"";
        return await OgcFeaturesApi.RespondAsync(plan, http, ds, paged: false, c.Id, ct);
    }

    /// <summary>A zipped Shapefile of every row of the plan; WGS84 only (the .prj says so).</summary>
    internal static async Task<IResult> ShapefileAsync(FeaturePlan plan, HttpContext http, NpgsqlDataSource ds, string name, CancellationToken ct)
    {
        if (plan.Crs != OutputCrs.Crs84) throw new BadInputException("crs", "Shapefile exports are WGS84 (lon, lat) only: leave out 'crs'");
        var rows = await FeatureReader.OpenAsync(ds, FeatureSql.Shapefile(plan), plan.Params, ct);
        http.Response.RegisterForDisposeAsync(rows);
        return new ShapefileResult(rows, FeatureSql.CsvColumns(plan), name);
    }

    /// <summary>Exports stream, so the cap only guards against runaway requests, not memory.</summary>
    public const int ExportMaxRows = 2_000_000;
}
