using System.Globalization;
using System.Text.RegularExpressions;
using Geo.Core.Common;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Npgsql;
using NpgsqlTypes;

namespace Geo.Core.Places;

/// <summary>What a resident typed, and where they are when known (lon/lat, EPSG:4326).</summary>
public sealed record PlaceSearchRequest(string Q, double? Lon = null, double? Lat = null, int Limit = PlaceSearch.DefaultLimit);

/// <summary>One place: <see cref="Type"/> is "asset" or a region level (community, grid_cell, subdistrict); <see cref="Code"/>
/// the asset kind or the region code; <see cref="ShopType"/> a shop's type code; <see cref="DistanceM"/> geodesic metres
/// from the request's location (0 inside a region), null without one.</summary>
public sealed record PlaceHit(string Type, long Id, string Code, string Name, string? ShopType, string? Community,
    double Lon, double Lat, double MinLon, double MinLat, double MaxLon, double MaxLat, double? DistanceM);

/// <summary>The answer: the category the words were read as (null: names only) and the places.</summary>
public sealed record PlaceSearchResult(string Query, PlaceCategory? Category, IReadOnlyList<PlaceHit> Places);

/// <summary>Search people can use, for GET /api/search and the map's search box alike: assets by name or by the category
/// the words name (诊所 → health care, 药店 → pharmacies, 避难 → shelters: <see cref="PlaceCategories.Match"/>), communities,
/// grid cells and subdistricts by name or code; nearest first when a location is given (geodesic metres), else best name
/// match first. A place named only by its kind ("应急避难场所 3") is shown as "community + kind".</summary>
public sealed partial class PlaceSearch(NpgsqlDataSource primary)
{
    public const int MaxQueryLength = 50;
    public const int MaxLimit = 50;
    public const int DefaultLimit = 20;

    public static void Validate(PlaceSearchRequest r)
    {
        if (string.IsNullOrWhiteSpace(r.Q)) throw GeoException.BadInput("q", "'q' is required");
        if (r.Q.Trim().Length > MaxQueryLength) throw GeoException.BadInput("q", $"'q' is at most {MaxQueryLength} characters, got {r.Q.Trim().Length}");
        if (r.Limit is < 1 or > MaxLimit) throw GeoException.BadInput("limit", $"'limit' must be between 1 and {MaxLimit}, got {r.Limit}");
        if (r.Lon is null != r.Lat is null) throw GeoException.BadInput(r.Lon is null ? "lon" : "lat", "'lon' and 'lat' go together");
        if (r.Lon is { } x && (!double.IsFinite(x) || x is < -180 or > 180)) throw GeoException.BadInput("lon", "'lon' must be a longitude in [-180, 180]");
        if (r.Lat is { } y && (!double.IsFinite(y) || y is < -90 or > 90)) throw GeoException.BadInput("lat", "'lat' must be a latitude in [-90, 90]");
    }

