using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

/// <summary>POST /api/incidents with an <c>Idempotency-Key</c>: a report retried after a lost answer is written once.</summary>
public sealed class IncidentIdempotencyTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static HttpRequestMessage Report(string? key, string description = "井盖缺失 missing cover", double lon = 116.501, double lat = 39.501)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, "/api/incidents")
        {
            Content = JsonContent.Create(new { category = "sanitation", lon, lat, description }),
        };
        if (key is not null) req.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return req;
    }

    [Fact]
    public async Task A_retried_report_with_the_same_key_is_one_case_even_when_the_retries_race()
    {
        await GridFixtures.CellAsync(db.DataSource, "ID", 116.50, 39.50, 0.01, "周网格");
        await using var app = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { ["Hardening:ReportsPerMinute"] = "1000" });
        var http = app.CreateClient();

        var key = Guid.NewGuid().ToString();
        var first = await http.SendAsync(Report(key));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var again = await http.SendAsync(Report(key));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        var body = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, body.GetProperty("id").GetInt64());
        Assert.Equal("周网格", body.GetProperty("assignee").GetString());
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents WHERE description = '井盖缺失 missing cover'"));
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incident_events WHERE incident_id = $1", id));

        // twelve racing retries of a new key: one case, every answer names it
        var raced = Guid.NewGuid().ToString();
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => http.SendAsync(Report(raced, "竞态 race"))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        var ids = await Task.WhenAll(answers.Select(async a => (await a.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64()));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents WHERE description = '竞态 race'"));

        // without a key, or with another key, a report is a new case
        Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(Report(null))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(Report(Guid.NewGuid().ToString()))).StatusCode);
        Assert.Equal(3, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents WHERE description = '井盖缺失 missing cover'"));

        // the same key from another reporter is theirs alone
        var staff = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "周网格");
        var theirs = await staff.SendAsync(Report(key));
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
        Assert.NotEqual(id, (await theirs.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task A_key_reused_for_another_report_or_malformed_is_refused_and_writes_nothing()
    {
        await GridFixtures.CellAsync(db.DataSource, "IE", 116.52, 39.52, 0.01, "吴网格");
        await using var app = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { ["Hardening:ReportsPerMinute"] = "1000" });
        var http = app.CreateClient();
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(Report(key, "路灯不亮 lamp out", 116.521, 39.521))).StatusCode);
        var before = await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents");
        var reused = await http.SendAsync(Report(key, "另一件事 something else", 116.521, 39.521));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("Idempotency-Key", (await reused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("parameter").GetString());
        foreach (var bad in new[] { new string('k', 256), "has space", "tab\tkey" })
        {
            var res = await http.SendAsync(Report(bad, "路灯不亮 lamp out", 116.521, 39.521));
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            Assert.Equal("Idempotency-Key", (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("parameter").GetString());
        }
        Assert.Equal(before, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents"));
    }
}
