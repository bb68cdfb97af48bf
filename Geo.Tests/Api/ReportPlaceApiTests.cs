using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Core.Incidents;
using Geo.Tests.Core;
using Geo.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Geo.Tests.Api;

/// <summary>Categories offered by place (one rule for the form, POST /api/incidents and Open311), Open311 photos as a
/// multipart <c>media</c> file through the same intake.</summary>
public sealed class ReportPlaceApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static GeoWebFactory App(string cs) => new(cs, new Dictionary<string, string?> { ["Hardening:ReportsPerMinute"] = "1000" });

    private async Task AreaCategoryAsync(string code, long regionId)
    {
        await using (var cmd = db.DataSource.CreateCommand("INSERT INTO incident_categories (code, name_zh, name_en, time_limit_hours) VALUES ($1, '运河垃圾', 'Canal litter', 24)"))
        {
            cmd.Parameters.AddWithValue(code);
            await cmd.ExecuteNonQueryAsync();
        }
        await using (var cmd = db.DataSource.CreateCommand("INSERT INTO incident_category_areas (category_code, region_id) VALUES ($1, $2)"))
        {
            cmd.Parameters.AddWithValue(code);
            cmd.Parameters.AddWithValue(regionId);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The independent answer: the community polygons themselves, asked with ST_Intersects.</summary>
    private async Task<bool> InRegionAsync(long regionId, double lon, double lat) =>
        await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM regions WHERE id = $1 AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($2, $3), 4326))", regionId, lon, lat) == 1;

    [Fact]
    public async Task A_category_with_an_area_is_offered_and_accepted_only_inside_it_by_the_form_rule_the_api_and_open311()
    {
        var (canal, _) = await GridFixtures.CellAsync(db.DataSource, "PA", 116.60, 39.80, 0.01, "运网格");
        await GridFixtures.CellAsync(db.DataSource, "PB", 116.62, 39.80, 0.01, "河网格");
        await AreaCategoryAsync("canal_litter", canal);
        await using var app = App(db.ConnectionString);
        var http = app.CreateClient();
        var rule = app.Services.GetRequiredService<ReportCategories>();
        (double Lon, double Lat) inside = (116.605, 39.805), outside = (116.625, 39.805);
        Assert.True(await InRegionAsync(canal, inside.Lon, inside.Lat));
        Assert.False(await InRegionAsync(canal, outside.Lon, outside.Lat));

        // the rule: offered inside, not outside; every other reportable category offered at both, sensor alarms at neither
        var at = (await rule.AtAsync(inside.Lon, inside.Lat)).Select(c => c.Code).ToList();
        var notAt = (await rule.AtAsync(outside.Lon, outside.Lat)).Select(c => c.Code).ToList();
        Assert.Contains("canal_litter", at);
        Assert.DoesNotContain("canal_litter", notAt);
        Assert.DoesNotContain(IncidentIntake.SensorAlarmCategory, at);
        Assert.Equal(at.Where(c => c != "canal_litter"), notAt);
        Assert.Contains("canal_litter", (await rule.AnywhereAsync()).Select(c => c.Code));

        // POST /api/incidents: the same rule in the intake's own statement
        var ok = await http.PostAsJsonAsync("/api/incidents", new { category = "canal_litter", lon = inside.Lon, lat = inside.Lat, description = "河边垃圾" });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var cases = await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents");
        var bad = await http.PostAsJsonAsync("/api/incidents", new { category = "canal_litter", lon = outside.Lon, lat = outside.Lat, description = "河边垃圾" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.StartsWith("application/problem+json", bad.Content.Headers.ContentType?.ToString());
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("category", problem.GetProperty("parameter").GetString());
        Assert.Contains("not offered", problem.GetProperty("detail").GetString());
        Assert.Equal(cases, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents"));

        // Open311: services at a place, and a request filed where the service is not offered
        async Task<List<string>> Services(string query) =>
            (await http.GetFromJsonAsync<JsonElement>($"/open311/v2/services.json{query}")).EnumerateArray().Select(e => e.GetProperty("service_code").GetString()!).ToList();
        Assert.Equal(at, await Services($"?lat={inside.Lat}&long={inside.Lon}"));
        Assert.Equal(notAt, await Services($"?lat={outside.Lat}&long={outside.Lon}"));
        Assert.Contains("canal_litter", await Services(""));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/open311/v2/services.json?lat=31.23&long=121.47")).StatusCode);
        var o311 = await http.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["service_code"] = "canal_litter", ["lat"] = outside.Lat.ToString("R"), ["long"] = outside.Lon.ToString("R"), ["description"] = "河边垃圾",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, o311.StatusCode);
        Assert.StartsWith("service_code:", (await o311.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("description").GetString());
        Assert.Equal(cases, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents"));
    }

    private static MultipartFormDataContent Open311Form(double lon, double lat, byte[]? media, string type = "image/jpeg")
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("sanitation"), "service_code" },
            { new StringContent(lat.ToString("R")), "lat" },
            { new StringContent(lon.ToString("R")), "long" },
            { new StringContent("垃圾 with a photo"), "description" },
        };
        if (media is not null)
        {
            var file = new ByteArrayContent(media);
            file.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(file, "media", "photo.jpg");
        }
        return form;
    }

    [Fact]
    public async Task Open311_takes_a_multipart_media_photo_through_the_same_intake_stripped_of_exif()
    {
        await GridFixtures.CellAsync(db.DataSource, "PM", 116.64, 39.80, 0.01, "媒网格");
        await using var app = App(db.ConnectionString);
        var http = app.CreateClient();
        var photo = ExifPhotos.WithGps(IncidentPhotoStripTests.Jpeg(exif: false), 116.645, 39.805);
        Assert.Contains("Exif", Encoding.Latin1.GetString(photo));

        var res = await http.PostAsync("/open311/v2/requests.json", Open311Form(116.645, 39.805, photo));
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        var id = (await res.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("service_request_id").GetInt64();
        await using (var cmd = db.DataSource.CreateCommand("SELECT data FROM incident_photos WHERE incident_id = $1"))
        {
            cmd.Parameters.AddWithValue(id);
            var stored = (byte[])(await cmd.ExecuteScalarAsync())!;
            Assert.Equal(IncidentPhotoStripTests.Jpeg(exif: false), stored); // exactly the image without its EXIF
        }

        var cases = await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents");
        var notImage = await http.PostAsync("/open311/v2/requests.json", Open311Form(116.645, 39.805, "hello, not a photo"u8.ToArray(), "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, notImage.StatusCode);
        Assert.StartsWith("media:", (await notImage.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("description").GetString());
        var big = new byte[IncidentPhotos.MaxBytes + 1];
        photo.CopyTo(big, 0);
        var tooLarge = await http.PostAsync("/open311/v2/requests.json", Open311Form(116.645, 39.805, big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.StartsWith("media:", (await tooLarge.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("description").GetString());
        Assert.Equal(cases, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents"));
    }
}

/// <summary>Nothing half-filed: when writing a photo fails in the database, the case (and its event and idempotency key)
/// is not written either. Its own database: the failing trigger must not touch other tests.</summary>
public sealed class ReportAtomicityTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task A_failing_photo_write_rolls_back_the_case()
    {
        await GridFixtures.CellAsync(db.DataSource, "AT", 116.66, 39.80, 0.01, "原网格");
        await using (var cmd = db.DataSource.CreateCommand("""
            CREATE FUNCTION fail_photo() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full (test)'; END $$;
            CREATE TRIGGER fail_photo BEFORE INSERT ON incident_photos FOR EACH ROW EXECUTE FUNCTION fail_photo();
            """))
            await cmd.ExecuteNonQueryAsync();
        await using var app = new GeoWebFactory(db.ConnectionString);
        var intake = app.Services.GetRequiredService<IncidentIntake>();
        var before = await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents");
        var photo = IncidentPhotos.FromBytes(IncidentPhotoStripTests.Jpeg(), null);
        var ex = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => intake.ReportOnceAsync(new IncidentReport(
            "sanitation", 116.665, 39.805, "atomicity probe", IncidentSource.Resident, "anonymous", GeoRoles.Resident, Photos: [photo]),
            Guid.NewGuid().ToString(), DateTimeOffset.UtcNow));
        Assert.Contains("disk full", ex.MessageText);
        Assert.Equal(before, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents"));
        Assert.Equal(0, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incident_events e JOIN incidents i ON i.id = e.incident_id WHERE i.description = 'atomicity probe'"));
        Assert.Equal(0, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incident_idempotency"));

        // without photos the same report is written (the trigger fires only for photo rows): the failure was the photo's
        var (ok, _) = await intake.ReportOnceAsync(new IncidentReport(
            "sanitation", 116.665, 39.805, "atomicity probe", IncidentSource.Resident, "anonymous", GeoRoles.Resident), null, DateTimeOffset.UtcNow);
        Assert.Equal(before + 1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents"));
        Assert.True(ok.Id > 0);
    }
}
