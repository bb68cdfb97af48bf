using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Geo.Core.Access;
using Geo.Core.Care;
using Geo.Core.Deliveries;
using Geo.Core.Domain;
using Geo.Core.Accounts;
using Geo.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>The board's care reach and deliveries panels in Chromium (issue 16 follow-up): a signed-in grid manager's panels
/// equal /api/care-registry/reach and /unreached asked with the same browser's cookie, a not-reached row flies the map to the
/// household's building (the basemap tile under it at zoom 18 is fetched), a delivery step from the panel changes the order and
/// a stale one shows the localised conflict; every control is a named 44 px target.</summary>
public sealed partial class MapBrowserTests
{
    /// <summary>A community of its own east of the fixture's, with its own small street network, so the other browser tests'
    /// data (layer counts, embed services) stay as they were.</summary>
    private async Task<(long Far, long Near, long First, long Second, ClaimsPrincipal Provider)> SeedCareAsync(string manager)
    {
        var tag = Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture); // digits: no Latin text on the zh-CN page
        const double lon0 = 116.74, lat0 = 39.93;
        long parent;
        await using (var cmd = f.Db.DataSource.CreateCommand("SELECT id FROM regions WHERE code = '110112999'"))
            parent = (long)(await cmd.ExecuteScalarAsync())!;
        foreach (var (level, code, name, mgr) in new[] { ("community", $"1101129997{tag}", "关爱测试社区", (string?)null), ("grid_cell", $"1101129997{tag}01", "关爱测试网格", manager) })
        {
            await using var cmd = f.Db.DataSource.CreateCommand("""
                INSERT INTO regions (level, code, name, parent_id, geom, population, population_60_plus, grid_manager, pilot, synthetic)
                VALUES ($1, $2, $3, $4, ST_Multi(ST_MakeEnvelope($5, $6, $5 + 0.01, $6 + 0.01, 4326)), 1000, 300, $7, false, true) RETURNING id
                """);
            cmd.Parameters.AddWithValue(level);
            cmd.Parameters.AddWithValue(code);
            cmd.Parameters.AddWithValue(name);
            cmd.Parameters.AddWithValue(parent);
            cmd.Parameters.AddWithValue(lon0);
            cmd.Parameters.AddWithValue(lat0);
            cmd.Parameters.AddWithValue((object?)mgr ?? DBNull.Value);
            parent = (long)(await cmd.ExecuteScalarAsync())!;
        }
        await f.UseWalkNetworkAsync(32, lon0, lat0, 0.01);
        var services = f.App.Services;

        var station = await GridFixtures.AssetAsync(f.Db, "关爱助餐服务站", lon0 + 0.0015, lat0 + 0.0015, AssetFixtures.DefaultAttributes(AssetKind.ServiceStation));
        await using (var cmd = f.Db.DataSource.CreateCommand("UPDATE assets SET status = 'online' WHERE id = $1"))
        {
            cmd.Parameters.AddWithValue(station);
            await cmd.ExecuteNonQueryAsync();
        }
        long providerId;
        await using (var ctx = f.Db.CreateContext())
            providerId = (await UserAdmin.AddUserAsync(ctx, "prov-" + tag, "provider-pass-1", GeoRoles.Resident, "配送员", null)).Id;
        var deliveries = services.GetRequiredService<DeliveryOrders>();
        await deliveries.RegisterProviderAsync(new DeliveryProviderInput(station, providerId, true), default);

