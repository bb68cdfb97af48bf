using System.Net;
using System.Text.Json;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Core.Walking;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

public sealed class RouteApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private const string From = "116.6031,39.8842", To = "116.6172,39.8968";

    [Fact]
    public async Task Route_is_a_GeoJSON_LineString_with_metres_minutes_steps_and_handoff_links_and_the_elderly_take_longer()
    {
        await WalkNetworks.SquareAsync(db.DataSource, seed: 11);
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();

        var res = await http.GetAsync($"/api/route?from={From}&to={To}");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("application/geo+json", res.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await res.Content.ReadAsStringAsync());
        var f = doc.RootElement;
        Assert.Equal("Feature", f.GetProperty("type").GetString());
        Assert.Equal("LineString", f.GetProperty("geometry").GetProperty("type").GetString());
        var coords = f.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(c => (c[0].GetDouble(), c[1].GetDouble())).ToList();
        Assert.Equal((116.6031, 39.8842), coords[0]);
        Assert.Equal((116.6172, 39.8968), coords[^1]);
        var p = f.GetProperty("properties");
        var meters = p.GetProperty("meters").GetDouble();
        var straight = Geodesy.Distance(116.6031, 39.8842, 116.6172, 39.8968);
        Assert.InRange(meters, straight, 2.5 * straight);
        var line = 0.0;
        for (var i = 1; i < coords.Count; i++) line += Geodesy.Distance(coords[i - 1].Item1, coords[i - 1].Item2, coords[i].Item1, coords[i].Item2);
        Assert.Equal(meters, line, 0); // the drawn line is the walk, to the metre
        Assert.Equal("adult", p.GetProperty("pace").GetString());
        Assert.Equal(p.GetProperty("cost_m").GetDouble() / 75, p.GetProperty("minutes").GetDouble(), 1);
        var steps = p.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal("depart", steps[0].GetProperty("turn").GetString());
        Assert.Equal("arrive", steps[^1].GetProperty("turn").GetString());
        Assert.Equal(meters, steps.Sum(s => s.GetProperty("meters").GetDouble()), 0);
        Assert.Contains(steps, s => s.GetProperty("turn").GetString() is "left" or "right");
        var amap = p.GetProperty("handoff").GetProperty("amap").GetString()!;
        var baidu = p.GetProperty("handoff").GetProperty("baidu").GetString()!;
        var (gLon, gLat) = Geo.Core.Crs.ChineseOffsets.Wgs84ToGcj02(116.6172, 39.8968);
        Assert.StartsWith("https://uri.amap.com/navigation?from=", amap);
        Assert.Contains($"&to={gLon:F6},{gLat:F6},", amap);
        Assert.EndsWith("&mode=walk&coordinate=gaode", amap);
        var (bLon, bLat) = Geo.Core.Crs.ChineseOffsets.Wgs84ToBd09(116.6172, 39.8968);
        Assert.Contains($"destination=latlng:{bLat:F6},{bLon:F6}|name:", baidu);
        Assert.Contains("mode=walking&coord_type=bd09ll", baidu);

        using var elderly = JsonDocument.Parse(await http.GetStringAsync($"/api/route?from={From}&to={To}&pace=elderly"));
        var ep = elderly.RootElement.GetProperty("properties");
        Assert.Equal(meters, ep.GetProperty("meters").GetDouble());
        Assert.Equal(p.GetProperty("minutes").GetDouble() * 1.5, ep.GetProperty("minutes").GetDouble(), 0);
    }

    [Fact]
    public async Task Route_to_a_place_id_uses_its_name_and_an_unknown_or_staff_only_id_is_404()
    {
        await WalkNetworks.SquareAsync(db.DataSource, seed: 11);
        var shop = new Asset
        {
            Kind = AssetKind.Shop, Name = "社区超市", Source = "route-test", ExternalId = "shop", Geom = GeoFactory.Point(116.6150, 39.8930),
            Attributes = new ShopAttributes(LifeElement.Eat), Synthetic = true,
        };
        await using (var conn = await db.DataSource.OpenConnectionAsync())
        {
            await AssetBulkWriter.CopyAsync(conn, "assets", [shop], withRowNumbers: false);
        }
        await using var ctx = db.CreateContext();
        ctx.Add(AssetFixtures.Point(AssetKind.Camera, "摄像头", 116.6120, 39.8900));
        await ctx.SaveChangesAsync();
        var id = ctx.Assets.Single(a => a.ExternalId == "shop").Id;
        var camera = ctx.Assets.Single(a => a.Kind == AssetKind.Camera).Id;
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        using var doc = JsonDocument.Parse(await http.GetStringAsync($"/api/route?from={From}&to_id={id}"));
        var to = doc.RootElement.GetProperty("properties").GetProperty("to");
        Assert.Equal("社区超市", to.GetProperty("name").GetString());
        Assert.Contains(Uri.EscapeDataString("社区超市"), doc.RootElement.GetProperty("properties").GetProperty("handoff").GetProperty("amap").GetString());
        var missing = await http.GetAsync($"/api/route?from={From}&to_id=999999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        // a camera's place is staff-only: to anyone else its id is as unknown as a missing one
        var hidden = await http.GetAsync($"/api/route?from={From}&to_id={camera}");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        using var problem = JsonDocument.Parse(await hidden.Content.ReadAsStringAsync());
        Assert.Equal("to_id", problem.RootElement.GetProperty("parameter").GetString());
    }

    [Theory]
    [InlineData("/api/route?to=116.61,39.89", HttpStatusCode.BadRequest, "from")]
    [InlineData("/api/route?from=abc&to=116.61,39.89", HttpStatusCode.BadRequest, "from")]
    [InlineData("/api/route?from=116.61&to=116.61,39.89", HttpStatusCode.BadRequest, "from")]
    [InlineData("/api/route?from=121.47,31.23&to=116.61,39.89", HttpStatusCode.BadRequest, "from")]
    [InlineData("/api/route?from=116.61,39.89", HttpStatusCode.BadRequest, "to")]
    [InlineData("/api/route?from=116.61,39.89&to=116.61,", HttpStatusCode.BadRequest, "to")]
    [InlineData("/api/route?from=116.61,39.89&to=116.61,41", HttpStatusCode.BadRequest, "to")]
    [InlineData("/api/route?from=116.61,39.89&to=116.61,39.89&to_id=1", HttpStatusCode.BadRequest, "to")]
    [InlineData("/api/route?from=116.61,39.89&to_id=x", HttpStatusCode.BadRequest, "to_id")]
    [InlineData("/api/route?from=116.61,39.89&to=116.61,39.89&pace=runner", HttpStatusCode.BadRequest, "pace")]
    [InlineData("/api/route?from=116.61,39.89&to=116.80,39.89", HttpStatusCode.BadRequest, "to")] // 17 km: not a walk
    [InlineData("/api/route?from=116.635,39.89&to=116.61,39.89", HttpStatusCode.UnprocessableEntity, "from")] // 1.3 km east of the square: no street within 1 km
    [InlineData("/api/route?from=116.61,39.89&to=116.65,39.89", HttpStatusCode.UnprocessableEntity, "to")]
    public async Task Bad_input_is_a_problem_naming_the_parameter(string url, HttpStatusCode status, string parameter)
    {
        await WalkNetworks.SquareAsync(db.DataSource, seed: 11);
        await using var app = new GeoWebFactory(db.ConnectionString);
        var res = await app.CreateClient().GetAsync(url);
        Assert.Equal(status, res.StatusCode);
        Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await res.Content.ReadAsStringAsync());
        Assert.Equal(parameter, doc.RootElement.GetProperty("parameter").GetString());
    }
}
