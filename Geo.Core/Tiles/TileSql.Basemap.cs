using Geo.Core.Domain;

namespace Geo.Core.Tiles;

public static partial class TileSql
{
    /// <summary>The walking network's streets in the offline basemap from street zoom, with their names.</summary>
    public const int StreetMinZoom = 15;

    /// <summary>Named points (shelters, service stations, civil-defence sites, community gardens) from this zoom.</summary>
    public const int LandmarkMinZoom = 15;

    /// <summary>The asset kinds the basemap names as landmarks: places a resident finds their way by. Never a
    /// sensitive kind (<see cref="AssetKinds.IsSensitive"/>): the basemap is public (a test checks).</summary>
    public static readonly IReadOnlyList<AssetKind> LandmarkKinds =
        [AssetKind.Shelter, AssetKind.ServiceStation, AssetKind.CivilDefence, AssetKind.VegetableGarden];

    /// <summary>The offline basemap: district, subdistricts, communities and grid cells as outlines
    /// (simplified to $4 metres, about one pixel), plus label points; finer levels appear with zoom. From street zoom
    /// the walking network's streets (with <c>name</c>) and the named landmarks.</summary>
    public static string Basemap(int z)
    {
        var parts = new List<string> { Regions("district", "'district'") };
        if (z >= StreetMinZoom) parts.Add(Streets());
        if (z >= SubdistrictMinZoom) parts.Add(Regions("subdistricts", "'subdistrict'"));
        if (z >= CommunityMinZoom) parts.Add(Regions("communities", "'community'"));
        if (z >= GridCellMinZoom) parts.Add(Regions("grid_cells", "'grid_cell'"));
        var labelLevels = new List<string>();
        if (z is >= SubdistrictLabelMinZoom and < CommunityLabelMinZoom + 1) labelLevels.Add("'subdistrict'");
        if (z >= CommunityLabelMinZoom) labelLevels.Add("'community'");
        if (z >= GridCellLabelMinZoom) labelLevels.Add("'grid_cell'");
        if (labelLevels.Count > 0) parts.Add(Labels(string.Join(", ", labelLevels)));
        if (z >= LandmarkMinZoom) parts.Add(Landmarks());
        return "SELECT " + string.Join("\n || ", parts);
    }

    private static string Regions(string layer, string level) => $"""
        COALESCE((SELECT ST_AsMVT(t, '{layer}', {Extent}, 'geom', 'id') FROM (
            SELECT r.id, r.code, r.name, r.synthetic,
                   ST_AsMVTGeom(ST_Simplify(ST_Transform(r.geom, 3857), $4, true), {Envelope}, {Extent}, {Buffer}, true) AS geom
            FROM regions r
            WHERE r.level = {level} AND r.geom && {Query}
        ) t WHERE t.geom IS NOT NULL), ''::bytea)
        """;

    /// <summary>Walkable streets and paths (walk_edges) with their OSM-style <c>highway</c> class and <c>name</c> (absent
    /// where the way has none; made up where <c>synthetic</c>), drawn under the outlines. A name costs one string per
    /// tile (MVT keeps each value once per layer) and an index per edge.</summary>
    private static string Streets() => $"""
        COALESCE((SELECT ST_AsMVT(t, 'streets', {Extent}, 'geom', 'id') FROM (
            SELECT e.id, e.highway, e.name, e.synthetic,
                   ST_AsMVTGeom(ST_Simplify(ST_Transform(e.geom, 3857), $4, true), {Envelope}, {Extent}, {Buffer}, true) AS geom
            FROM walk_edges e
            WHERE e.geom && {Query}
        ) t WHERE t.geom IS NOT NULL), ''::bytea)
        """;

    private static string Labels(string levels) => $"""
        COALESCE((SELECT ST_AsMVT(t, 'labels', {Extent}, 'geom', 'id') FROM (
            SELECT r.id, r.code, r.name, r.level, r.synthetic,
                   ST_AsMVTGeom(ST_Transform(ST_PointOnSurface(r.geom), 3857), {Envelope}, {Extent}, 0, true) AS geom
            FROM regions r
            WHERE r.level IN ({levels}) AND r.geom && {Query}
        ) t WHERE t.geom IS NOT NULL), ''::bytea)
        """;

    /// <summary>Named landmark points: assets of <see cref="LandmarkKinds"/> that have a name (a polygon by its point on
    /// surface). The kinds are constants of this class, never request input.</summary>
    private static string Landmarks() => $"""
        COALESCE((SELECT ST_AsMVT(t, 'landmarks', {Extent}, 'geom', 'id') FROM (
            SELECT a.id, a.kind, a.name, a.synthetic,
                   ST_AsMVTGeom(ST_Transform(ST_PointOnSurface(a.geom), 3857), {Envelope}, {Extent}, 0, true) AS geom
            FROM assets a
            WHERE a.kind IN ({string.Join(", ", LandmarkKinds.Where(k => !AssetKinds.IsSensitive(k)).Select(k => $"'{k.Code()}'"))})
              AND a.name <> '' AND a.geom && {Query}
        ) t WHERE t.geom IS NOT NULL), ''::bytea)
        """;
}