        var staff = GeoClaims.Principal("seed", null, "seed-" + manager, GeoRoles.GridManager, manager, manager);
        var registry = services.GetRequiredService<CareRegistry>();
        var near = await registry.CreateAsync(staff, new CareRecordInput(null, lon0 + 0.0018, lat0 + 0.0018, "elderly_alone", "【合成】近处老人", "13800000011", null, null, true, null), default);
        // ~1 km from the station as the crow flies: more than the elderly pace's 750 m in 15 minutes
        var far = await registry.CreateAsync(staff, new CareRecordInput(null, lon0 + 0.0090, lat0 + 0.0090, "severely_disabled", "【合成】远处住户", "13800000012", null, null, true, null), default);
        var first = await deliveries.OrderAsync(staff, new DeliveryOrderInput(near.Id, null, null, "青菜两斤", null, null, null), default);
        var second = await deliveries.OrderAsync(staff, new DeliveryOrderInput(near.Id, null, null, "鸡蛋一盒", null, null, null), default);
        return (far.Id, near.Id, first.Id, second.Id, GeoClaims.Principal("seed", providerId, "prov-" + tag, GeoRoles.Resident, "配送员", null));
    }

    private static (int X, int Y) Tile(double lon, double lat, int z)
    {
        var n = 1 << z;
        var rad = lat * Math.PI / 180;
        return ((int)Math.Floor((lon + 180) / 360 * n), (int)Math.Floor((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n));
    }

    [Fact]
    public async Task Board_care_reach_equals_the_api_a_row_flies_to_the_building_and_delivery_steps_show_conflicts()
    {
        const string password = "care-pass-321";
        var manager = "关网格" + Random.Shared.Next(100, 999).ToString(CultureInfo.InvariantCulture);
        var user = "care-" + Guid.NewGuid().ToString("N")[..6];
        await using (var ctx = f.Db.CreateContext())
            await UserAdmin.AddUserAsync(ctx, user, password, GeoRoles.GridManager, manager, manager);
        var (far, near, first, second, provider) = await SeedCareAsync(manager);
        try
        {

            var page = await SignedInBoardAsync(user, password, manager);
            var care = page.GetByTestId("care-reach");
            await Expect(care).ToBeVisibleAsync();

            // the shares and the not-reached rows are what the API answers this browser's user
            var reach = await ApiAsync(page, "/api/care-registry/reach");
            var unreached = await ApiAsync(page, "/api/care-registry/unreached");
            var communities = reach.GetProperty("communities").EnumerateArray().ToList();
            var c = Assert.Single(communities); // only the manager's own community
            Assert.Equal("关爱测试社区", c.GetProperty("name").GetString());
            var rows = care.Locator("table[data-testid=care-shares] tbody tr");
            await Expect(rows).ToHaveCountAsync(1);
            await Expect(rows.First).ToHaveAttributeAsync("data-households", c.GetProperty("households").GetInt32().ToString(CultureInfo.InvariantCulture));
            await Expect(rows.First).ToHaveAttributeAsync("data-not-reached", c.GetProperty("not_reached").GetInt32().ToString(CultureInfo.InvariantCulture));
            foreach (var k in new[] { "station", "kiosk", "either" })
            {
                var s = c.GetProperty(k);
                var expected = string.Join(",", new[] { "within5", "within10", "within15" }.Select(b => s.GetProperty(b).GetDouble().ToString("R", CultureInfo.InvariantCulture)));
                await Expect(rows.First).ToHaveAttributeAsync("data-" + k, expected);
            }
            Assert.Equal(0.5, c.GetProperty("station").GetProperty("within15").GetDouble()); // the near household is reached, the far one not
            var ids = unreached.GetProperty("households").EnumerateArray().Select(h => h.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture)).ToList();
            Assert.Contains(far.ToString(CultureInfo.InvariantCulture), ids);
            Assert.DoesNotContain(near.ToString(CultureInfo.InvariantCulture), ids);
            var items = care.Locator("ol[data-testid=care-unreached] li");
            await Expect(items).ToHaveCountAsync(ids.Count);
            for (var i = 0; i < ids.Count; i++) await Expect(items.Nth(i)).ToHaveAttributeAsync("data-id", ids[i]);
            var farRow = care.Locator($"li[data-id='{far}']");
            await Expect(farRow.Locator(".synthetic-tag")).ToHaveTextAsync("合成数据");

            // the row flies the map to the building: the basemap tile under the household at zoom 18 is fetched
            var farJson = unreached.GetProperty("households").EnumerateArray().Single(h => h.GetProperty("id").GetInt64() == far);
            var (x, y) = Tile(farJson.GetProperty("lon").GetDouble(), farJson.GetProperty("lat").GetDouble(), 18);
            await page.RunAndWaitForRequestAsync(() => farRow.Locator("button.fly").ClickAsync(),
                r => r.Url.Contains($"/tiles/basemap/18/{x}/{y}.pbf", StringComparison.Ordinal), new() { Timeout = 20_000 });
            await Expect(farRow).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("focus"));

            // deliveries: the staff may cancel; the step changes the order as the API sees it
            var orders = page.GetByTestId("deliveries");
            var firstRow = orders.Locator($"li[data-order='{first}']");
            await Expect(firstRow).ToHaveAttributeAsync("data-status", "ordered");
            await Expect(firstRow).ToContainTextAsync("关爱助餐服务站");
            await firstRow.Locator("button[data-action=cancel]").ClickAsync();
            await Expect(firstRow).ToHaveAttributeAsync("data-status", "cancelled");
            Assert.Equal("cancelled", (await ApiAsync(page, $"/api/deliveries/{first}")).GetProperty("status").GetString());

            // the provider accepts the second order meanwhile: the stale cancel shows the localised conflict beside the reloaded row
            var deliveries = f.App.Services.GetRequiredService<DeliveryOrders>();
            var current = await deliveries.GetAsync(provider, second, default);
            await deliveries.StepAsync(provider, second, new DeliveryStep("accept", current.Version, null), default);
            var secondRow = orders.Locator($"li[data-order='{second}']");
            await Expect(secondRow).ToHaveAttributeAsync("data-status", "ordered"); // the board has not reloaded yet
            await secondRow.Locator("button[data-action=cancel]").ClickAsync();
            await Expect(page.GetByTestId("del-message")).ToContainTextAsync("此订单已被他人修改");
            await Expect(secondRow).ToHaveAttributeAsync("data-status", "accepted");
            Assert.Equal("accepted", (await ApiAsync(page, $"/api/deliveries/{second}")).GetProperty("status").GetString());

            // accessibility of the board with both panels filled
            var tree = await A11y.AssertControlsAsync(page, minControls: 10);
            Assert.Contains("取消订单", tree);
            await A11y.AssertNoEnglishAsync(page, "Geo");
            await Infrastructure.Browser.ScreenshotAsync(page, "board-care-deliveries");
            await page.Context.CloseAsync();
        }
        finally
        {
            await f.RestoreWalkNetworkAsync(); // SeedCareAsync replaced the fixture's streets with its own
        }
    }
}
