using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
        // issue 12, finding 11: the assignee and staff notes are internal; the public list shows neither
        Assert.Equal(JsonValueKind.Null, request.GetProperty("agency_responsible").ValueKind);
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
}
