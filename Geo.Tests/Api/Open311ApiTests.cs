using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Geo.Core.Domain;
using Geo.Core.Accounts;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

public sealed class Open311ApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static FormUrlEncodedContent Form(params (string K, string V)[] fields) => new(fields.Select(f => KeyValuePair.Create(f.K, f.V)));

    [Fact]
    public async Task GeoReport_v2_clients_list_services_submit_and_track_requests()
    {
        await GridFixtures.CellAsync(db.DataSource, "OP", 116.60, 39.90, 0.01, "吴网格");
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();

        var services = await http.GetFromJsonAsync<JsonElement>("/open311/v2/services.json");
        var codes = services.EnumerateArray().Select(s => s.GetProperty("service_code").GetString()).ToList();
        Assert.Contains("sanitation", codes);
        Assert.DoesNotContain("sensor_alarm", codes);

        var post = await http.PostAsync("/open311/v2/requests.json", Form(("service_code", "illegal_parking"), ("lat", "39.905"), ("long", "116.605"),
            ("description", "消防通道被占用"), ("email", "resident@example.org")));
        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        var id = (await post.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("service_request_id").GetInt64();

        var got = await http.GetFromJsonAsync<JsonElement>($"/open311/v2/requests.json?service_request_id={id}");
        var request = Assert.Single(got.EnumerateArray());
        Assert.Equal("open", request.GetProperty("status").GetString());
        Assert.Equal("illegal_parking", request.GetProperty("service_code").GetString());
        Assert.Equal(39.905, request.GetProperty("lat").GetDouble(), 6);
        Assert.Equal(116.605, request.GetProperty("long").GetDouble(), 6);
        // issue 12, finding 11: the assignee and staff notes are internal; the public list shows neither (the
        // agency is the command centre, never the grid manager's name)
        Assert.Equal(Geo.Api.Open311Api.PublicAgency, request.GetProperty("agency_responsible").GetString());
        Assert.Equal(JsonValueKind.Null, request.GetProperty("status_notes").ValueKind);
        var staff = await GridFixtures.ClientAsync(app, db, Geo.Core.Domain.GeoRoles.Planner);
        var seen = Assert.Single((await staff.GetFromJsonAsync<JsonElement>($"/open311/v2/requests.json?service_request_id={id}")).EnumerateArray());
        Assert.Equal("吴网格", seen.GetProperty("agency_responsible").GetString());
        Assert.False(request.TryGetProperty("email", out _));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/open311/v2/requests/{id}.json")).StatusCode);
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents WHERE id = $1 AND source = 'open311'", id));

        var unknown = await http.PostAsync("/open311/v2/requests.json", Form(("service_code", "ufo"), ("lat", "39.905"), ("long", "116.605"), ("description", "x")));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var error = (await unknown.Content.ReadFromJsonAsync<JsonElement>())[0];
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.StartsWith("service_code", error.GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("/open311/v2/requests.json", Form(("service_code", "noise"), ("lat", "31.23"), ("long", "121.47"), ("description", "x")))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/open311/v2/requests.json?status=maybe")).StatusCode);
    }

    [Fact]
    public async Task Round_trip_in_json_and_xml_keeps_every_field()
    {
        await GridFixtures.CellAsync(db.DataSource, "RT", 116.62, 39.90, 0.01, "郑网格");
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();

        // discovery, in both formats, names the endpoint and its formats
        var discovery = await http.GetFromJsonAsync<JsonElement>("/open311/v2/discovery.json");
        var endpoint = discovery.GetProperty("endpoints")[0];
        Assert.Equal("http://wiki.open311.org/GeoReport_v2", endpoint.GetProperty("specification").GetString());
        Assert.Contains("text/xml", endpoint.GetProperty("formats").EnumerateArray().Select(x => x.GetString()));
        var dx = XDocument.Parse(await http.GetStringAsync("/open311/v2/discovery.xml"));
        Assert.Equal("discovery", dx.Root!.Name.LocalName);

        // services.xml lists the same codes as services.json; a definition exists for each
        var json = (await http.GetFromJsonAsync<JsonElement>("/open311/v2/services.json")).EnumerateArray().Select(x => x.GetProperty("service_code").GetString()).ToList();
        var xres = await http.GetAsync("/open311/v2/services.xml");
        Assert.Equal("text/xml", xres.Content.Headers.ContentType?.MediaType);
        var xml = XDocument.Parse(await xres.Content.ReadAsStringAsync()).Root!.Elements("service").Select(e => (string?)e.Element("service_code")).ToList();
        Assert.Equal(json, xml);
        Assert.Equal("noise", (await http.GetFromJsonAsync<JsonElement>("/open311/v2/services/noise.json")).GetProperty("service_code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/open311/v2/services/sensor_alarm.json")).StatusCode);

        foreach (var format in new[] { "json", "xml" })
        {
            var media = $"https://img.example.org/{format}/1.jpg";
            var post = await http.PostAsync($"/open311/v2/requests.{format}", Form(("service_code", "sanitation"), ("lat", "39.9051"), ("long", "116.6252"),
                ("address_string", "通州区新华大街 1 号"), ("media_url", media), ("description", $"垃圾满溢 {format}"), ("first_name", "张")));
            Assert.Equal(HttpStatusCode.Created, post.StatusCode);
            var body = await post.Content.ReadAsStringAsync();
            var id = format == "json"
                ? JsonDocument.Parse(body).RootElement[0].GetProperty("service_request_id").GetInt64()
                : (long)XDocument.Parse(body).Root!.Element("request")!.Element("service_request_id")!;

            var fields = new Dictionary<string, string?>();
            if (format == "json")
            {
                var r = (await http.GetFromJsonAsync<JsonElement>($"/open311/v2/requests/{id}.json"))[0];
                foreach (var p in r.EnumerateObject()) fields[p.Name] = p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
            }
            else
            {
                var r = XDocument.Parse(await http.GetStringAsync($"/open311/v2/requests/{id}.xml")).Root!;
                Assert.Equal("service_requests", r.Name.LocalName);
                foreach (var e in r.Element("request")!.Elements()) fields[e.Name.LocalName] = e.Value.Length == 0 ? null : e.Value;
            }
            // every GeoReport v2 field of a request, by name
            foreach (var name in new[] { "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
                         "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url" })
                Assert.True(fields.ContainsKey(name), $"{format}: no '{name}'");
            Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), fields["service_request_id"]);
            Assert.Equal("open", fields["status"]);
            Assert.Equal("sanitation", fields["service_code"]);
            Assert.Equal($"垃圾满溢 {format}", fields["description"]);
            Assert.Equal("通州区新华大街 1 号", fields["address"]);
            Assert.Equal(media, fields["media_url"]);
            Assert.Equal(Geo.Api.Open311Api.PublicAgency, fields["agency_responsible"]); // anonymous: never the manager's name
            Assert.Equal(39.9051, double.Parse(fields["lat"]!, System.Globalization.CultureInfo.InvariantCulture), 6);
            Assert.Equal(116.6252, double.Parse(fields["long"]!, System.Globalization.CultureInfo.InvariantCulture), 6);
            Assert.True(DateTimeOffset.Parse(fields["expected_datetime"]!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.Parse(fields["requested_datetime"]!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents WHERE id = $1 AND address_string = '通州区新华大街 1 号' AND media_url = $2", id, media));
        }

        // errors keep the spec's document in each format
        var bad = await http.PostAsync("/open311/v2/requests.xml", Form(("service_code", "noise"), ("lat", "39.905"), ("long", "116.625"), ("description", "x"), ("media_url", "javascript:alert(1)")));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var err = XDocument.Parse(await bad.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("errors", err.Name.LocalName);
        Assert.Equal("400", (string?)err.Element("error")!.Element("code"));
        Assert.StartsWith("media_url", (string?)err.Element("error")!.Element("description"));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/open311/v2/services.csv")).StatusCode);
    }

    [Fact]
    public async Task Unlisted_service_codes_are_refused_for_everyone_and_api_key_is_honoured()
    {
        await GridFixtures.CellAsync(db.DataSource, "SK", 116.64, 39.90, 0.01, "钱网格");
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var before = await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents WHERE category_code = 'sensor_alarm'");

        // a hidden service is refused like an unknown one: 400 naming service_code, nothing written, no deadline disclosed
        var alarm = await http.PostAsync("/open311/v2/requests.json", Form(("service_code", "sensor_alarm"), ("lat", "39.905"), ("long", "116.645"), ("description", "fake alarm")));
        Assert.Equal(HttpStatusCode.BadRequest, alarm.StatusCode);
        var text = await alarm.Content.ReadAsStringAsync();
        Assert.Contains("service_code", text);
        Assert.DoesNotContain("sensor_alarm,", text);
        // the same through the resident API, and with a staff key
        await using (var ctx = db.CreateContext())
        {
            var key = await UserAdmin.AddApiKeyAsync(ctx, "o311-" + Guid.NewGuid().ToString("N")[..6], GeoRoles.Admin, null);
            var staff = await http.PostAsync($"/open311/v2/requests.json?api_key={key}", Form(("service_code", "sensor_alarm"), ("lat", "39.905"), ("long", "116.645"), ("description", "fake alarm")));
            Assert.Equal(HttpStatusCode.BadRequest, staff.StatusCode);

            // a valid api_key identifies the client (actor recorded); an invalid one is refused
            var ok = await http.PostAsync("/open311/v2/requests.json", Form(("api_key", key), ("service_code", "noise"), ("lat", "39.905"), ("long", "116.645"), ("description", "夜间施工")));
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
            var id = (await ok.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("service_request_id").GetInt64();
            Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incident_events WHERE incident_id = $1 AND actor LIKE '%o311-%'", id));
        }
        var wrong = await http.PostAsync("/open311/v2/requests.json", Form(("api_key", "not-a-key"), ("service_code", "noise"), ("lat", "39.905"), ("long", "116.645"), ("description", "x")));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(403, (await wrong.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("code").GetInt32());
        Assert.Equal(before, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents WHERE category_code = 'sensor_alarm'"));

        // a deployment can require the key
        await using var strict = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { [Geo.Api.Open311Api.RequireKeyKey] = "true" });
        var anonymous = await strict.CreateClient().PostAsync("/open311/v2/requests.json", Form(("service_code", "noise"), ("lat", "39.905"), ("long", "116.645"), ("description", "x")));
        Assert.Equal(HttpStatusCode.BadRequest, anonymous.StatusCode);
        Assert.Contains("api_key", await anonymous.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_retried_Open311_request_with_the_same_Idempotency_Key_is_one_request_with_the_same_service_request_id()
    {
        await GridFixtures.CellAsync(db.DataSource, "IK", 116.66, 39.92, 0.01, "郑网格");
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var description = "重复提交 " + Guid.NewGuid().ToString("N")[..8];
        HttpRequestMessage Post(string format, string key, string text) => new(HttpMethod.Post, $"/open311/v2/requests.{format}")
        {
            Content = Form(("service_code", "noise"), ("lat", "39.925"), ("long", "116.665"), ("description", text)),
            Headers = { { "Idempotency-Key", key } },
        };

        var key = Guid.NewGuid().ToString();
        var first = await http.SendAsync(Post("json", key, description));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("service_request_id").GetInt64();
        // the retry after a timeout (JSON or XML): the same id, marked as a replay, nothing written twice
        var retry = await http.SendAsync(Post("json", key, description));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(id, (await retry.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("service_request_id").GetInt64());
        var xml = await http.SendAsync(Post("xml", key, description));
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), XDocument.Parse(await xml.Content.ReadAsStringAsync()).Descendants("service_request_id").Single().Value);
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents WHERE description = $1", description));
        // concurrent retries: still one
        var key2 = Guid.NewGuid().ToString();
        var burst = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => http.SendAsync(Post("json", key2, description + " b"))));
        Assert.All(burst, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents WHERE description = $1", description + " b"));

        // the key reused for a different report: 422 naming the header, in GeoReport's error shape; a bad key: 400
        var reused = await http.SendAsync(Post("json", key, description + " other"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.StartsWith("Idempotency-Key", (await reused.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("description").GetString());
        var bad = await http.SendAsync(Post("json", new string('k', 300), description + " bad"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.StartsWith("Idempotency-Key", (await bad.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("description").GetString());
        // without a key every post is a new request (GeoReport v2 as before)
        var a = await http.PostAsync("/open311/v2/requests.json", Form(("service_code", "noise"), ("lat", "39.925"), ("long", "116.665"), ("description", description + " n")));
        var b = await http.PostAsync("/open311/v2/requests.json", Form(("service_code", "noise"), ("lat", "39.925"), ("long", "116.665"), ("description", description + " n")));
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (a.StatusCode, b.StatusCode));
        Assert.Equal(2, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents WHERE description = $1", description + " n"));
    }
}
