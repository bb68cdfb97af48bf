using System.Globalization;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Core.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>Dispatch statistics on the board (issue 13): the table is /api/incidents/stats and the choropleth's legend is
/// /api/incidents/stats/choropleth, both asked with the same signed-in browser's cookie (the same scope).</summary>
public sealed partial class MapBrowserTests
{
    private static string N(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble().ToString("0.####", CultureInfo.InvariantCulture) : "";

    [Fact]
    public async Task Board_stats_table_equals_the_api_and_its_choropleth_legend_equals_the_apis_for_the_same_measure()
    {
        const string password = "grid-pass-456";
        var user = "wang-" + Guid.NewGuid().ToString("N")[..6];
        await using (var ctx = f.Db.CreateContext())
        {
            await UserAdmin.AddUserAsync(ctx, user, password, GeoRoles.GridManager, "王网格", "王网格");
            var now = DateTimeOffset.UtcNow;
            var communityId = await ctx.Set<Region>().Where(r => r.Code == MapAppFixture.CommunityCode).Select(r => r.Id).SingleAsync();
            var cell = await ctx.Set<Region>().Where(r => r.Code == MapAppFixture.GridCode).Select(r => r.Id).SingleAsync();
            Incident Case(IncidentStatus s, double hoursAgo, bool overdue = false, double? closedAfter = null) => new()
            {
                CategoryCode = "sanitation", Status = s, Description = "统计测试 stats", Geom = GeoFactory.Point(116.6915, 39.9012),
                CommunityId = communityId, GridCellId = cell, Assignee = "王网格", Source = IncidentSource.Staff, ReportedAt = now.AddHours(-hoursAgo), UpdatedAt = now,
                DeadlineAt = now.AddHours(-hoursAgo + 24), OverdueAt = overdue ? now : null,
                ClosedAt = closedAfter is { } h ? now.AddHours(-hoursAgo + h) : null,
            };
            ctx.Incidents.AddRange(Case(IncidentStatus.Dispatched, 50, overdue: true), Case(IncidentStatus.Registered, 2),
                Case(IncidentStatus.Closed, 60, closedAfter: 10), Case(IncidentStatus.Closed, 80, closedAfter: 40));
            await ctx.SaveChangesAsync();
        }
        var page = await SignedInBoardAsync(user, password, "王网格");
        var stats = page.GetByTestId("dispatch-stats");
        foreach (var level in new[] { "community", "subdistrict", "grid_cell" })
        {
            await stats.GetByTestId("stats-level").SelectOptionAsync(level);
            // grid cells: a grid manager starts on their (first) community, the table and CSV are its cells
            var parent = level == "grid_cell" ? "&parent=" + MapAppFixture.CommunityCode : "";
            if (level == "grid_cell") await Expect(stats.GetByTestId("stats-parent")).ToHaveValueAsync(MapAppFixture.CommunityCode);
            await Expect(stats.GetByTestId("stats-csv")).ToHaveAttributeAsync("href", $"api/incidents/stats.csv?level={level}&days=90{parent}");
            var api = await ApiAsync(page, $"/api/incidents/stats?level={level}{parent}");
            Assert.NotEmpty(api.EnumerateArray());
            var rows = stats.Locator("table[data-testid=stats-table] tbody tr");
            await Expect(rows).ToHaveCountAsync(api.GetArrayLength());
            var k = 0;
            foreach (var e in api.EnumerateArray())
            {
                var row = rows.Nth(k++);
                await Expect(row).ToHaveAttributeAsync("data-region", e.GetProperty("region_id").GetInt64().ToString(CultureInfo.InvariantCulture));
                foreach (var (attr, prop) in new[] { ("data-open", "open"), ("data-overdue", "overdue"), ("data-escalated", "escalated"),
                             ("data-median", "median_handling_hours"), ("data-on-time", "on_time_share"), ("data-reported", "reported") })
                    await Expect(row).ToHaveAttributeAsync(attr, N(e.GetProperty(prop)));
            }
        }
        // the figures are the hand count: 2 open, 1 overdue, median of 10 h and 40 h, one of two closed on time
        var community = (await ApiAsync(page, "/api/incidents/stats?level=community")).EnumerateArray().Single();
        Assert.Equal((2L, 1L, 25.0, 0.5), (community.GetProperty("open").GetInt64(), community.GetProperty("overdue").GetInt64(),
            community.GetProperty("median_handling_hours").GetDouble(), community.GetProperty("on_time_share").GetDouble()));

        await stats.GetByTestId("stats-level").SelectOptionAsync("community");
        foreach (var measure in new[] { "overdue", "median_handling_hours" })
        {
            await stats.GetByTestId("stats-measure").SelectOptionAsync(measure);
            await stats.GetByTestId("stats-map").ClickAsync();
            var legendList = stats.GetByTestId("stats-legend");
            await Expect(legendList).ToHaveAttributeAsync("data-measure", measure);
            var api = await ApiAsync(page, $"/api/incidents/stats/choropleth?level=community&measure={measure}");
            var expected = api.GetProperty("legend").EnumerateArray().ToList();
            Assert.NotEmpty(expected);
            var legend = legendList.Locator("li[data-from]");
            await Expect(legend).ToHaveCountAsync(expected.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                await Expect(legend.Nth(i)).ToHaveAttributeAsync("data-from", N(expected[i].GetProperty("from")));
                await Expect(legend.Nth(i)).ToHaveAttributeAsync("data-to", N(expected[i].GetProperty("to")));
                await Expect(legend.Nth(i)).ToHaveAttributeAsync("data-count", expected[i].GetProperty("count").GetInt32().ToString(CultureInfo.InvariantCulture));
            }
            var features = api.GetProperty("features").EnumerateArray().ToList();
            await Expect(page.Locator("path.dispatch-choropleth")).ToHaveCountAsync(features.Count);
            Assert.Equal(features[0].GetProperty("properties").GetProperty("colour").GetString(), await page.Locator("path.dispatch-choropleth").First.GetAttributeAsync("fill"));
        }
        // a row flies the map to its region; then the grid cells of that community coloured as the API colours them
        await stats.Locator("tbody tr").First.Locator("button.fly").ClickAsync();
        await Expect(stats.Locator("tbody tr.focus")).ToHaveCountAsync(1);
        await stats.GetByTestId("stats-measure").SelectOptionAsync("open");
        await stats.GetByTestId("stats-level").SelectOptionAsync("grid_cell");
        await Expect(stats.GetByTestId("stats-parent")).ToHaveValueAsync(MapAppFixture.CommunityCode);
        var cells = await ApiAsync(page, $"/api/incidents/stats/choropleth?level=grid_cell&parent={MapAppFixture.CommunityCode}&measure=open");
        var cellFeatures = cells.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(MapAppFixture.GridCode, Assert.Single(cellFeatures).GetProperty("properties").GetProperty("code").GetString());
        await Expect(stats.GetByTestId("stats-legend")).ToHaveAttributeAsync("data-measure", "open");
        await Expect(page.Locator("path.dispatch-choropleth")).ToHaveCountAsync(1);
        Assert.Equal(cellFeatures[0].GetProperty("properties").GetProperty("colour").GetString(), await page.Locator("path.dispatch-choropleth").First.GetAttributeAsync("fill"));
        await Infrastructure.Browser.ScreenshotAsync(page, "dispatch-stats");
        await page.Context.CloseAsync();
    }

    /// <summary>The API as this browser's user: the request carries the page's sign-in cookie.</summary>
    private static async Task<JsonElement> ApiAsync(IPage page, string url)
    {
        var res = await page.Context.APIRequest.GetAsync(url);
        Assert.True(res.Ok, $"{url}: {res.Status} {await res.TextAsync()}");
        return JsonDocument.Parse(await res.TextAsync()).RootElement.Clone();
    }
}
