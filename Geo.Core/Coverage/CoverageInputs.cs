using Geo.Core.Crs;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Geo.Core.Coverage;

/// <summary>Reads what coverage needs from PostGIS: the area to measure, the covering assets and the
/// residents. Everything is returned in the metric plane.</summary>
public static class CoverageInputs
{
    /// <summary>The district's urban area: the union of the 街道 (subdistricts, as opposed to towns).</summary>
    public const string UrbanArea = "urban";

    public sealed record Building(double X, double Y, int Residents, double Share60, long? CommunityId);

    /// <summary>Resolves a region code (any level), <see cref="UrbanArea"/>, or null when unknown.</summary>
    public static async Task<(string Label, Geometry Wgs84)?> ResolveRegionAsync(NpgsqlDataSource ds, string code, CancellationToken ct)
    {
        await using var cmd = code == UrbanArea
            ? ds.CreateCommand("SELECT '城区 urban area', ST_Multi(ST_Union(geom)) FROM regions WHERE level = 'subdistrict' AND unit_type = '街道' HAVING count(*) > 0")
            : ds.CreateCommand("SELECT name, geom FROM regions WHERE code = $1");
        if (code != UrbanArea) cmd.Parameters.AddWithValue(code);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return (r.GetString(0), r.GetFieldValue<Geometry>(1));
    }

    /// <summary>Disks of assets of one kind near the area: radius from the attribute
    /// <paramref name="radiusAttribute"/> (metres) or <paramref name="fixedRadiusM"/>.</summary>
    public static async Task<List<DiskShape>> LoadDisksAsync(NpgsqlDataSource ds, Geometry areaWgs84, string kind, bool onlineOnly,
        string? radiusAttribute, double fixedRadiusM, CancellationToken ct)
    {
        CoverageLimits.CheckRadius("radius_m", fixedRadiusM);
        // The search margin is the largest radius any disk can have here (the fixed one, or an attribute radius,
        // clamped to what the attribute's validation allows), so nothing that reaches into the area is missed.
        var reach = Math.Max(fixedRadiusM, radiusAttribute is null ? 0 : CoverageLimits.MaxAttributeRadiusM);
        await using var cmd = ds.CreateCommand("""
            SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)),
                   LEAST(COALESCE(CASE WHEN $4::text IS NULL THEN NULL ELSE (attributes ->> $4::text)::float8 END, $5), $7)
            FROM assets
            WHERE kind = $1 AND geom && ST_Expand($2, $6) AND ($3 = false OR status = 'online')
            """);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.AddWithValue(areaWgs84);
        cmd.Parameters.AddWithValue(onlineOnly);
        cmd.Parameters.AddWithValue((object?)radiusAttribute ?? DBNull.Value);
        cmd.Parameters.AddWithValue(fixedRadiusM);
        cmd.Parameters.AddWithValue(CoverageLimits.MarginDegrees(reach));
        cmd.Parameters.AddWithValue(CoverageLimits.MaxAttributeRadiusM);
        var disks = new List<DiskShape>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var (x, y) = GeoMetric.ToMetric(r.GetDouble(0), r.GetDouble(1));
            disks.Add(new DiskShape(x, y, r.GetDouble(2)));
        }
        return disks;
    }

    /// <summary>Residential buildings inside the area with residents and their community's 60+ share.
    /// Falls back to grid-cell centroids with the cells' populations when no buildings are recorded.</summary>
    public static async Task<List<Building>> LoadResidentsAsync(NpgsqlDataSource ds, Geometry areaWgs84, CancellationToken ct)
    {
        var list = await QueryBuildingsAsync(ds, """
            SELECT ST_X(p), ST_Y(p), (a.attributes ->> 'residents')::int,
                   COALESCE(c.population_60_plus::float8 / NULLIF(c.population, 0), 0.196), a.community_id
            FROM assets a
            CROSS JOIN LATERAL ST_PointOnSurface(a.geom) p
            LEFT JOIN regions c ON c.id = a.community_id
            WHERE a.kind = 'residential_building' AND ST_Intersects(a.geom, $1)
            """, areaWgs84, ct);
        if (list.Count > 0) return list;
        return await QueryBuildingsAsync(ds, """
            SELECT ST_X(p), ST_Y(p), g.population,
                   COALESCE(g.population_60_plus::float8 / NULLIF(g.population, 0), 0.196), g.parent_id
            FROM regions g CROSS JOIN LATERAL ST_PointOnSurface(g.geom) p
            WHERE g.level = 'grid_cell' AND ST_Intersects(p, $1)
            """, areaWgs84, ct);
    }

    private static async Task<List<Building>> QueryBuildingsAsync(NpgsqlDataSource ds, string sql, Geometry area, CancellationToken ct)
    {
        await using var cmd = ds.CreateCommand(sql);
        cmd.Parameters.AddWithValue(area);
        var list = new List<Building>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var (x, y) = GeoMetric.ToMetric(r.GetDouble(0), r.GetDouble(1));
            list.Add(new Building(x, y, r.IsDBNull(2) ? 0 : r.GetInt32(2), r.GetDouble(3), r.IsDBNull(4) ? null : r.GetInt64(4)));
        }
        return list;
    }
}
