using System.Globalization;
using System.Net;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Core.Places;
using Geo.Tests.Api.Ogc;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

/// <summary>Search people can use: 诊所 finds health care by category (not by name), with a location results come
/// nearest first in geodesic metres, places named only by their kind get their community's name, and q and limit have
/// limits (400 naming the parameter). The map's search box calls the same Core <see cref="PlaceSearch"/>.</summary>
public sealed class SearchApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static string S(double d) => d.ToString(CultureInfo.InvariantCulture);
    private const double Lon = 116.70, Lat = 39.95;

    private async Task<GeoWebFactory> SeedAsync()
    {
        await GridFixtures.CellAsync(db.DataSource, "SR", Lon - 0.01, Lat - 0.01, 0.05, "搜网格");
        var i = 0;
        foreach (var (type, dx) in new[] { ("clinic", 0.010), ("hospital", 0.002), ("clinic", 0.025), ("pharmacy", 0.001), ("restaurant", 0.0005) })
        {
            var element = type == "restaurant" ? LifeElement.Eat : LifeElement.Health;
            await GridFixtures.AssetAsync(db, $"甲乙丙{i++}", Lon + dx, Lat + dx / 2, new ShopAttributes(element, type));
        }
        await GridFixtures.AssetAsync(db, "应急避难场所 3", Lon + 0.003, Lat, new ShelterAttributes(500));
        return new GeoWebFactory(db.ConnectionString);
    }

    [Fact]
    public async Task Clinic_finds_health_care_nearest_first_with_metres_and_unnamed_places_get_their_community()
    {
        await using var app = await SeedAsync();
        var http = app.CreateClient();

        // 诊所 names no asset: it is read as the medical category (clinics and hospitals, not the pharmacy or the restaurant)
        var doc = await ApiAssert.JsonAsync(await http.GetAsync("/api/search?q=诊所"));
        Assert.Equal("medical", doc.GetProperty("category").GetString());
        var places = doc.GetProperty("places").EnumerateArray().ToList();
        Assert.Equal(3, places.Count);
        Assert.All(places, p => Assert.Contains(p.GetProperty("shop_type").GetString(), new[] { "clinic", "hospital" }));
        Assert.All(places, p => Assert.Equal(JsonValueKind.Null, p.GetProperty("distance_m").ValueKind));

        // with a location: nearest first, in geodesic metres equal to PostGIS's
        var near = await ApiAssert.JsonAsync(await http.GetAsync($"/api/search?q=诊所&lon={S(Lon)}&lat={S(Lat)}"));
        var rows = near.GetProperty("places").EnumerateArray().ToList();
        var metres = rows.Select(p => p.GetProperty("distance_m").GetDouble()).ToList();
        Assert.Equal(metres.Order(), metres);
        foreach (var p in rows)
        {
            await using var cmd = db.DataSource.CreateCommand("SELECT ST_Distance(geom::geography, ST_SetSRID(ST_Point($1, $2), 4326)::geography) FROM assets WHERE id = $3");
            cmd.Parameters.AddWithValue(Lon);
            cmd.Parameters.AddWithValue(Lat);
            cmd.Parameters.AddWithValue(p.GetProperty("id").GetInt64());
            Assert.Equal((double)(await cmd.ExecuteScalarAsync())!, p.GetProperty("distance_m").GetDouble(), 0.1);
        }
        Assert.Equal("hospital", rows[0].GetProperty("shop_type").GetString());

        // other words for categories
        foreach (var (q, category) in new[] { ("药店", "pharmacy"), ("药房", "pharmacy"), ("卫生服务站", "medical"), ("社区医院", "medical"), ("超市", "daily_shopping"), ("避难", "shelter"), ("养老驿站", "elderly_care") })
            Assert.Equal(category, (await ApiAssert.JsonAsync(await http.GetAsync($"/api/search?q={q}"))).GetProperty("category").GetString());

        // 避难: the shelter named only by its kind is listed by its community
        var shelter = (await ApiAssert.JsonAsync(await http.GetAsync($"/api/search?q=避难&lon={S(Lon)}&lat={S(Lat)}"))).GetProperty("places").EnumerateArray().Single(p => p.GetProperty("type").GetString() == "asset");
        Assert.Equal("测试communitySR 应急避难场所", shelter.GetProperty("name").GetString());

        // communities and grid cells by name; "社区" names no category (it only begins 社区服务站 and 社区医院)
        Assert.Equal(JsonValueKind.Null, (await ApiAssert.JsonAsync(await http.GetAsync("/api/search?q=社区"))).GetProperty("category").ValueKind);
        var regions = await ApiAssert.JsonAsync(await http.GetAsync("/api/search?q=测试community"));
        Assert.Equal("community", regions.GetProperty("places")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Query_length_limit_and_location_are_checked_naming_the_parameter()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        await ApiAssert.ProblemAsync(await http.GetAsync("/api/search"), "q");
        await ApiAssert.ProblemAsync(await http.GetAsync("/api/search?q=%20"), "q");
        await ApiAssert.ProblemAsync(await http.GetAsync("/api/search?q=" + new string('诊', PlaceSearch.MaxQueryLength + 1)), "q");
        await ApiAssert.JsonAsync(await http.GetAsync("/api/search?q=" + new string('诊', PlaceSearch.MaxQueryLength)));
        await ApiAssert.ProblemAsync(await http.GetAsync($"/api/search?q=诊所&limit={PlaceSearch.MaxLimit + 1}"), "limit");
        await ApiAssert.ProblemAsync(await http.GetAsync("/api/search?q=诊所&limit=0"), "limit");
        await ApiAssert.ProblemAsync(await http.GetAsync($"/api/search?q=诊所&lon={S(Lon)}"), "lat");
    }
}
