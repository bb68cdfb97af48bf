using System.Globalization;
using Geo.Core.Coverage;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Coverage;

/// <summary>Coverage over a real PostGIS, checked against an independent PostGIS computation
/// (ST_Union of geography buffers with 64 segments per quarter, ST_DWithin on geography).</summary>
public sealed class CoverageEngineTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private const double Lon = 116.60, Lat = 39.90, Size = 0.01;

    // each world sits 0.1° east of the previous one: far beyond any hotspot's reach
    private async Task<string> WorldAsync(string tag, int seed)
    {
        var lon = Lon + 0.1 * seed;
        await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, tag, lon, Lat, Size);
        var rng = new Random(seed);
        for (var i = 0; i < 60; i++)
            await CoverageWorld.HotspotAsync(db.DataSource, $"{tag}-h{i}", lon + rng.NextDouble() * Size, Lat + rng.NextDouble() * Size,
                30 + rng.NextDouble() * 90, i % 10 == 0 ? "offline" : "online");
        for (var i = 0; i < 80; i++)
            await CoverageWorld.BuildingAsync(db.DataSource, $"{tag}-b{i}", lon + rng.NextDouble() * Size, Lat + rng.NextDouble() * Size, 20 + rng.Next(300));
        return tag + "-C";
    }

    [Fact]
    public async Task Wifi_area_and_resident_shares_agree_with_an_independent_postgis_computation()
    {
        var community = await WorldAsync("W1", 1);
        var res = await new CoverageEngine(db.DataSource).WifiAsync(community, onlineOnly: false, gaps: false);
        Assert.NotNull(res);
        var exactArea = await CoverageWorld.ScalarAsync<double>(db.DataSource, """
            SELECT ST_Area(ST_Intersection(r.geom, u.g)::geography) / ST_Area(r.geom::geography)
            FROM regions r, (SELECT ST_Union(ST_Buffer(geom::geography, (attributes->>'coverage_radius_m')::float8, 'quad_segs=64')::geometry) g
                             FROM assets WHERE kind = 'wifi_hotspot' AND source = 'test' AND external_id LIKE 'W1-%') u
            WHERE r.code = $1
            """, community);
        Assert.InRange(res.AreaShare / exactArea, 0.995, 1.005);
        Assert.InRange(res.AreaM2, 0.999 * await RegionAreaAsync(community), 1.001 * await RegionAreaAsync(community));

        var coveredResidents = await CoverageWorld.ScalarAsync<long>(db.DataSource, """
            SELECT COALESCE(sum((b.attributes->>'residents')::int), 0)::bigint FROM assets b
            WHERE b.kind = 'residential_building' AND b.external_id LIKE 'W1-%' AND EXISTS (
                SELECT 1 FROM assets h WHERE h.kind = 'wifi_hotspot' AND h.external_id LIKE 'W1-%'
                  AND ST_DWithin(h.geom::geography, b.geom::geography, (h.attributes->>'coverage_radius_m')::float8))
            """);
        Assert.Equal(coveredResidents, res.ResidentsCovered);
        Assert.True(res.Residents > res.ResidentsCovered && res.ResidentsCovered > 0);
    }

    [Fact]
    public async Task Online_only_counts_fewer_hotspots_and_never_more_coverage()
    {
        var community = await WorldAsync("W2", 2);
        var engine = new CoverageEngine(db.DataSource);
        var all = await engine.WifiAsync(community, false, false);
        var online = await engine.WifiAsync(community, true, false);
        Assert.Equal(60, all!.Assets);
        Assert.Equal(54, online!.Assets);
        Assert.True(online.CoveredM2 < all.CoveredM2);
        Assert.True(online.ResidentsCovered <= all.ResidentsCovered);
    }

    [Fact]
    public async Task Gap_polygons_and_covered_area_add_up_to_the_region()
    {
        var community = await WorldAsync("W3", 3);
        var res = await new CoverageEngine(db.DataSource).WifiAsync(community, false, gaps: true);
        var gapArea = await CoverageWorld.ScalarAsync<double>(db.DataSource, "SELECT ST_Area(ST_GeomFromText($1, 4326)::geography)",
            res!.Gaps!.AsText());
        Assert.InRange((gapArea + res.CoveredM2) / res.AreaM2, 0.995, 1.005);
    }

    [Fact]
    public async Task Urban_area_is_the_union_of_the_jiedao_and_unknown_regions_are_null()
    {
        await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "W4", Lon - 0.1, Lat, Size);
        await using (var cmd = db.DataSource.CreateCommand("UPDATE regions SET unit_type = '街道' WHERE code = 'W4-S'")) await cmd.ExecuteNonQueryAsync();
        var engine = new CoverageEngine(db.DataSource);
        var urban = await engine.WifiAsync(CoverageInputs.UrbanArea, false, false);
        Assert.Equal(await RegionAreaAsync("W4-S"), urban!.AreaM2, await RegionAreaAsync("W4-S") * 1e-3);
        Assert.Null(await engine.WifiAsync("no-such-code", false, false));
    }

    private Task<double> RegionAreaAsync(string code) =>
        CoverageWorld.ScalarAsync<double>(db.DataSource, "SELECT ST_Area(geom::geography) FROM regions WHERE code = $1", code);

    internal static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
}
