using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Bunit;
using Geo.Api;
using Geo.Core.Access;
using Geo.Core.Care;
using Geo.Core.Data;
using Geo.Core.Deliveries;
using Geo.Core.Domain;
using Geo.Core.Walking;
using Geo.Tests.Infrastructure;
using Geo.Web.Components.Views;
using Geo.Web.Incidents;
using Geo.Web.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Geo.Tests.Web;

/// <summary>bUnit: the board's care reach and deliveries panels against real PostGIS, checked against the HTTP API's own
/// answers for the same user (an API key of the same account kind), not against the Core code they call.</summary>
public sealed class CareBoardPanelsTests(PostgisFixture db) : BunitContext, IClassFixture<PostgisFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static async Task<JsonElement> Json(HttpResponseMessage res)
    {
        res.EnsureSuccessStatusCode();
        return await res.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The panels get the app's own singletons: the same key ring (CareCipher), walking graph and options, and the
    /// app's use cases over them.</summary>
    private void UseApp(GeoWebFactory app)
    {
        Services.AddSingleton(new UiLanguage());
        Services.AddSingleton(app.Services.GetRequiredService<NpgsqlDataSource>());
        Services.AddSingleton(app.Services.GetRequiredService<CareCipher>());
        Services.AddSingleton(app.Services.GetRequiredService<WalkingGraphProvider>());
        Services.AddSingleton(app.Services.GetRequiredService<WalkingOptions>());
        Services.AddGeoUseCaseServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private static ClaimsPrincipal Staff(string role, string? gridManager = null) =>
        GeoClaims.Principal("test", null, $"{role}-{gridManager ?? "all"}", role, gridManager, gridManager);

    private static async Task OnlineAsync(NpgsqlDataSource ds, long asset)
    {
        await using var cmd = ds.CreateCommand("UPDATE assets SET status = 'online' WHERE id = $1");
        cmd.Parameters.AddWithValue(asset);
        await cmd.ExecuteNonQueryAsync();
    }

    private static double[] Triple(JsonElement shares) =>
        [shares.GetProperty("within5").GetDouble(), shares.GetProperty("within10").GetDouble(), shares.GetProperty("within15").GetDouble()];

    private static double[] Triple(string? attr) => [.. (attr ?? "").Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];

    /// <summary>The panel's rows against GET /reach and GET /unreached of the same kind of user.</summary>
    private static async Task AssertEqualsApiAsync(IRenderedComponent<CareReachPanel> cut, HttpClient api, string by)
    {
        var reach = await Json(await api.GetAsync($"/api/care-registry/reach?by={by}"));
        var unreached = await Json(await api.GetAsync($"/api/care-registry/unreached?by={by}"));
        var communities = reach.GetProperty("communities").EnumerateArray().ToList();
        var households = unreached.GetProperty("households").EnumerateArray().ToList();
        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("table[data-testid=care-shares] tbody tr");
            Assert.Equal(communities.Select(c => c.GetProperty("code").GetString()), rows.Select(r => r.GetAttribute("data-code")));
            foreach (var (c, r) in communities.Zip(rows))
            {
                Assert.Equal(c.GetProperty("households").GetInt32().ToString(CultureInfo.InvariantCulture), r.GetAttribute("data-households"));
                Assert.Equal(c.GetProperty("not_reached").GetInt32().ToString(CultureInfo.InvariantCulture), r.GetAttribute("data-not-reached"));
                Assert.Equal(c.GetProperty("synthetic_households").GetInt32().ToString(CultureInfo.InvariantCulture), r.GetAttribute("data-synthetic"));
                foreach (var k in new[] { "station", "kiosk", "either" })
                    Assert.Equal(Triple(c.GetProperty(k)), Triple(r.GetAttribute("data-" + k)));
            }
            var items = cut.FindAll("ol[data-testid=care-unreached] li");
            Assert.Equal(households.Select(h => h.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture)), items.Select(i => i.GetAttribute("data-id")));
            foreach (var (h, i) in households.Zip(items))
            {
                Assert.Equal(h.GetProperty("name").GetString(), i.QuerySelector("button.fly")!.TextContent);
                Assert.Equal(h.GetProperty("synthetic").GetBoolean(), i.GetAttribute("data-synthetic") == "true");
                Assert.Equal(h.GetProperty("synthetic").GetBoolean(), i.QuerySelector(".synthetic-tag")?.TextContent == "合成数据");
            }
        }, Wait);
    }

    [Fact]
    public async Task Care_reach_panel_equals_the_API_for_the_same_user_and_a_grid_manager_sees_nothing_of_another_community()
    {
        var (communityA, _) = await GridFixtures.CellAsync(db.DataSource, "KA", 116.66, 39.88, 0.02, "甲关爱");
        var (communityB, _) = await GridFixtures.CellAsync(db.DataSource, "KB", 116.70, 39.88, 0.02, "乙关爱");
        await WalkNetworks.SquareAsync(db.DataSource, seed: 32, lon: 116.66);
        await OnlineAsync(db.DataSource, await GridFixtures.AssetAsync(db, "关爱服务站", 116.6705, 39.8905, AssetFixtures.DefaultAttributes(AssetKind.ServiceStation)));
        await OnlineAsync(db.DataSource, await GridFixtures.AssetAsync(db, "一键通终端", 116.6760, 39.8955, AssetFixtures.DefaultAttributes(AssetKind.Kiosk)));

        await using var app = new GeoWebFactory(db.ConnectionString);
        var apiA = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "甲关爱");
        var apiB = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "乙关爱");
        var apiAdmin = await GridFixtures.ClientAsync(app, db, GeoRoles.Admin);
        var ids = new Dictionary<string, long>();
        foreach (var (client, lon, lat, name, synthetic) in new[] {
            (apiA, 116.6710, 39.8908, "【合成】近户", true),   // beside the station
            (apiA, 116.6755, 39.8950, "中户", false),          // beside the kiosk, ~8 minutes from the station
            (apiA, 116.6790, 39.8990, "【合成】远户", true),   // ~1.2 km from the station: not reached within 15 minutes
            (apiB, 116.7050, 39.8850, "乙社区住户", false) })  // no network in B: never reached
        {
            var res = await client.PostAsJsonAsync("/api/care-registry", new { lon, lat, category = synthetic ? "elderly_alone" : "severely_disabled", name, contact = "1380000" + ids.Count, synthetic });
            ids[name] = (await Json(res)).GetProperty("id").GetInt64();
        }
        UseApp(app);

        // A's panel: shares and not-reached rows equal A's API answers, by station (default) and by either
        var cut = Render<CareReachPanel>(p => p.Add(x => x.User, Staff(GeoRoles.GridManager, "甲关爱")));
        await AssertEqualsApiAsync(cut, apiA, "station");
        var row = cut.Find("table[data-testid=care-shares] tbody tr");
        Assert.Equal(communityA.ToString(CultureInfo.InvariantCulture), row.GetAttribute("data-community"));
        Assert.Equal("3", row.GetAttribute("data-households"));
        // not a trivial answer: the near household is reached, the far one is not
        var station15 = Triple(row.GetAttribute("data-station"))[2];
        Assert.True(station15 is > 0 and < 1, $"station share within 15 minutes {station15}");
        var listed = cut.FindAll("ol[data-testid=care-unreached] li").Select(i => long.Parse(i.GetAttribute("data-id")!, CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(ids["【合成】远户"], listed);
        Assert.DoesNotContain(ids["【合成】近户"], listed);
        Assert.Contains("合成数据 2 户", row.TextContent);
        // a row picks the household (and flies the map there); the panel's reads are audited like the API's
        await cut.InvokeAsync(() => cut.Find($"li[data-id='{ids["【合成】远户"]}'] button.fly").Click());
        cut.WaitForAssertion(() => Assert.Contains("focus", cut.Find($"li[data-id='{ids["【合成】远户"]}']").ClassName), Wait);
        Assert.True(await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM care_registry_audit WHERE actor = 'grid_manager-甲关爱' AND action = 'unreached' AND $1 = ANY(record_ids)", ids["【合成】远户"]) >= 1);
        await cut.InvokeAsync(() => cut.Find("[data-testid=care-by]").Change("either"));
        await AssertEqualsApiAsync(cut, apiA, "either");

        // nothing of community B in A's panel, and nothing of A in B's
        Assert.DoesNotContain("KB-C", cut.Markup);
        Assert.DoesNotContain("乙社区住户", cut.Markup);
        Assert.Empty(cut.FindAll($"[data-community='{communityB}']"));
        var cutB = Render<CareReachPanel>(p => p.Add(x => x.User, Staff(GeoRoles.GridManager, "乙关爱")));
        await AssertEqualsApiAsync(cutB, apiB, "station");
        Assert.Equal(ids["乙社区住户"].ToString(CultureInfo.InvariantCulture), cutB.Find("ol[data-testid=care-unreached] li").GetAttribute("data-id"));
        foreach (var name in new[] { "【合成】近户", "中户", "【合成】远户", "KA-C" }) Assert.DoesNotContain(name, cutB.Markup);
        Assert.Empty(cutB.FindAll($"[data-community='{communityA}']"));

        // an admin sees both communities, again as the API does
        var cutAdmin = Render<CareReachPanel>(p => p.Add(x => x.User, Staff(GeoRoles.Admin)));
        await AssertEqualsApiAsync(cutAdmin, apiAdmin, "station");
        var adminCodes = cutAdmin.FindAll("table[data-testid=care-shares] tbody tr").Select(r => r.GetAttribute("data-code")).ToList();
        Assert.Contains("KA-C", adminCodes);
        Assert.Contains("KB-C", adminCodes);

        // a planner: the shares, never a household (CareScope's rule)
        var cutPlanner = Render<CareReachPanel>(p => p.Add(x => x.User, Staff(GeoRoles.Planner)));
        cutPlanner.WaitForAssertion(() => Assert.Equal(adminCodes, cutPlanner.FindAll("table[data-testid=care-shares] tbody tr").Select(r => r.GetAttribute("data-code"))), Wait);
        Assert.NotNull(cutPlanner.Find("[data-testid=care-aggregates-only]"));
        Assert.Empty(cutPlanner.FindAll("ol[data-testid=care-unreached]"));
        foreach (var name in ids.Keys) Assert.DoesNotContain(name, cutPlanner.Markup);

    }

    [Fact]
    public async Task Delivery_steps_from_the_panel_change_the_order_and_a_stale_step_shows_the_conflict_after_reload()
    {
        await GridFixtures.CellAsync(db.DataSource, "KD", 116.60, 39.88, 0.02, "丁配送");
        await GridFixtures.CellAsync(db.DataSource, "KE", 116.64, 39.88, 0.02, "戊配送");
        await WalkNetworks.SquareAsync(db.DataSource, seed: 32);
        var garden = await GridFixtures.AssetAsync(db, "配送小菜园", 116.6105, 39.8905, new VegetableGardenAttributes(80, true));
        await OnlineAsync(db.DataSource, garden);

        await using var app = new GeoWebFactory(db.ConnectionString);
        var admin = await GridFixtures.ClientAsync(app, db, GeoRoles.Admin);
        var provider = await GridFixtures.ClientAsync(app, db, GeoRoles.Resident);
        var providerUser = await GridFixtures.CountAsync(db.DataSource, "SELECT max(id) FROM users");
        var staff = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "丁配送");
        (await admin.PostAsJsonAsync("/api/deliveries/providers", new { asset_id = garden, user_id = providerUser })).EnsureSuccessStatusCode();
        var household = (await Json(await staff.PostAsJsonAsync("/api/care-registry",
            new { lon = 116.6110, lat = 39.8908, category = "elderly_alone", name = "【合成】订餐户", contact = "13800000009", synthetic = true }))).GetProperty("id").GetInt64();
        var first = (await Json(await staff.PostAsJsonAsync("/api/deliveries", new { care_registry_id = household, items = "青菜" }))).GetProperty("id").GetInt64();
        var second = (await Json(await staff.PostAsJsonAsync("/api/deliveries", new { care_registry_id = household, items = "鸡蛋" }))).GetProperty("id").GetInt64();
        UseApp(app);

        // the panel lists what GET /api/deliveries lists for the community's staff, with the same allowed steps
        var cut = Render<DeliveriesPanel>(p => p.Add(x => x.User, Staff(GeoRoles.GridManager, "丁配送")));
        var api = (await Json(await staff.GetAsync("/api/deliveries"))).EnumerateArray().ToList();
        cut.WaitForAssertion(() => Assert.Equal(api.Select(o => o.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture)),
            cut.FindAll("li.order").Select(li => li.GetAttribute("data-order"))), Wait);
        foreach (var o in api)
        {
            var li = cut.Find($"li[data-order='{o.GetProperty("id").GetInt64()}']");
            Assert.Equal(o.GetProperty("actions").EnumerateArray().Select(a => a.GetString()), li.QuerySelectorAll("button.act").Select(b => b.GetAttribute("data-action")));
            Assert.Equal(o.GetProperty("version").GetUInt32().ToString(CultureInfo.InvariantCulture), li.GetAttribute("data-version"));
            Assert.Contains("配送小菜园", li.TextContent);
            Assert.Contains("已下单", li.TextContent);
            Assert.Contains("接单时限", li.TextContent);
            Assert.Contains("合成数据", li.TextContent);
        }
        Assert.Equal(["cancel"], cut.FindAll($"li[data-order='{first}'] button.act").Select(b => b.GetAttribute("data-action")));

        // a step from the panel changes the order (as the API sees it)
        await cut.InvokeAsync(() => cut.Find($"li[data-order='{first}'] button[data-action=cancel]").Click());
        cut.WaitForAssertion(() => Assert.Equal("cancelled", cut.Find($"li[data-order='{first}']").GetAttribute("data-status")), Wait);
        Assert.Empty(cut.FindAll($"li[data-order='{first}'] button.act"));
        Assert.Empty(cut.FindAll("[data-testid=del-message]"));
        Assert.Equal("cancelled", (await Json(await staff.GetAsync($"/api/deliveries/{first}"))).GetProperty("status").GetString());
        Assert.Equal(1, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM delivery_events WHERE delivery_id = $1 AND action = 'cancel' AND actor_role = 'grid_manager'", first));

        // the provider accepts the second order behind the panel's back: cancelling the stale row is refused with the
        // localised conflict message, shown beside the reloaded row; the provider's step stands
        var version = (await Json(await provider.GetAsync($"/api/deliveries/{second}"))).GetProperty("version").GetUInt32();
        (await provider.PostAsJsonAsync($"/api/deliveries/{second}/transitions", new { action = "accept", version })).EnsureSuccessStatusCode();
        var fresh = await Json(await staff.GetAsync($"/api/deliveries/{second}"));
        Assert.Equal(version.ToString(CultureInfo.InvariantCulture), cut.Find($"li[data-order='{second}']").GetAttribute("data-version"));
        await cut.InvokeAsync(() => cut.Find($"li[data-order='{second}'] button[data-action=cancel]").Click());
        cut.WaitForAssertion(() => Assert.Contains("此订单已被他人修改", cut.Find("[data-testid=del-message]").TextContent), Wait);
        var row = cut.Find($"li[data-order='{second}']");
        Assert.Equal(fresh.GetProperty("version").GetUInt32().ToString(CultureInfo.InvariantCulture), row.GetAttribute("data-version"));
        Assert.Equal("accepted", row.GetAttribute("data-status"));
        Assert.Contains("已接单", row.TextContent);
        Assert.Equal("accepted", (await Json(await staff.GetAsync($"/api/deliveries/{second}"))).GetProperty("status").GetString());

        // English strings
        Services.GetRequiredService<UiLanguage>().Set(Lang.En);
        cut.WaitForAssertion(() => Assert.Contains("Someone else changed this order", cut.Find("[data-testid=del-message]").TextContent), Wait);
        Assert.Contains("Accepted", cut.Find($"li[data-order='{second}']").TextContent);

        // the staff of another community see none of these orders, here and through the API
        var other = await GridFixtures.ClientAsync(app, db, GeoRoles.GridManager, "戊配送");
        Assert.Empty((await Json(await other.GetAsync("/api/deliveries"))).EnumerateArray());
        var cutOther = Render<DeliveriesPanel>(p => p.Add(x => x.User, Staff(GeoRoles.GridManager, "戊配送")));
        cutOther.WaitForAssertion(() => Assert.NotNull(cutOther.Find("[data-testid=del-none]")), Wait);
        Assert.Empty(cutOther.FindAll("li.order"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/deliveries/{second}")).StatusCode);
    }

    [Fact]
    public async Task Anonymous_and_resident_users_get_no_care_or_delivery_panel()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        UseApp(app);
        Services.AddLogging();
        Services.AddSingleton<IncidentFeed>();
        Services.AddDbContextFactory<GeoDbContext>(o => GeoDb.Configure(o, db.DataSource));
        AddAuthorization(); // anonymous

        var board = Render<DispatchBoard>(p => p.Add(x => x.GetMap, () => null));
        Assert.NotNull(board.Find("[data-testid=signin]"));
        Assert.Empty(board.FindAll("[data-testid=care-reach]"));
        Assert.Empty(board.FindAll("[data-testid=deliveries]"));
        foreach (var user in new[] { new ClaimsPrincipal(new ClaimsIdentity()), GeoClaims.Principal("test", 1, "resident-1", GeoRoles.Resident, null, null) })
        {
            Assert.Equal("", Render<CareReachPanel>(p => p.Add(x => x.User, user)).Markup.Trim());
            Assert.Equal("", Render<DeliveriesPanel>(p => p.Add(x => x.User, user)).Markup.Trim());
        }
        Assert.Equal(0, await GridFixtures.CountAsync(db.DataSource, "SELECT count(*) FROM care_registry_audit WHERE actor_role IN ('', 'resident')"));
    }
}