    /// <param name="kinds">the asset kinds the caller may see (search never reveals hidden kinds)</param>
    /// <param name="readFrom">where this request may read (the API's lag-tolerant routing); null: the primary</param>
    public async Task<PlaceSearchResult> SearchAsync(PlaceSearchRequest r, IReadOnlyCollection<AssetKind> kinds, NpgsqlDataSource? readFrom = null, CancellationToken ct = default)
    {
        Validate(r);
        var q = r.Q.Trim();
        var category = PlaceCategories.Match(q);
        var escaped = Common.LikePattern.Escaped(q);
        var sql = new SqlParams();
        var like = sql.Add("%" + escaped + "%", NpgsqlDbType.Text);
        var prefix = sql.Add(escaped + "%", NpgsqlDbType.Text);
        var exact = sql.Add(q, NpgsqlDbType.Text);
        var kindArr = sql.Add(kinds.Select(k => k.Code()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        var match = category is null ? $"t.name ILIKE {like}" : $"(t.name ILIKE {like} OR {category.Predicate(sql)})";
        var here = r.Lon is { } lon ? sql.Add(GeoFactory.Point(lon, r.Lat!.Value), NpgsqlDbType.Geometry) : null;
        // near a location: a planar KNN pass picks candidates, their geodesic metres order them (the limit is generous)
        var n = (here is null ? r.Limit : 4 * r.Limit + 16).ToString(CultureInfo.InvariantCulture);
        var dist = here is null ? "NULL::float8" : $"ST_Distance(t.geom::geography, {here}::geography)";
        var assetOrder = here is null ? $"(t.name = {exact}) DESC, length(t.name), t.id" : $"t.geom <-> {here}";
        var regionOrder = here is null
            ? $"(t.name = {exact}) DESC, CASE t.level WHEN 'community' THEN 1 WHEN 'grid_cell' THEN 2 ELSE 3 END, length(t.name), t.id"
            : $"t.geom <-> {here}";
        var text = $"""
            (SELECT 'asset' AS type, t.id, t.kind AS code, t.name, t.attributes->>'shop_type' AS shop_type, c.name AS community,
                    ST_X(p) AS lon, ST_Y(p) AS lat, ST_XMin(t.geom), ST_YMin(t.geom), ST_XMax(t.geom), ST_YMax(t.geom), {dist} AS distance_m
             FROM assets t CROSS JOIN LATERAL ST_PointOnSurface(t.geom) p LEFT JOIN regions c ON c.id = t.community_id
             WHERE t.kind = ANY({kindArr}) AND {match}
             ORDER BY {assetOrder} LIMIT {n})
            UNION ALL
            (SELECT t.level, t.id, t.code, t.name, NULL, NULL, ST_X(p), ST_Y(p), ST_XMin(t.geom), ST_YMin(t.geom), ST_XMax(t.geom), ST_YMax(t.geom), {dist}
             FROM regions t CROSS JOIN LATERAL ST_PointOnSurface(t.geom) p
             WHERE t.level IN ('subdistrict', 'community', 'grid_cell') AND (t.name ILIKE {like} OR t.code LIKE {prefix})
             ORDER BY {regionOrder} LIMIT {n})
            """;
        var hits = new List<PlaceHit>();
        await using (var conn = await (readFrom ?? primary).OpenConnectionAsync(ct))
        await using (var cmd = sql.CreateCommand(conn, text))
        await using (var rd = await cmd.ExecuteReaderAsync(ct))
        {
            while (await rd.ReadAsync(ct))
            {
                string? S(int i) => rd.IsDBNull(i) ? null : rd.GetString(i);
                hits.Add(new PlaceHit(rd.GetString(0), rd.GetInt64(1), rd.GetString(2), rd.GetString(3), S(4), S(5),
                    rd.GetDouble(6), rd.GetDouble(7), rd.GetDouble(8), rd.GetDouble(9), rd.GetDouble(10), rd.GetDouble(11),
                    rd.IsDBNull(12) ? null : Math.Round(rd.GetDouble(12), 1)));
            }
        }
        // nearest first with a location (regions before assets at equal metres: a region holding the point is at 0);
        // without one: a name equal to the query, then communities, grid cells, subdistricts, assets (stable: each part keeps its SQL order)
        static int Rank(string type) => type switch { "community" => 0, "grid_cell" => 1, "subdistrict" => 2, _ => 3 };
        var ordered = here is not null
            ? hits.OrderBy(h => h.DistanceM).ThenBy(h => h.Type == "asset" ? 1 : 0).ThenBy(h => h.Id)
            : hits.OrderBy(h => string.Equals(h.Name, q, StringComparison.OrdinalIgnoreCase) ? 0 : 1).ThenBy(h => Rank(h.Type));
        return new PlaceSearchResult(q, category, [.. ordered.Take(r.Limit).Select(h => h with { Name = DisplayName(h) })]);
    }

    /// <summary>The name to show: the place's own, unless it is only its kind's label with a number ("应急避难场所 3",
    /// "药店"), then "community + label" so the list tells places apart by where they are.</summary>
    public static string DisplayName(PlaceHit h)
    {
        if (h.Type != "asset") return h.Name;
        var label = (h.ShopType is { } t ? PlaceCategories.CodeName(t, zh: true) : null)
            ?? (AssetKinds.TryParse(h.Code, out var k) ? k.NameZh() : h.Code);
        var name = h.Name.Trim();
        var generic = name.Length == 0 || Generic().Replace(name, "") is var rest && (rest.Length == 0 || rest == label
            || (AssetKinds.TryParse(h.Code, out var kk) && rest == kk.NameZh()));
        if (!generic) return h.Name;
        return h.Community is { } c ? $"{c} {label}" : label;
    }

    [GeneratedRegex(@"[\s\d#号第()（）-]+", RegexOptions.CultureInvariant)]
    private static partial Regex Generic();
}
