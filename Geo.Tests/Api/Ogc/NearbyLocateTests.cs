using System.Globalization;
using System.Net;
using System.Text.Json;
using Geo.Core.Crs;

namespace Geo.Tests.Api.Ogc;

public sealed class NearbyLocateTests(SeededApiFixture f) : IClassFixture<SeededApiFixture>
{
    private static string S(double d) => d.ToString(CultureInfo.InvariantCulture);

    /// <summary>The oracle: every exposed asset's geodesic distance, sorted, no index.</summary>
    private async Task<List<(long Id, double D)>> BruteForceAsync(double lon, double lat, string kinds, double? radius, int n)
    {
        await using var cmd = f.Db.DataSource.CreateCommand($"""
            SELECT id, ST_Distance(geom::geography, ST_SetSRID(ST_Point($1, $2), 4326)::geography) AS d FROM assets
            WHERE kind = ANY(string_to_array($3, ',')) {(radius is null ? "" : "AND ST_Distance(geom::geography, ST_SetSRID(ST_Point($1, $2), 4326)::geography) <= $4")}
            ORDER BY d, id LIMIT {n}
            """);
        cmd.Parameters.AddWithValue(lon);
        cmd.Parameters.AddWithValue(lat);
        cmd.Parameters.AddWithValue(kinds);
        if (radius is { } r) cmd.Parameters.AddWithValue(r);
        var list = new List<(long, double)>();
        await using var rd = await cmd.ExecuteReaderAsync();
        while (await rd.ReadAsync()) list.Add((rd.GetInt64(0), rd.GetDouble(1)));
        return list;
    }

    [Theory]
    [InlineData(116.61, 39.86, null, null, 10)]
    [InlineData(116.65, 39.90, "shop,wifi_hotspot,shelter", null, 25)]
    [InlineData(116.69, 39.94, "wifi_hotspot", null, 5)]
    [InlineData(116.64, 39.88, "shop", 1500.0, 100)]
    [InlineData(116.50, 39.70, null, null, 3)]
    public async Task Nearby_equals_brute_force_geodesic_ordering(double lon, double lat, string? kinds, double? radius, int limit)
    {
        var all = "wifi_hotspot,display_screen,kiosk,payment_terminal,vehicle_gate,service_station,vegetable_garden,shop,shelter,civil_defence,residential_building";
        var expected = await BruteForceAsync(lon, lat, kinds ?? all, radius, limit);
        var url = $"/api/nearby?lon={S(lon)}&lat={S(lat)}&limit={limit}" + (kinds is null ? "" : $"&kinds={kinds}") + (radius is null ? "" : $"&radius_m={S(radius.Value)}");
        var doc = await ApiAssert.JsonAsync(await f.Http.GetAsync(url));
        var features = doc.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(expected.Select(e => e.Id), features.Select(x => x.GetProperty("id").GetInt64()));
        for (var i = 0; i < features.Count; i++)
        {
            Assert.Equal(expected[i].D, features[i].GetProperty("properties").GetProperty("distance_m").GetDouble(), 0.01);
            Assert.NotEqual("camera", features[i].GetProperty("properties").GetProperty("kind").GetString());
        }
    }

    /// <summary>The map's "附近" list is the same Core query as /api/nearby: same rows, same metres, nearest first
    /// (the map once ranked by planar degrees and listed 43, 312, 389, 321 m at the first point).</summary>
    [Theory]
    [InlineData(116.65627, 39.95949, null)]
    [InlineData(116.61, 39.86, 2500.0)]
    [InlineData(116.655, 39.905, 3000.0)]
    public async Task The_map_lists_exactly_what_api_nearby_answers_sorted_by_true_metres(double lon, double lat, double? radius)
    {
        var kinds = Geo.Core.Access.SensitiveLayers.VisibleKinds(null, exposeToEveryone: false);
        var map = await new Geo.Core.Places.NearbySearch(f.Db.DataSource, new Geo.Core.Walking.WalkingGraphProvider(f.Db.DataSource), new Geo.Core.Walking.WalkingOptions()).FindAsync(new Geo.Core.Places.NearbyRequest(lon, lat, kinds, null, radius, 10));
        var url = $"/api/nearby?lon={S(lon)}&lat={S(lat)}&limit=10" + (radius is null ? "" : $"&radius_m={S(radius.Value)}");
        var api = (await ApiAssert.JsonAsync(await f.Http.GetAsync(url))).GetProperty("features").EnumerateArray().ToList();
        Assert.NotEmpty(map);
        Assert.Equal(api.Select(x => x.GetProperty("id").GetInt64()), map.Select(m => m.Id));
        for (var i = 0; i < map.Count; i++)
        {
            Assert.Equal(api[i].GetProperty("properties").GetProperty("distance_m").GetDouble(), map[i].DistanceM, 0.01);
            if (i > 0) Assert.True(map[i].DistanceM >= map[i - 1].DistanceM, $"row {i} at {map[i].DistanceM} m follows {map[i - 1].DistanceM} m");
        }
        var all = string.Join(",", kinds.Select(k => Geo.Core.Domain.AssetKinds.Code(k)));
        var oracle = await BruteForceAsync(lon, lat, all, radius, 10);
        Assert.Equal(oracle.Select(o => o.Id), map.Select(m => m.Id));
    }

