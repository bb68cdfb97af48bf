using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Core.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>The planner and grid-manager views in Chromium (same fixture as the map tests: one app, one browser).</summary>
public sealed partial class MapBrowserTests
{
    [Fact]
    public async Task Planner_sees_the_scorecard_and_draws_the_wifi_gaps_of_a_town()
    {
        var page = await f.Browser.NewPageAsync(f.App.BaseUrl);
        await page.GotoAsync("/planner");
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        var table = page.GetByTestId("scorecard");
        await Expect(table).ToBeVisibleAsync();
        await Expect(table.Locator("tr[data-code='110112']")).ToBeVisibleAsync();
        await table.Locator("tr[data-code='110112999'] button.drill").ClickAsync();
        await Expect(table.Locator($"tr[data-code='{MapAppFixture.CommunityCode}']")).ToContainTextAsync(MapAppFixture.CommunityName);
        await Expect(page.Locator(".dim-row")).ToHaveCountAsync(4);
        await Expect(page.GetByTestId("export-csv")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("export\\.csv\\?level=community&parent=110112999"));

        await page.GetByTestId("wifi-coverage").ClickAsync();
        await Expect(page.GetByTestId("area-share")).ToContainTextAsync("%");
        // the uncovered gaps: a GeoJSON layer drawn by the map's module as SVG paths
        await Expect(page.Locator("path.wifi-gap").First).ToBeAttachedAsync();
        await Infrastructure.Browser.ScreenshotAsync(page, "planner-wifi-gaps");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Grid_manager_signs_in_advances_a_case_and_a_second_browser_sees_it_without_reload()
    {
        const string password = "grid-pass-123";
        var user = "zhang-" + Guid.NewGuid().ToString("N")[..6];
        long id;
        await using (var ctx = f.Db.CreateContext())
        {
            await UserAdmin.AddUserAsync(ctx, user, password, GeoRoles.GridManager, "张网格", "张网格");
            var now = DateTimeOffset.UtcNow;
            var incident = new Incident
            {
                CategoryCode = "sanitation", Status = IncidentStatus.Dispatched, Description = "测试案件：垃圾堆放",
                Geom = GeoFactory.Point(116.692, 39.9015), Assignee = "张网格", Source = IncidentSource.Staff,
                ReportedAt = now, UpdatedAt = now, DeadlineAt = now.AddHours(-2), OverdueAt = now,
            };
            ctx.Incidents.Add(incident);
            await ctx.SaveChangesAsync();
            id = incident.Id;
        }
        await f.App.Services.GetRequiredService<Geo.Jobs.Live.DbNotificationListener>().Listening.WaitAsync(TimeSpan.FromSeconds(20));

        var first = await SignedInBoardAsync(user, password);
        var second = await SignedInBoardAsync(user, password);
        var caseInFirst = first.Locator($"li[data-case='{id}']");
        var caseInSecond = second.Locator($"li[data-case='{id}']");
        await Expect(caseInFirst).ToHaveAttributeAsync("data-status", "dispatched");
        await Expect(caseInSecond).ToHaveAttributeAsync("data-status", "dispatched");
        // on the map: a pin coloured by status with the overdue halo
        await Expect(first.Locator(".geo-pin.case.overdue")).ToHaveCountAsync(1);
        await Infrastructure.Browser.ScreenshotAsync(first, "dispatch-board");

        await caseInFirst.Locator("button[data-action=start]").ClickAsync();
        await Expect(caseInFirst).ToHaveAttributeAsync("data-status", "in_progress");
        // the second browser was not reloaded: the change arrived through LISTEN/NOTIFY and the circuit
        await Expect(caseInSecond).ToHaveAttributeAsync("data-status", "in_progress");
        await Expect(caseInSecond.Locator("button[data-action=resolve]")).ToBeVisibleAsync();
        await first.Context.CloseAsync();
        await second.Context.CloseAsync();
    }

    [Fact]
    public async Task Resident_click_draws_isochrone_bands_and_lists_reachable_services_by_life_element()
    {
        var page = await f.OpenMapAsync("/resident");
        await page.SearchAndOpenCommunityAsync(MapAppFixture.CommunityCode);
        await Expect(page.Locator(".geo-marker.kind-shelter")).ToHaveCountAsync(1); // the view has moved to the square

        // let the fit-to-community animation settle before clicking (the click must land in the square)
        await Expect(page.Locator(".leaflet-host.leaflet-zoom-anim")).ToHaveCountAsync(0);
        await page.WaitForTimeoutAsync(500);
        var map = await page.Locator(".leaflet-host").BoundingBoxAsync();
        await page.Mouse.ClickAsync(map!.X + map.Width / 2, map.Y + map.Height / 2);
        await Expect(page.Locator(".locate-popup h3")).ToHaveTextAsync(MapAppFixture.CommunityName);
        var bands = page.Locator("path.isochrone-band");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('path.isochrone-band').length > 0 || document.querySelector('[data-testid=isochrone-error]')",
            null, new() { Timeout = Infrastructure.Browser.TimeoutMs });
        var error = page.GetByTestId("isochrone-error");
        Assert.True(await error.CountAsync() == 0, "isochrone failed: " + (await error.CountAsync() > 0 ? await error.TextContentAsync() : ""));
        await Expect(bands).ToHaveCountAsync(3); // 5, 10 and 15 minutes
        var panel = page.GetByTestId("isochrone");
        await Expect(panel.Locator("ul.reachable")).ToContainTextAsync("测试避难场所");
        await Expect(panel.Locator("h3[data-element]").First).ToBeVisibleAsync();
        await Infrastructure.Browser.ScreenshotAsync(page, "resident-isochrone");
        await page.Context.CloseAsync();
    }

    private async Task<IPage> SignedInBoardAsync(string user, string password, string displayName = "张网格")
    {
        var page = await f.Browser.NewPageAsync(f.App.BaseUrl);
        await page.GotoAsync("/grid-manager");
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        await page.GetByTestId("username").FillAsync(user);
        await page.GetByTestId("password").FillAsync(password);
        await page.GetByTestId("signin-submit").ClickAsync();
        await Expect(page.GetByTestId("whoami")).ToContainTextAsync(displayName);
        await Infrastructure.Browser.WaitInteractiveAsync(page); // sign-in reloads the page: a new circuit
        return page;
    }
}
