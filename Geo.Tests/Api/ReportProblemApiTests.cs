using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Tests.Core;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

/// <summary>Reporting a problem with up to three photos, possible duplicates within 50 m, and the public case page.</summary>
public sealed class ReportProblemApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static readonly string Jpeg = Convert.ToBase64String(IncidentPhotoStripTests.Jpeg());
    private static readonly string Png = Convert.ToBase64String(IncidentPhotoStripTests.PngWithMetadata());

    private static object Report(double lon, double lat, object[]? photos = null, string category = "sanitation", string description = "路灯不亮 street light out") =>
        new { category, lon, lat, description, contact = "13800000000 张三", photos };

    private static GeoWebFactory App(string cs) => new(cs, new Dictionary<string, string?> { ["Hardening:ReportsPerMinute"] = "1000" });

    [Fact]
    public async Task Three_photos_are_stored_with_the_case_and_served_without_exif()
    {
        await GridFixtures.CellAsync(db.DataSource, "RP", 116.60, 39.95, 0.01, "钱网格");
        await using var app = App(db.ConnectionString);
        var res = await app.CreateClient().PostAsJsonAsync("/api/incidents", Report(116.605, 39.955,
            [new { base64 = Jpeg, content_type = "image/jpeg" }, new { base64 = Png }, new { base64 = Jpeg }]));
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        var body = await res.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetInt64();
        Assert.True(body.GetProperty("has_photo").GetBoolean());
        Assert.Equal(3, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incident_photos WHERE incident_id = $1", id));
        Assert.Equal(0, await GridFixtures.CountAsync(db.DataSource,
            "SELECT count(*) FROM incident_photos WHERE incident_id = $1 AND (position(convert_to('GPS', 'UTF8') in data) > 0 OR position(convert_to('Zhang San', 'UTF8') in data) > 0)", id));

        var manager = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "钱网格");
        for (var n = 1; n <= 3; n++)
        {
            var photo = await manager.GetAsync($"/api/incidents/{id}/photos/{n}");
            Assert.Equal(HttpStatusCode.OK, photo.StatusCode);
            var bytes = Encoding.Latin1.GetString(await photo.Content.ReadAsByteArrayAsync());
            Assert.DoesNotContain("GPS", bytes);
            Assert.Equal(n == 2 ? "image/png" : "image/jpeg", photo.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Bad_reports_name_the_field_and_nothing_is_half_filed()
    {
        await GridFixtures.CellAsync(db.DataSource, "RB", 116.70, 39.95, 0.01, "孙网格");
        await using var app = App(db.ConnectionString);
        var http = app.CreateClient();
        var cases = await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents");
        var photos = await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incident_photos");

        async Task Expect(object body, string field)
        {
            var res = await http.PostAsJsonAsync("/api/incidents", body);
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            var problem = await res.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(field, problem.GetProperty("parameter").GetString());
        }
        var good = new { base64 = Jpeg };
        await Expect(Report(116.705, 39.955, [good, good, good, good]), "photos");
        // two good photos and a third that is not an image: no case, no photos
        await Expect(Report(116.705, 39.955, [good, good, new { base64 = Convert.ToBase64String("not an image"u8.ToArray()) }]), "photos[2]");
        await Expect(Report(121.47, 31.23, [good]), "location");                        // Shanghai
        await Expect(Report(116.45, 39.50, [good]), "location");                        // in the extent, outside the district
        await Expect(Report(116.705, 39.955, [good], category: "sensor_alarm"), "category"); // not offered to a report
        await Expect(Report(116.705, 39.955, [good], category: "ufo"), "category");
        await Expect(Report(116.705, 39.955, [good], description: "  "), "description");
        Assert.Equal(cases, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents"));
        Assert.Equal(photos, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incident_photos"));
    }

    [Fact]
    public async Task Open_cases_within_50_m_in_the_same_category_are_offered_as_duplicates()
    {
        await GridFixtures.CellAsync(db.DataSource, "RD", 116.80, 39.95, 0.01, "李网格");
        await using var app = App(db.ConnectionString);
        var http = app.CreateClient();
        async Task<long> File(double lon, double lat, string category = "sanitation") =>
            (await (await http.PostAsJsonAsync("/api/incidents", Report(lon, lat, category: category))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var near = await File(116.8050, 39.9550);
        var far = await File(116.8050 + 0.0010, 39.9550);      // ~68 m east of the query point
        var other = await File(116.8051, 39.9550, "road_damage");
        var closed = await File(116.8050, 39.9551);
        await using (var cmd = db.DataSource.CreateCommand("UPDATE incidents SET status = 'closed', closed_at = now() WHERE id = $1"))
        {
            cmd.Parameters.AddWithValue(closed);
            await cmd.ExecuteNonQueryAsync();
        }

        var list = await http.GetFromJsonAsync<JsonElement>("/api/incidents/nearby-open?lon=116.8052&lat=39.9550&category=sanitation");
        var ids = list.EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.Equal([near], ids);
        var first = list[0];
        Assert.InRange(first.GetProperty("distance_m").GetDouble(), 16, 18); // 0.0002° of longitude at 39.955° N ≈ 17.1 m
        Assert.Equal("reported", first.GetProperty("status").GetString());
        var json = list.GetRawText();
        Assert.DoesNotContain("13800000000", json);
        Assert.DoesNotContain("description", json);
        Assert.DoesNotContain(far.ToString(), ids.Select(i => i.ToString()));
        Assert.DoesNotContain(other, ids);

        var bad = await http.GetAsync("/api/incidents/nearby-open?lon=121.47&lat=31.23&category=sanitation");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("location", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Public_case_page_shows_status_and_steps_but_never_contact_description_or_notes()
    {
        await GridFixtures.CellAsync(db.DataSource, "RS", 116.90, 39.95, 0.01, "周网格");
        await using var app = App(db.ConnectionString);
        var http = app.CreateClient();
        var created = await (await http.PostAsJsonAsync("/api/incidents", Report(116.905, 39.955, description: "楼下住户王五家门口 垃圾"))).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetInt64();
        var manager = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "周网格");
        var planner = await GridFixtures.ClientAsync(app, db, GeoRoles.Planner);
        var step = await planner.PostAsJsonAsync($"/api/incidents/{id}/transitions",
            new { action = "register", version = created.GetProperty("version").GetUInt32(), note = "内部备注：联系赵六", lon = 116.905, lat = 39.955 });
        Assert.Equal(HttpStatusCode.OK, step.StatusCode);

        var api = await http.GetAsync($"/api/incidents/{id}/public");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        var json = await api.Content.ReadAsStringAsync();
        var page = await http.GetAsync($"/cases/{id}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        // the static render encodes non-ASCII as character references: compare the text a browser shows
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        var en = WebUtility.HtmlDecode(await http.GetStringAsync($"/cases/{id}?lang=en"));
        foreach (var text in new[] { json, html, en })
        {
            Assert.DoesNotContain("13800000000", text);
            Assert.DoesNotContain("张三", text);
            Assert.DoesNotContain("王五", text);
            Assert.DoesNotContain("赵六", text);
            Assert.DoesNotContain("周网格", text);
        }
        var body = JsonDocument.Parse(json).RootElement;
        Assert.Equal("registered", body.GetProperty("status").GetString());
        Assert.Equal(["reported", "registered"], body.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        Assert.Contains("已立案", html);
        Assert.Contains("lang=\"zh-CN\"", html);
        Assert.Contains("registered", en);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/incidents/999999999/public")).StatusCode);
        _ = manager;
    }
}
