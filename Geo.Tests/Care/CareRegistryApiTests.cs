using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Care;

/// <summary>The quick-help registry over HTTP: who may see which community's households, encryption at rest read off
/// the raw rows, the audit of every read and change, exports without personal fields, optimistic concurrency.</summary>
public sealed class CareRegistryApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static object Household(double lon, double lat, string name, string contact, uint? version = null) => new
    {
        lon, lat, category = "elderly_alone", name, contact, address = "3号楼2单元501", needs = "行动不便，每日送餐", synthetic = true, version,
    };

    private static async Task<JsonElement> Json(HttpResponseMessage res) => await res.Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task Only_staff_of_the_community_and_admins_see_households_and_every_read_and_change_is_audited()
    {
        var (communityA, _) = await GridFixtures.CellAsync(db.DataSource, "CRA", 116.60, 39.90, 0.01, "甲网格");
        var (communityB, _) = await GridFixtures.CellAsync(db.DataSource, "CRB", 116.70, 39.90, 0.01, "乙网格");
        await using var app = new GeoWebFactory(db.ConnectionString);
        var admin = await GridFixtures.ClientAsync(app, db, GeoRoles.Admin);
        var staffA = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "甲网格");
        var staffB = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "乙网格");
        var planner = await GridFixtures.ClientAsync(app, db, GeoRoles.Planner);
        var anonymous = app.CreateClient();

        // community A's staff registers a household in A; B's staff cannot register one there
        var created = await staffA.PostAsJsonAsync("/api/care-registry", Household(116.605, 39.905, "王秀英", "13900001111"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var rec = await Json(created);
        var id = rec.GetProperty("id").GetInt64();
        Assert.Equal(communityA, rec.GetProperty("community_id").GetInt64());
        Assert.Equal("王秀英", rec.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await staffB.PostAsJsonAsync("/api/care-registry", Household(116.605, 39.905, "李四", "1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await staffB.PostAsJsonAsync("/api/care-registry", Household(116.705, 39.905, "赵六", "13900002222"))).StatusCode);

        // reads: A sees its one household; B neither lists nor opens it (404: existence not disclosed) nor asks for A
        var listA = await Json(await staffA.GetAsync("/api/care-registry"));
        Assert.Equal(1, listA.GetProperty("total").GetInt32());
        Assert.Equal(id, listA.GetProperty("records")[0].GetProperty("id").GetInt64());
        var listB = await Json(await staffB.GetAsync("/api/care-registry"));
        Assert.DoesNotContain(listB.GetProperty("records").EnumerateArray(), r => r.GetProperty("id").GetInt64() == id);
        Assert.Equal(HttpStatusCode.NotFound, (await staffB.GetAsync($"/api/care-registry/{id}")).StatusCode);
        var forbidden = await staffB.GetAsync($"/api/care-registry?community_id={communityA}");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("community_id", await forbidden.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await staffB.PutAsJsonAsync($"/api/care-registry/{id}", new { contact = "x", version = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffB.GetAsync($"/api/care-registry/unreached?community_id={communityA}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffB.GetAsync($"/api/care-registry/export?community_id={communityA}")).StatusCode);
        // planners see aggregates, never persons; anonymous users nothing at all
        Assert.Equal(HttpStatusCode.Forbidden, (await planner.GetAsync("/api/care-registry")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await planner.GetAsync($"/api/care-registry/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await planner.GetAsync("/api/care-registry/reach")).StatusCode);
        foreach (var path in new[] { "/api/care-registry", $"/api/care-registry/{id}", "/api/care-registry/reach", "/api/care-registry/unreached", "/api/care-registry/export" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/care-registry", Household(116.605, 39.905, "x", "y"))).StatusCode);
        // admins see every community
        Assert.Equal(2, (await Json(await admin.GetAsync("/api/care-registry"))).GetProperty("total").GetInt32());

        // a change under optimistic concurrency: stale version 409, current one applied, audited by field name only
        var version = (await Json(await staffA.GetAsync($"/api/care-registry/{id}"))).GetProperty("version").GetUInt32();
        var stale = await staffA.PutAsJsonAsync($"/api/care-registry/{id}", new { contact = "13900003333", version = version + 1 });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(version, (await Json(stale)).GetProperty("current_version").GetUInt32());
        var updated = await Json(await staffA.PutAsJsonAsync($"/api/care-registry/{id}", new { contact = "13900003333", version }));
        Assert.Equal("13900003333", updated.GetProperty("contact").GetString());
        Assert.Equal("王秀英", updated.GetProperty("name").GetString());
        Assert.NotEqual(version, updated.GetProperty("version").GetUInt32());

        // exports carry no personal field, in json or csv
        var export = await staffA.GetStringAsync("/api/care-registry/export");
        var csv = await staffA.GetStringAsync("/api/care-registry/export?format=csv");
        foreach (var text in new[] { export, csv })
        {
            foreach (var secret in new[] { "王秀英", "1390000", "501", "送餐" }) Assert.DoesNotContain(secret, text);
            Assert.Contains(id.ToString(System.Globalization.CultureInfo.InvariantCulture), text);
        }
        Assert.DoesNotContain("\"lon\"", export);
        Assert.DoesNotContain("\"lat\"", export);
        Assert.StartsWith("id,community_code,building_id,category,synthetic,station_min,kiosk_min\n", csv);

        // the audit: every read and change by whom, without values
        var audit = await Json(await admin.GetAsync($"/api/care-registry/audit?record_id={id}"));
        var actions = audit.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        foreach (var a in new[] { "create", "list", "read", "update", "export" }) Assert.Contains(a, actions);
        var update = audit.EnumerateArray().First(e => e.GetProperty("action").GetString() == "update");
        Assert.Equal("contact", update.GetProperty("detail").GetString());
        Assert.Equal(GeoRoles.GridManager, update.GetProperty("actor_role").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await staffA.GetAsync("/api/care-registry/audit")).StatusCode);
        Assert.True(await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM care_registry_audit WHERE action = 'reach' AND actor_role = 'planner'") >= 1);

        // at rest: no plaintext personal field anywhere in the rows or the audit, as text or as UTF-8 bytes
        var raw = new StringBuilder();
        await using (var cmd = db.DataSource.CreateCommand("SELECT row_to_json(r)::text FROM care_registry r UNION ALL SELECT row_to_json(a)::text FROM care_registry_audit a"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) raw.AppendLine(r.GetString(0));
        var rows = raw.ToString();
        Assert.Contains("\\\\x0207", rows); // the bytea ciphertext: version byte 2, then the key id (7 bytes: "default")
        foreach (var secret in new[] { "王秀英", "13900003333", "13900001111", "3号楼2单元501", "每日送餐", "赵六" })
        {
            Assert.DoesNotContain(secret, rows);
            Assert.DoesNotContain(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(secret)), rows);
        }

        // delete needs the version; afterwards the record is gone and the deletion audited
        var current = (await Json(await staffA.GetAsync($"/api/care-registry/{id}"))).GetProperty("version").GetUInt32();
        Assert.Equal(HttpStatusCode.BadRequest, (await staffA.DeleteAsync($"/api/care-registry/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await staffA.DeleteAsync($"/api/care-registry/{id}?version={current}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staffA.GetAsync($"/api/care-registry/{id}")).StatusCode);
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM care_registry_audit WHERE action = 'delete' AND $1 = ANY(record_ids)", id));
        _ = communityB;
    }

    [Fact]
    public async Task Bad_entries_are_refused_naming_the_field_and_write_nothing()
    {
        await GridFixtures.CellAsync(db.DataSource, "CRC", 116.80, 39.90, 0.01, "丙网格");
        await using var app = new GeoWebFactory(db.ConnectionString);
        var staff = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "丙网格");
        var before = await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM care_registry");
        async Task Expect(object body, string field)
        {
            var res = await staff.PostAsJsonAsync("/api/care-registry", body);
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            Assert.Contains(field, await res.Content.ReadAsStringAsync());
        }
        await Expect(new { lon = 116.805, lat = 39.905, category = "tourist", name = "a", contact = "b" }, "category");
        await Expect(new { lon = 116.805, lat = 39.905, category = "elderly_alone", contact = "b" }, "name");
        await Expect(new { lon = 116.805, lat = 39.905, category = "elderly_alone", name = new string('名', 101), contact = "b" }, "name");
        await Expect(new { lon = 121.47, lat = 31.23, category = "elderly_alone", name = "a", contact = "b" }, "location");
        await Expect(new { building_id = 999999, category = "elderly_alone", name = "a", contact = "b" }, "building_id");
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.GetAsync("/api/care-registry/reach?by=bus")).StatusCode);
        Assert.Equal(before, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM care_registry"));
    }
}
