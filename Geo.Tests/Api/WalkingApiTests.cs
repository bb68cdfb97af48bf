using System.Net;
using System.Text.Json;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Tests.Infrastructure;
using NetTopologySuite.IO.Converters;

namespace Geo.Tests.Api;

public sealed class WalkingApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private const string Origin = "lon=116.61&lat=39.89";

    private async Task SeedAsync()
    {
        await WalkNetworks.SquareAsync(db.DataSource, seed: 11);
        Asset Shop(string id, double lon, double lat, LifeElement c) => new()
        {
            Kind = AssetKind.Shop, Name = $"店 {id}", Source = "walk-test", ExternalId = id, Geom = GeoFactory.Point(lon, lat),
            Attributes = new ShopAttributes(c), Synthetic = true,
        };
        Asset[] assets =
        [
            Shop("near-eat", 116.6105, 39.8903, LifeElement.Eat),
            Shop("mid-eat", 116.6150, 39.8930, LifeElement.Eat),
            Shop("clinic", 116.6120, 39.8880, LifeElement.Health),
            Shop("far", 116.6190, 39.8990, LifeElement.Health),
            new() { Kind = AssetKind.ServiceStation, Name = "服务站", Source = "walk-test", ExternalId = "station", Geom = GeoFactory.Point(116.6090, 39.8910), Attributes = new ServiceStationAttributes(), Synthetic = true },
        ];
        await using var conn = await db.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await AssetBulkWriter.CopyAsync(conn, "assets", assets, withRowNumbers: false);
        await tx.CommitAsync();
    }

    [Fact]
    public async Task Isochrone_returns_nested_bands_and_services_grouped_by_life_element_and_reach_sorts_by_time()
    {
        await SeedAsync();
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();

        var res = await http.GetAsync($"/api/isochrone?{Origin}&minutes=5,10,15&profile=adult");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("application/geo+json", res.Content.Headers.ContentType?.MediaType);
        var body = await res.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(body);
        var features = doc.RootElement.GetProperty("features");
        Assert.Equal([15, 10, 5], features.EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("minutes").GetInt32()));
        var json = new JsonSerializerOptions();
        json.Converters.Add(new GeoJsonConverterFactory(GeoFactory.Wgs84));
        var polygons = features.EnumerateArray().Select(f => f.GetProperty("geometry").Deserialize<NetTopologySuite.Geometries.Geometry>(json)!).ToList();
        Assert.True(polygons[0].Area > polygons[1].Area && polygons[1].Area > polygons[2].Area);
        Assert.True(polygons[0].Buffer(1e-6).Contains(polygons[2]));
        Assert.True(polygons[2].Contains(GeoFactory.Point(116.61, 39.89)));
        var services = doc.RootElement.GetProperty("services");
        Assert.Equal(8, services.EnumerateObject().Count());
        var eat = services.GetProperty("eat").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Equal(["店 near-eat", "店 mid-eat"], eat);
        Assert.Contains("服务站", services.GetProperty("live").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.All(services.GetProperty("eat").EnumerateArray(), s => Assert.InRange(s.GetProperty("minutes").GetDouble(), 0, 15));

        var elderly = JsonDocument.Parse(await http.GetStringAsync($"/api/isochrone?{Origin}&minutes=5&profile=elderly"));
        Assert.Equal(250, elderly.RootElement.GetProperty("features")[0].GetProperty("properties").GetProperty("cutoff_m").GetDouble());

        using var reach = JsonDocument.Parse(await http.GetStringAsync($"/api/reach?{Origin}&category=health&minutes=15"));
        var health = reach.RootElement.GetProperty("services").EnumerateArray().ToList();
        Assert.NotEmpty(health);
        Assert.All(health, s => Assert.Equal("health", s.GetProperty("element").GetString()));
        var times = health.Select(s => s.GetProperty("minutes").GetDouble()).ToList();
        Assert.Equal(times.Order(), times);
    }

    [Theory]
    [InlineData("/api/isochrone?lat=39.89", "lon")]
    [InlineData("/api/isochrone?lon=abc&lat=39.89", "lon")]
    [InlineData("/api/isochrone?lon=121.47&lat=31.23", "lon")]
    [InlineData("/api/isochrone?lon=116.61&lat=39.89&minutes=5,x", "minutes")]
    [InlineData("/api/isochrone?lon=116.61&lat=39.89&minutes=0", "minutes")]
    [InlineData("/api/isochrone?lon=116.61&lat=39.89&profile=runner", "profile")]
    [InlineData("/api/reach?lon=116.61&lat=39.89&category=spa", "category")]
    [InlineData("/api/reach?lon=116.61&lat=39.89&minutes=5,10", "minutes")]
    public async Task Bad_input_is_a_problem_naming_the_parameter(string url, string parameter)
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var res = await app.CreateClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await res.Content.ReadAsStringAsync());
        Assert.True(doc.RootElement.GetProperty("errors").TryGetProperty(parameter, out _));
    }
}
