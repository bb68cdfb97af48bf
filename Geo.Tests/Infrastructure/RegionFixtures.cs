using Geo.Core.Spatial;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Geo.Tests.Infrastructure;

/// <summary>Small hand-made region hierarchies for tests that need regions without the generator.</summary>
internal static class RegionFixtures
{
    /// <summary>district → subdistrict → community → one grid cell, all the same square of side
    /// <paramref name="size"/> degrees at (lon, lat). Codes are prefixed with <paramref name="tag"/>.</summary>
    public static async Task<(long CommunityId, long GridCellId)> AddSquareHierarchyAsync(
        NpgsqlDataSource ds, string tag, double lon, double lat, double size)
    {
        var square = GeoFactory.Wgs84.CreateMultiPolygon([(Polygon)GeoFactory.Wgs84.ToGeometry(new Envelope(lon, lon + size, lat, lat + size))]);
        long? parent = null;
        long community = 0, cell = 0;
        foreach (var (level, suffix) in new[] { ("district", "D"), ("subdistrict", "S"), ("community", "C"), ("grid_cell", "G") })
        {
            await using var cmd = ds.CreateCommand("""
                INSERT INTO regions (level, code, name, parent_id, geom, population, population_60_plus, pilot, synthetic)
                VALUES ($1, $2, $3, $4, $5, 1000, 200, false, true) RETURNING id
                """);
            cmd.Parameters.AddWithValue(level);
            cmd.Parameters.AddWithValue($"{tag}-{suffix}");
            cmd.Parameters.AddWithValue($"测试{level}{tag}");
            cmd.Parameters.AddWithValue((object?)parent ?? DBNull.Value);
            cmd.Parameters.AddWithValue(square);
            var id = (long)(await cmd.ExecuteScalarAsync())!;
            parent = id;
            if (level == "community") community = id;
            if (level == "grid_cell") cell = id;
        }
        return (community, cell);
    }
}
