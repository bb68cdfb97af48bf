using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Geo.Tests.Api;

public sealed class IncidentsApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static object Report(double lon, double lat, string category = "sanitation", string? photo = null, string description = "垃圾桶满溢 overflowing bin") =>
        new { category, lon, lat, description, photo_base64 = photo };

    private static async Task<JsonElement> Json(HttpResponseMessage res) => await res.Content.ReadFromJsonAsync<JsonElement>();

    private static async Task<HttpResponseMessage> ActAsync(HttpClient http, long id, string action, uint version, string? note = null) =>
        await http.PostAsJsonAsync($"/api/incidents/{id}/transitions", new { action, version, note, lon = 116.6005, lat = 39.9005 });

    [Fact]
    public async Task Resident_report_is_located_to_cell_assigned_to_its_manager_and_audited()
    {
        var (community, cell) = await GridFixtures.CellAsync(db.DataSource, "IA", 116.60, 39.90, 0.01, "张网格");
        await using var app = new GeoWebFactory(db.ConnectionString);
        var res = await app.CreateClient().PostAsJsonAsync("/api/incidents", Report(116.605, 39.905, photo: GridFixtures.TinyPng));
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        var body = await Json(res);
        Assert.Equal(cell, body.GetProperty("grid_cell_id").GetInt64());
        Assert.Equal(community, body.GetProperty("community_id").GetInt64());
        Assert.Equal("张网格", body.GetProperty("assignee").GetString());
        Assert.Equal("reported", body.GetProperty("status").GetString());
        Assert.Equal("resident", body.GetProperty("source").GetString());
        Assert.True(body.GetProperty("deadline_at").GetDateTimeOffset() > body.GetProperty("reported_at").GetDateTimeOffset());

        var manager = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "张网格");
        var id = body.GetProperty("id").GetInt64();
        var detail = await manager.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.Equal("report", detail.GetProperty("events")[0].GetProperty("action").GetString());
        Assert.Equal("anonymous", detail.GetProperty("events")[0].GetProperty("actor").GetString());
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync($"/api/incidents/{id}/photo")).StatusCode);
        // another cell's manager does not see it
        var stranger = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "李网格");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/incidents/{id}")).StatusCode);
    }

    [Fact]
    public async Task Bad_reports_get_a_clear_4xx_naming_the_field_and_write_nothing()
    {
        await GridFixtures.CellAsync(db.DataSource, "IB", 116.70, 39.80, 0.01, "赵网格");
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var before = await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents");

        async Task Expect(object body, HttpStatusCode status, string field)
        {
            var res = await http.PostAsJsonAsync("/api/incidents", body);
            Assert.Equal(status, res.StatusCode);
            Assert.Contains(field, await res.Content.ReadAsStringAsync());
        }
        await Expect(Report(121.47, 31.23), HttpStatusCode.BadRequest, "location");            // Shanghai
        await Expect(Report(116.45, 39.50), HttpStatusCode.BadRequest, "outside Tongzhou");    // in the extent, in no district
        await Expect(Report(116.705, 39.805, category: "ufo"), HttpStatusCode.BadRequest, "category");
        await Expect(new { category = "sanitation", lon = 116.705, lat = 39.805, description = "" }, HttpStatusCode.BadRequest, "description");
        await Expect(Report(116.705, 39.805, photo: Convert.ToBase64String(new byte[3 * 1024 * 1024])), HttpStatusCode.RequestEntityTooLarge, "photo");
        await Expect(Report(116.705, 39.805, photo: Convert.ToBase64String("not an image"u8.ToArray())), HttpStatusCode.BadRequest, "photo");
        Assert.Equal(before, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incidents"));
    }

    [Fact]
    public async Task Workflow_runs_to_closed_with_every_step_audited_and_refuses_invalid_steps()
    {
        await GridFixtures.CellAsync(db.DataSource, "IC", 116.62, 39.90, 0.01, "王网格");
        await using var app = new GeoWebFactory(db.ConnectionString);
        var planner = await GridFixtures.ClientAsync(app, db, GeoRoles.Planner);
        var manager = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "王网格");
        var supervisor = await GridFixtures.ClientAsync(app, db, GeoRoles.Supervisor);
        var created = await Json(await planner.PostAsJsonAsync("/api/incidents", Report(116.625, 39.905, "road_damage")));
        Assert.Equal("staff", created.GetProperty("source").GetString());
        var id = created.GetProperty("id").GetInt64();
        var version = created.GetProperty("version").GetUInt32();

        // invalid: closing a freshly reported case → 409 naming the field; unknown action → 400; wrong role → 403
        var invalid = await ActAsync(planner, id, "close", version);
        Assert.Equal(HttpStatusCode.Conflict, invalid.StatusCode);
        Assert.Equal("action", (await Json(invalid)).GetProperty("parameter").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await ActAsync(planner, id, "teleport", version)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ActAsync(manager, id, "register", version)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await planner.PostAsJsonAsync($"/api/incidents/{id}/transitions", new { action = "register" })).StatusCode);

        foreach (var (who, action) in new[] { (planner, "register"), (planner, "dispatch"), (manager, "start"), (manager, "resolve"), (supervisor, "verify"), (planner, "close") })
        {
            var res = await ActAsync(who, id, action, version, note: $"{action} done");
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            version = (await Json(res)).GetProperty("version").GetUInt32();
        }
        var detail = await planner.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.Equal("closed", detail.GetProperty("incident").GetProperty("status").GetString());
        var events = detail.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["report", "register", "dispatch", "start", "resolve", "verify", "close"], events.Select(e => e.GetProperty("action").GetString()));
        Assert.All(events.Skip(1), e =>
        {
            Assert.False(string.IsNullOrEmpty(e.GetProperty("actor").GetString()));
            Assert.Equal(116.6005, e.GetProperty("lon").GetDouble(), 6);
            Assert.EndsWith("done", e.GetProperty("note").GetString());
        });
        Assert.Equal(["reopen"], detail.GetProperty("next_actions").EnumerateArray().Select(a => a.GetString()));
        // a stale version is refused even when the step would be valid
        Assert.Equal(HttpStatusCode.Conflict, (await ActAsync(planner, id, "reopen", version - 1)).StatusCode);
    }

    [Fact]
    public async Task Steps_that_leave_a_record_need_a_note_and_the_handler_never_verifies_their_own_work()
    {
        await GridFixtures.CellAsync(db.DataSource, "IV", 116.66, 39.90, 0.01, "冯网格");
        await using var app = new GeoWebFactory(db.ConnectionString);
        var admin = await GridFixtures.ClientAsync(app, db, GeoRoles.Admin);
        var otherAdmin = await GridFixtures.ClientAsync(app, db, GeoRoles.Admin);
        var manager = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "冯网格");
        var supervisor = await GridFixtures.ClientAsync(app, db, GeoRoles.Supervisor);
        var created = await Json(await admin.PostAsJsonAsync("/api/incidents", Report(116.665, 39.905, "road_damage")));
        var id = created.GetProperty("id").GetInt64();
        var version = created.GetProperty("version").GetUInt32();
        async Task<uint> Step(HttpClient who, string action, string? note)
        {
            var res = await ActAsync(who, id, action, version, note);
            Assert.True(res.StatusCode == HttpStatusCode.OK, $"{action}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
            return version = (await Json(res)).GetProperty("version").GetUInt32();
        }
        async Task Refused(HttpClient who, string action, string? note, HttpStatusCode status, string parameter, string? detail = null)
        {
            var res = await ActAsync(who, id, action, version, note);
            Assert.Equal(status, res.StatusCode);
            var problem = await Json(res);
            Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
            if (detail is not null) Assert.Contains(detail, problem.GetProperty("detail").GetString());
        }
        await Step(admin, "register", null);
        await Step(admin, "dispatch", null);
        // the admin handles the case themselves (start, then 反馈 without a note is refused, with a note accepted)
        await Step(admin, "start", null);
        await Refused(admin, "resolve", "   ", HttpStatusCode.BadRequest, "note");
        await Step(admin, "resolve", "路面已修补");
        // whoever handled it cannot give the verdict, admin or not, either way; a grid manager may not at all
        await Refused(admin, "verify", "自查通过", HttpStatusCode.Forbidden, "action", "separation of duties");
        await Refused(admin, "reject", "自己退回", HttpStatusCode.Forbidden, "action", "separation of duties");
        await Refused(manager, "verify", "通过", HttpStatusCode.Forbidden, "action");
        await Refused(supervisor, "verify", null, HttpStatusCode.BadRequest, "note");
        // 核查不通过 by a supervisor sends it back to handling; the second 反馈 is the manager's, the verdict another admin's
        await Step(supervisor, "reject", "裂缝仍在");
        await Step(manager, "resolve", "重新修补");
        await Step(otherAdmin, "verify", "复查合格");
        await using var ctx = db.CreateContext();
        var events = await ctx.IncidentEvents.Where(e => e.IncidentId == id).OrderBy(e => e.Id).Select(e => new { e.Action, e.ActorRole, e.Note }).ToListAsync();
        Assert.Equal(["report", "register", "dispatch", "start", "resolve", "reject", "resolve", "verify"], events.Select(e => e.Action));
        Assert.All(events.Where(e => IncidentWorkflow.TryParseAction(e.Action, out var a) && IncidentWorkflow.NeedsNote(a)), e => Assert.False(string.IsNullOrWhiteSpace(e.Note)));
        Assert.Equal(GeoRoles.Supervisor, events[5].ActorRole);
    }

    [Fact]
    public async Task Case_list_finds_by_number_text_and_place_and_pages_by_keyset_with_no_case_lost_or_repeated()
    {
        await GridFixtures.CellAsync(db.DataSource, "IK", 116.68, 39.90, 0.01, "褚网格");
        await GridFixtures.CellAsync(db.DataSource, "IL", 116.70, 39.90, 0.01, "卫网格");
        await using var app = new GeoWebFactory(db.ConnectionString);
        var planner = await GridFixtures.ClientAsync(app, db, GeoRoles.Planner);
        var ids = new List<long>();
        for (var n = 0; n < 7; n++)
            ids.Add((await Json(await planner.PostAsJsonAsync("/api/incidents", Report(116.685, 39.905, description: $"路灯不亮 第{n}号 100%亮度")))).GetProperty("id").GetInt64());
        var other = (await Json(await planner.PostAsJsonAsync("/api/incidents", Report(116.705, 39.905, description: "井盖缺失")))).GetProperty("id").GetInt64();

        // keyset pages of 3 over this cell's cases, following Link rel=next to the end: each case once, newest first
        var seen = new List<long>();
        var url = $"/api/incidents?q={Uri.EscapeDataString("路灯不亮")}&limit=3";
        for (var pages = 0; url is not null; pages++)
        {
            Assert.True(pages < 10, "the pages never ended");
            var res = await planner.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            seen.AddRange((await Json(res)).EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
            url = res.Headers.TryGetValues("Link", out var link) ? System.Text.RegularExpressions.Regex.Match(link.Single(), "<([^>]+)>; rel=\"next\"").Groups[1].Value : null;
        }
        Assert.Equal(ids.OrderDescending(), seen);

        async Task<List<long>> Find(string q) => (await planner.GetFromJsonAsync<JsonElement>($"/api/incidents?q={Uri.EscapeDataString(q)}&limit=100"))
            .EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.Equal([other], await Find("井盖"));
        Assert.Equal([ids[2]], await Find($"#{ids[2]}"));
        Assert.Equal([other], await Find(other.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([other], await Find("测试communityIL"));            // by the community's name
        Assert.Equal(ids.OrderDescending(), await Find("100%亮"));         // % is a character, not a wildcard
        Assert.Empty(await Find("100%井"));
        Assert.Empty(await Find("路灯_亮"));                               // and _ too

        async Task Bad(string query, string parameter)
        {
            var res = await planner.GetAsync("/api/incidents?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            Assert.Equal(parameter, (await Json(res)).GetProperty("parameter").GetString());
        }
        await Bad("after=n.abc", "after");
        await Bad("after=u.1.5.7", "after");      // an urgency cursor on the newest-first list
        await Bad("sort=random", "sort");
        await Bad("q=" + new string('字', 101), "q");
        await Bad("after=n.5&offset=3", "after");
    }

    [Fact]
    public async Task Two_managers_acting_on_one_case_at_once_one_wins_the_other_gets_409()
    {
        await GridFixtures.CellAsync(db.DataSource, "ID", 116.64, 39.90, 0.01, "陈网格");
        await using var app = new GeoWebFactory(db.ConnectionString);
        var a = await GridFixtures.ClientAsync(app, db, GeoRoles.Planner);
        var b = await GridFixtures.ClientAsync(app, db, GeoRoles.Planner);
        for (var round = 0; round < 5; round++)
        {
            var created = await Json(await a.PostAsJsonAsync("/api/incidents", Report(116.645, 39.905)));
            var id = created.GetProperty("id").GetInt64();
            var v = created.GetProperty("version").GetUInt32();
            var results = await Task.WhenAll(ActAsync(a, id, "register", v), ActAsync(b, id, "reject", v, note: "重复上报"));
            Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
            var loser = Assert.Single(results, r => r.StatusCode == HttpStatusCode.Conflict);
            Assert.Equal("version", (await Json(loser)).GetProperty("parameter").GetString());
            Assert.Equal(2, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM incident_events WHERE incident_id = $1", id));
        }
    }
}
