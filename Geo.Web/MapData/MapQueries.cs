using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Tiles;
using Microsoft.EntityFrameworkCore;

namespace Geo.Web.MapData;

public sealed record AssetPoint(long Id, string Kind, double Lon, double Lat, bool Synthetic, string Status);
public sealed record KindCount(string Kind, long Count, bool AnySynthetic);
public sealed record PlaceName(long Id, string Level, string Name, double Lon, double Lat, bool Synthetic);
public sealed record AssetRow(long Id, string Name, string Kind, string Status, bool Synthetic, string Attributes, string? Community, string? GridCell, double Lon, double Lat);

/// <summary>What only the map reads (markers in view, counts, labels; search is Core's PlaceSearch, as for /api/search). Anything an endpoint also answers
/// (locate, nearby, cases, coverage, the scorecard) comes from the same Geo.Core use case the endpoint calls.
/// SQL through EF's FormattableString API: every interpolated value becomes a parameter. Lon/lat order
/// throughout; only the JS module swaps for Leaflet.</summary>
public static class MapQueries
{
    public static Task<List<KindCount>> CountsAsync(GeoDbContext db, CancellationToken ct = default) =>
        db.Database.SqlQuery<KindCount>($"""
            SELECT kind AS "Kind", count(*) AS "Count", bool_or(synthetic) AS "AnySynthetic" FROM assets GROUP BY kind
            """).ToListAsync(ct);

    /// <summary>Up to <paramref name="cap"/> + 1 assets of <paramref name="kinds"/> in the box (the extra row says "more").</summary>
    public static Task<List<AssetPoint>> InViewAsync(GeoDbContext db, double minLon, double minLat, double maxLon, double maxLat, string[] kinds, int cap, CancellationToken ct = default) =>
        db.Database.SqlQuery<AssetPoint>($"""
            SELECT id AS "Id", kind AS "Kind", ST_X(p) AS "Lon", ST_Y(p) AS "Lat", synthetic AS "Synthetic", status AS "Status"
            FROM (SELECT id, kind, synthetic, status,
                         CASE WHEN GeometryType(geom) = 'POINT' THEN geom ELSE ST_PointOnSurface(geom) END AS p
                  FROM assets
                  WHERE geom && ST_MakeEnvelope({minLon}, {minLat}, {maxLon}, {maxLat}, 4326) AND kind = ANY({kinds})
                  LIMIT {cap + 1}) s
            """).ToListAsync(ct);

    public static async Task<AssetRow?> AssetAsync(GeoDbContext db, long id, CancellationToken ct = default) =>
        (await db.Database.SqlQuery<AssetRow>($"""
            SELECT a.id AS "Id", a.name AS "Name", a.kind AS "Kind", a.status AS "Status", a.synthetic AS "Synthetic",
                   a.attributes::text AS "Attributes", c.name AS "Community", g.name AS "GridCell",
                   ST_X(ST_PointOnSurface(a.geom)) AS "Lon", ST_Y(ST_PointOnSurface(a.geom)) AS "Lat"
            FROM assets a LEFT JOIN regions c ON c.id = a.community_id LEFT JOIN regions g ON g.id = a.grid_cell_id
            WHERE a.id = {id}
            """).ToListAsync(ct)).SingleOrDefault();

    /// <summary>Region names to print on the map at this zoom: the same levels the basemap tiles' "labels"
    /// layer carries (VectorGrid draws geometry, not text, so the names come this way).</summary>
    public static Task<List<PlaceName>> PlaceNamesAsync(GeoDbContext db, double minLon, double minLat, double maxLon, double maxLat, int zoom, CancellationToken ct = default)
    {
        var levels = new List<string>();
        if (zoom is >= TileSql.SubdistrictLabelMinZoom and < TileSql.CommunityLabelMinZoom + 1) levels.Add("subdistrict");
        if (zoom >= TileSql.CommunityLabelMinZoom) levels.Add("community");
        if (zoom >= TileSql.GridCellLabelMinZoom) levels.Add("grid_cell");
        var arr = levels.ToArray();
        return db.Database.SqlQuery<PlaceName>($"""
            SELECT id AS "Id", level AS "Level", name AS "Name", ST_X(p) AS "Lon", ST_Y(p) AS "Lat", synthetic AS "Synthetic"
            FROM (SELECT id, level, name, synthetic, ST_PointOnSurface(geom) AS p FROM regions
                  WHERE geom && ST_MakeEnvelope({minLon}, {minLat}, {maxLon}, {maxLat}, 4326) AND level = ANY({arr})
                  ORDER BY id LIMIT 400) s
            """).ToListAsync(ct);
    }

    public static string[] Codes(IEnumerable<AssetKind> kinds) => kinds.Select(k => k.Code()).ToArray();
}