    [Fact]
    public async Task Nearby_filters_shop_category_and_rejects_bad_input()
    {
        var doc = await ApiAssert.JsonAsync(await f.Http.GetAsync("/api/nearby?lon=116.65&lat=39.9&category=health&limit=50"));
        var cats = doc.GetProperty("features").EnumerateArray().Select(x => x.GetProperty("properties").GetProperty("category").GetString()).ToList();
        Assert.NotEmpty(cats);
        Assert.All(cats, c => Assert.Equal("health", c));
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/nearby?lon=abc&lat=39.9"), "lon");
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/nearby?lon=116.6"), "lat");
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/nearby?lon=116.6&lat=91"), "lat");
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/nearby?lon=116.6&lat=39.9&kinds=camera"), "kinds");
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/nearby?lon=116.6&lat=39.9&kinds=ufo"), "kinds");
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/nearby?lon=116.6&lat=39.9&limit=101"), "limit");
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/nearby?lon=116.6&lat=39.9&radius_m=-5"), "radius_m");
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/nearby?lon=116.6&lat=39.9&category=nap"), "category");
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/nearby?lon=116.6&lat=39.9&crs=EPSG:3857"), "crs");
    }

    [Theory]
    [InlineData("gcj02")]
    [InlineData("bd09")]
    public async Task Gcj02_and_bd09_input_is_converted_like_CrsTransform(string crs)
    {
        const double lon = 116.6123, lat = 39.8523;
        var url = $"/api/locate?lon={S(lon)}&lat={S(lat)}&crs={crs}";
        var wgs = CrsTransform.Get(crs, SupportedCrs.Crs84).Apply(lon, lat);
        // the offset is real: the converted point is hundreds of metres from the input, so an API that ignored crs fails
        Assert.InRange(Math.Abs(wgs.X - lon) + Math.Abs(wgs.Y - lat), 0.001, 0.05);
        var doc = await ApiAssert.JsonAsync(await f.Http.GetAsync(url));
        Assert.Equal(wgs.X, doc.GetProperty("lon").GetDouble(), 9);
        Assert.Equal(wgs.Y, doc.GetProperty("lat").GetDouble(), 9);
        var viaOffset = await ApiAssert.JsonAsync(await f.Http.GetAsync($"/api/nearby?lon={S(lon)}&lat={S(lat)}&crs={crs}"));
        var viaWgs = await ApiAssert.JsonAsync(await f.Http.GetAsync($"/api/nearby?lon={S(wgs.X)}&lat={S(wgs.Y)}"));
        Assert.Equal(ApiAssert.Ids(viaWgs), ApiAssert.Ids(viaOffset));
    }

    [Fact]
    public async Task Locate_returns_the_hierarchy_with_grid_manager()
    {
        await using (var cmd = f.Db.DataSource.CreateCommand("UPDATE regions SET grid_manager = '王网格', grid_manager_phone = '010-0000' WHERE code = 'OGC-G'"))
        {
            await cmd.ExecuteNonQueryAsync();
        }
        var doc = await ApiAssert.JsonAsync(await f.Http.GetAsync("/api/locate?lon=116.6&lat=39.85"));
        Assert.True(doc.GetProperty("inside").GetBoolean());
        Assert.Equal("OGC-D", doc.GetProperty("district").GetProperty("code").GetString());
        Assert.Equal("OGC-S", doc.GetProperty("subdistrict").GetProperty("code").GetString());
        Assert.Equal("OGC-C", doc.GetProperty("community").GetProperty("code").GetString());
        var cell = doc.GetProperty("grid_cell");
        Assert.Equal("OGC-G", cell.GetProperty("code").GetString());
        Assert.Equal("王网格", cell.GetProperty("grid_manager").GetString());
    }

    [Fact]
    public async Task Locate_outside_tongzhou_is_a_clear_200_and_bad_coordinates_are_400()
    {
        var doc = await ApiAssert.JsonAsync(await f.Http.GetAsync("/api/locate?lon=116.3&lat=39.9"));
        Assert.False(doc.GetProperty("inside").GetBoolean());
        Assert.Contains("outside", doc.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, doc.GetProperty("district").ValueKind);
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/locate?lon=116.3"), "lat");
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/locate?lon=1e999&lat=39"), "lon");
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/locate?lon=200&lat=39"), "lon");
    }
}
