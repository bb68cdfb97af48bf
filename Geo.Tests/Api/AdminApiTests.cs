using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Geo.Core.Accounts;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

/// <summary>The admin console's HTTP side (/api/admin): admins only, every change audited, what would lock the district
/// out refused, a disabled account and a revoked key shut out at once.</summary>
public sealed class AdminApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static async Task<JsonElement> Json(HttpResponseMessage res) => await res.Content.ReadFromJsonAsync<JsonElement>();

    private static async Task Problem(HttpResponseMessage res, HttpStatusCode status, string parameter)
    {
        Assert.True(res.StatusCode == status, $"{(int)res.StatusCode}: {await res.Content.ReadAsStringAsync()}");
        Assert.Equal(parameter, (await Json(res)).GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task Only_admins_reach_the_console()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/admin/accounts")).StatusCode);
        foreach (var role in new[] { GeoRoles.Planner, GeoRoles.Supervisor, GeoRoles.GridManager, GeoRoles.Resident })
        {
            var http = await GridFixtures.ClientAsync(app, db, role, role == GeoRoles.GridManager ? "某网格" : null);
            Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/api/admin/accounts")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsJsonAsync("/api/admin/accounts", new { user_name = "x-" + role, password = "long enough 1", role = "admin" })).StatusCode);
        }
        Assert.Equal(0, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM users WHERE user_name LIKE 'x-%'"));
    }

    [Fact]
    public async Task An_admin_creates_changes_disables_and_unlocks_accounts_and_revokes_keys_every_step_audited()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var admin = await GridFixtures.ClientAsync(app, db, GeoRoles.Admin);
        var me = (await admin.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("name").GetString()!;

        // create, with bad input refused field by field and nothing written
        await Problem(await admin.PostAsJsonAsync("/api/admin/accounts", new { user_name = "sup-zhao", password = "short", role = "supervisor" }), HttpStatusCode.BadRequest, "password");
        await Problem(await admin.PostAsJsonAsync("/api/admin/accounts", new { user_name = "sup-zhao", password = "long enough 1", role = "boss" }), HttpStatusCode.BadRequest, "role");
        await Problem(await admin.PostAsJsonAsync("/api/admin/accounts", new { user_name = " ", password = "long enough 1", role = "planner" }), HttpStatusCode.BadRequest, "user_name");
        var created = await admin.PostAsJsonAsync("/api/admin/accounts", new { user_name = "sup-zhao", password = "long enough 1", role = "supervisor", display_name = "赵监督" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await Json(created)).GetProperty("id").GetInt64();
        await Problem(await admin.PostAsJsonAsync("/api/admin/accounts", new { user_name = "sup-zhao", password = "long enough 1", role = "planner" }), HttpStatusCode.Conflict, "user_name");
        var found = await admin.GetFromJsonAsync<JsonElement>("/api/admin/accounts?q=" + Uri.EscapeDataString("赵监"));
        Assert.Equal(["sup-zhao"], found.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("user_name").GetString()));

        // the new supervisor signs in; disabled, they cannot any more
        var web = app.CreateClient();
        Assert.Equal(HttpStatusCode.NoContent, (await web.PostAsJsonAsync("/api/auth/signin", new { user_name = "sup-zhao", password = "long enough 1" })).StatusCode);
        var disabled = await Json(await admin.PatchAsJsonAsync($"/api/admin/accounts/{id}", new { disabled = true }));
        Assert.True(disabled.GetProperty("disabled").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/api/auth/signin", new { user_name = "sup-zhao", password = "long enough 1" })).StatusCode);
        await admin.PatchAsJsonAsync($"/api/admin/accounts/{id}", new { disabled = false, role = "grid_manager", grid_manager = "赵网格" });
        var changed = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/accounts/{id}");
        Assert.Equal(("grid_manager", "赵网格", false), (changed.GetProperty("role").GetString(), changed.GetProperty("grid_manager_name").GetString(), changed.GetProperty("disabled").GetBoolean()));

        // an admin never demotes or disables themselves (the district keeps an admin)
        long self; // the test client is an API key of an admin account: the account behind it is the admin's own
        await using (var ctx = db.CreateContext()) self = ctx.ApiKeys.Single(k => "key:" + k.Name == me).UserId!.Value;
        await Problem(await admin.PatchAsJsonAsync($"/api/admin/accounts/{self}", new { role = "planner" }), HttpStatusCode.UnprocessableEntity, "role");
        await Problem(await admin.PatchAsJsonAsync($"/api/admin/accounts/{self}", new { disabled = true }), HttpStatusCode.UnprocessableEntity, "disabled");
        await Problem(await admin.PatchAsJsonAsync($"/api/admin/accounts/{id}", new { password = "short" }), HttpStatusCode.BadRequest, "password");
        await Problem(await admin.PatchAsJsonAsync("/api/admin/accounts/abc", new { disabled = true }), HttpStatusCode.BadRequest, "id");

        // five wrong passwords lock the account; the admin sees the lock and clears it, and the right password works again
        var guess = app.CreateClient();
        for (var i = 0; i < 6; i++) await guess.PostAsJsonAsync("/api/auth/signin", new { user_name = "sup-zhao", password = "wrong " + i });
        Assert.NotEqual(JsonValueKind.Null, (await admin.GetFromJsonAsync<JsonElement>($"/api/admin/accounts/{id}")).GetProperty("locked_until").ValueKind);
        Assert.NotEqual(HttpStatusCode.NoContent, (await app.CreateClient().PostAsJsonAsync("/api/auth/signin", new { user_name = "sup-zhao", password = "long enough 1" })).StatusCode);
        var unlocked = await Json(await admin.PostAsync($"/api/admin/accounts/{id}/unlock", null));
        Assert.Equal(JsonValueKind.Null, unlocked.GetProperty("locked_until").ValueKind);
        Assert.Equal(HttpStatusCode.NoContent, (await app.CreateClient().PostAsJsonAsync("/api/auth/signin", new { user_name = "sup-zhao", password = "long enough 1" })).StatusCode);

        // a device key: listed (never the key itself), revoked, and shut out at once
        string key;
        long keyId;
        await using (var ctx = db.CreateContext())
        {
            key = await UserAdmin.AddApiKeyAsync(ctx, "烟感网关-1", GeoRoles.Device);
            keyId = ctx.ApiKeys.Single(k => k.Name == "烟感网关-1").Id;
        }
        var keys = await admin.GetStringAsync("/api/admin/keys");
        Assert.Contains("烟感网关-1", keys);
        Assert.DoesNotContain(key, keys);
        var device = app.CreateClient();
        device.DefaultRequestHeaders.Add("X-Api-Key", key);
        Assert.True((await device.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("authenticated").GetBoolean());
        var revoked = await Json(await admin.PostAsync($"/api/admin/keys/{keyId}/revoke", null));
        Assert.NotEqual(JsonValueKind.Null, revoked.GetProperty("revoked_at").ValueKind);
        var after = await device.GetAsync("/api/auth/me");
        Assert.True(after.StatusCode == HttpStatusCode.Unauthorized || !(await Json(after)).GetProperty("authenticated").GetBoolean(), "a revoked key still signs in");

        // every change is in the audit trail, by this admin, newest first
        var audit = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/audit?q=sup-zhao")).EnumerateArray().ToList();
        Assert.Equal(["account.unlock", "account.change", "account.change", "account.create"], audit.Select(a => a.GetProperty("action").GetString()));
        Assert.All(audit, a => Assert.Equal(me, a.GetProperty("actor").GetString()));
        Assert.Contains("disabled", audit[2].GetProperty("detail").GetString());
        Assert.Single((await admin.GetFromJsonAsync<JsonElement>("/api/admin/audit?q=" + Uri.EscapeDataString("烟感网关-1"))).EnumerateArray());
    }

    [Fact]
    public async Task Accounts_page_by_keyset_past_the_page_size_with_every_account_once()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var admin = await GridFixtures.ClientAsync(app, db, GeoRoles.Admin);
        for (var i = 0; i < 7; i++)
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/accounts", new { user_name = $"page-{i}", password = "long enough 1", role = "planner" })).StatusCode);
        var seen = new List<string>();
        string? after = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 10, "the pages never ended");
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/admin/accounts?q=page-&limit=3" + (after is null ? "" : "&after=" + after));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= 3);
            seen.AddRange(items.Select(a => a.GetProperty("user_name").GetString()!));
            if (page.GetProperty("next").ValueKind == JsonValueKind.Null) break;
            after = page.GetProperty("next").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"page-{i}"), seen);
        await Problem(await admin.GetAsync($"/api/admin/accounts?limit={AccountDirectory.MaxPage + 1}"), HttpStatusCode.BadRequest, "limit");
        await Problem(await admin.GetAsync("/api/admin/accounts?after=x"), HttpStatusCode.BadRequest, "after");
    }
}
