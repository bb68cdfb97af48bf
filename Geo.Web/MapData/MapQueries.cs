using Geo.Core.Data;
using Geo.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace Geo.Web.MapData;

public sealed record AssetPoint(long Id, string Kind, double Lon, double Lat, bool Synthetic, string Status);
public sealed record KindCount(string Kind, long Count, bool AnySynthetic);
public sealed record AssetRow(long Id, string Name, string Kind, string Status, bool Synthetic, string Attributes, string? Community, string? GridCell, double Lon, double Lat);

/// <summary>What only the map reads (markers in view, counts; names are in the basemap tiles; search is Core's PlaceSearch, as for /api/search). Anything an endpoint also answers
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

    public static string[] Codes(IEnumerable<AssetKind> kinds) => kinds.Select(k => k.Code()).ToArray();
}
