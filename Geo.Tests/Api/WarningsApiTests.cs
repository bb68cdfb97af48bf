using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

public sealed class WarningsApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static object Square(double lon, double lat, double size) => new
    {
        type = "Polygon",
        coordinates = new[] { new[] { new[] { lon, lat }, new[] { lon + size, lat }, new[] { lon + size, lat + size }, new[] { lon, lat + size }, new[] { lon, lat } } },
    };

    [Fact]
    public async Task Screens_inside_a_published_warning_show_it_with_their_nearest_shelters_until_it_expires()
    {
        var inside = await GridFixtures.AssetAsync(db, "屏 inside", 116.700, 39.800, new DisplayScreenAttributes());
        var outside = await GridFixtures.AssetAsync(db, "屏 outside", 116.900, 39.950, new DisplayScreenAttributes());
        var muted = await GridFixtures.AssetAsync(db, "屏 muted", 116.701, 39.801, new DisplayScreenAttributes(CanShowWarnings: false));
        var far = await GridFixtures.AssetAsync(db, "避难 far", 116.740, 39.800, new ShelterAttributes(500));
        var near = await GridFixtures.AssetAsync(db, "避难 near", 116.702, 39.800, new ShelterAttributes(200));
        var mid = await GridFixtures.AssetAsync(db, "避难 mid", 116.700, 39.810, new ShelterAttributes(300));
        var mid2 = await GridFixtures.AssetAsync(db, "避难 mid2", 116.715, 39.800, new ShelterAttributes(300));
        await using var app = new GeoWebFactory(db.ConnectionString);
        var admin = await GridFixtures.ClientAsync(app, db, GeoRoles.Admin);
        var planner = await GridFixtures.ClientAsync(app, db, GeoRoles.Planner);
        var warning = new
        {
            title = "暴雨红色预警", message = "请勿外出，就近避险", severity = "red", area = Square(116.65, 39.75, 0.1),
            valid_from = DateTimeOffset.UtcNow.AddMinutes(-1), valid_until = DateTimeOffset.UtcNow.AddHours(3),
        };
        Assert.Equal(HttpStatusCode.Forbidden, (await planner.PostAsJsonAsync("/api/warnings", warning)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/warnings", warning)).StatusCode);
        var bad = await admin.PostAsJsonAsync("/api/warnings", warning with { });
        Assert.Equal(HttpStatusCode.Created, bad.StatusCode); // a second warning is fine
        var invalid = await admin.PostAsJsonAsync("/api/warnings", new { title = "x", message = "y", severity = "purple", area = new { type = "Point", coordinates = new[] { 116.7, 39.8 } }, valid_until = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var problem = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("area", problem);
        Assert.Contains("severity", problem);

        // an expired warning over the same screen is simply not shown
        await using (var cmd = db.DataSource.CreateCommand("""
            INSERT INTO weather_warnings (title, message, severity, area, valid_from, valid_until, created_by)
            VALUES ('旧预警', 'expired', 'yellow', ST_Multi(ST_MakeEnvelope(116.6, 39.7, 116.8, 39.9, 4326)), now() - interval '2 days', now() - interval '1 day', 'test')
            """)) await cmd.ExecuteNonQueryAsync();

        var screen = app.CreateClient(); // screens poll anonymously
        var msg = await screen.GetFromJsonAsync<JsonElement>($"/api/screens/{inside}/message");
        var warnings = msg.GetProperty("warnings").EnumerateArray().ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal("暴雨红色预警", w.GetProperty("title").GetString()));
        var shelters = msg.GetProperty("shelters").EnumerateArray().Select(s => s.GetProperty("id").GetInt64()).ToList();
        Assert.Equal([near, mid, mid2], shelters);
        var d = msg.GetProperty("shelters")[0].GetProperty("distance_m").GetDouble();
        Assert.InRange(d, 160, 180); // 0.002° of longitude at 39.8° N ≈ 171 m

        Assert.Empty((await screen.GetFromJsonAsync<JsonElement>($"/api/screens/{outside}/message")).GetProperty("warnings").EnumerateArray());
        Assert.Empty((await screen.GetFromJsonAsync<JsonElement>($"/api/screens/{muted}/message")).GetProperty("warnings").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await screen.GetAsync($"/api/screens/{far}/message")).StatusCode);
    }
}
