using System.Globalization;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>The planner's life circle at both paces, its choropleth and gap list, and the trend chart of the nightly
/// snapshots (issue 16): what the page shows equals the API, value for value.</summary>
public sealed partial class MapBrowserTests
{
    private const string Town = "110112999";

    private async Task SeedLifeCircleAndSnapshotsAsync()
    {
        await using var cmd = f.Db.DataSource.CreateCommand("""
            WITH run AS (
                INSERT INTO life_circle_runs (started_at, finished_at, trigger, assets_fingerprint, network_fingerprint, buildings, residents, services, elapsed_ms)
                VALUES (now(), now(), 'browser-test', 'a', 'n', 3, 300, 7, 1) RETURNING id)
            INSERT INTO life_circle_results (run_id, region_id, level, residents, residents_60, share_all7, share_all7_60, per_element, gaps,
                                             completeness_adult, completeness_elderly, share_all7_elderly_pace)
            SELECT run.id, r.id, r.level, 300, 60, 0.5, 0.4, '{}',
                   CASE WHEN r.level = 'community' THEN '[{"element": "health", "uncovered_share": 0.6, "uncovered_residents": 180}]'::jsonb ELSE '[]' END,
                   0.8571, 0.5714, 0.2
            FROM run, regions r WHERE r.code IN ($1, $2, '110112')
            """);
        cmd.Parameters.AddWithValue(MapAppFixture.CommunityCode);
        cmd.Parameters.AddWithValue(Town);
        await cmd.ExecuteNonQueryAsync();
        // four nightly snapshots of the community, the newest two days old (any snapshot the host stored itself is newer)
        await using var snap = f.Db.DataSource.CreateCommand("""
            INSERT INTO scorecard_snapshots (taken_at, region_id, binding_passed, binding_total, dimensions, indicators)
            SELECT now() - make_interval(days => d), r.id, 1, 5, jsonb_build_object('coordination', v * 80),
                   jsonb_build_array(jsonb_build_object('id', '2.3.3', 'value', v, 'passed', v >= 0.5, 'source', 'computed'))
            FROM regions r, (VALUES (10, 0.25), (8, 0.5), (5, 0.4), (2, 0.75)) AS s(d, v)
            WHERE r.code = $1
            """);
        snap.Parameters.AddWithValue(MapAppFixture.CommunityCode);
        await snap.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Planner_sees_life_circle_paces_side_by_side_their_choropleth_gaps_that_fly_and_a_trend_chart_of_the_snapshots()
    {
        await SeedLifeCircleAndSnapshotsAsync();
        using var http = f.App.Factory.CreateClient();
        var page = await f.Browser.NewPageAsync(f.App.BaseUrl);
        await page.GotoAsync("/planner");
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        var table = page.GetByTestId("scorecard");
        await table.Locator($"tr[data-code='{Town}'] button.drill").ClickAsync();
        await Expect(table.Locator($"tr[data-code='{MapAppFixture.CommunityCode}']")).ToBeVisibleAsync();

        // adult and elderly completeness side by side, as /api/lifecircle serves them
        var lc = JsonDocument.Parse(await http.GetStringAsync($"/api/lifecircle?level=community&parent={Town}")).RootElement;
        var row = Assert.Single(lc.GetProperty("regions").EnumerateArray());
        var paces = page.GetByTestId("lc-paces").Locator($"tr[data-code='{MapAppFixture.CommunityCode}']");
        await Expect(paces.Locator("td[data-pace=adult]")).ToHaveAttributeAsync("data-value", N(row.GetProperty("completeness_adult").GetDouble()));
        await Expect(paces.Locator("td[data-pace=elderly]")).ToHaveAttributeAsync("data-value", N(row.GetProperty("completeness_elderly").GetDouble()));
        await Expect(paces.Locator("td[data-pace=elderly]")).ToHaveTextAsync("57.1%");

        // the elderly-pace choropleth: the page's legend is the API's
        await page.GetByTestId("choropleth-indicator").SelectOptionAsync("life_circle.elderly");
        await page.GetByTestId("choropleth-show").ClickAsync();
        var api = JsonDocument.Parse(await http.GetStringAsync($"/api/lifecircle/choropleth?pace=elderly&level=community&parent={Town}")).RootElement;
        var expected = api.GetProperty("legend").EnumerateArray().ToList();
        var legend = page.GetByTestId("choropleth-legend").Locator("li[data-from]");
        await Expect(legend).ToHaveCountAsync(expected.Count);
        for (var k = 0; k < expected.Count; k++)
        {
            await Expect(legend.Nth(k)).ToHaveAttributeAsync("data-from", N(expected[k].GetProperty("from").GetDouble()));
            await Expect(legend.Nth(k)).ToHaveAttributeAsync("data-to", N(expected[k].GetProperty("to").GetDouble()));
            await Expect(legend.Nth(k)).ToHaveAttributeAsync("data-count", expected[k].GetProperty("count").GetInt32().ToString(CultureInfo.InvariantCulture));
        }
        await Expect(page.Locator("path.choropleth")).ToHaveCountAsync(api.GetProperty("features").GetArrayLength());
        Assert.Equal(0.5714, api.GetProperty("features")[0].GetProperty("properties").GetProperty("value").GetDouble());

        // the gap list flies to the community (street-level basemap tiles are requested)
        var gap = page.GetByTestId("lc-gaps").Locator($"button.fly[data-code='{MapAppFixture.CommunityCode}'][data-element=health]");
        await Expect(gap).ToBeVisibleAsync();
        var z16 = page.WaitForResponseAsync(r => r.Url.Contains("/tiles/basemap/16/"));
        await gap.ClickAsync();
        await z16;

        // trend of 2.3.3 for the community: the chart's points are the snapshots' values, in time order
        await page.GetByTestId("choropleth-indicator").SelectOptionAsync("2.3.3");
        await page.GetByTestId("trend-region").SelectOptionAsync(MapAppFixture.CommunityCode);
        await page.GetByTestId("trend-show").ClickAsync();
        var chart = page.Locator($"figure[data-testid=trend][data-code='{MapAppFixture.CommunityCode}'][data-indicator='2.3.3']");
        await Expect(chart).ToBeVisibleAsync();
        var series = JsonDocument.Parse(await http.GetStringAsync($"/api/scorecard/{MapAppFixture.CommunityCode}/trend?indicator=2.3.3")).RootElement
            .GetProperty("points").EnumerateArray().Where(p => p.GetProperty("value").ValueKind == JsonValueKind.Number).ToList();
        var points = chart.Locator("circle.trend-point");
        await Expect(points).ToHaveCountAsync(series.Count);
        var drawn = await points.EvaluateAllAsync<double[][]>("cs => cs.map(c => [parseFloat(c.dataset.value), parseFloat(c.getAttribute('cx')), parseFloat(c.getAttribute('cy'))])");
        Assert.Equal(series.Select(p => Math.Round(p.GetProperty("value").GetDouble(), 4)), drawn.Select(d => d[0]));
        Assert.Equal([0.25, 0.5, 0.4, 0.75], drawn.Take(4).Select(d => d[0]));
        for (var k = 1; k < drawn.Length; k++)
        {
            Assert.True(drawn[k][1] > drawn[k - 1][1], "later snapshots to the right");
            // a higher value is drawn higher (smaller y), an equal one at the same height
            Assert.Equal(Math.Sign(drawn[k][0] - drawn[k - 1][0]), -Math.Sign(Math.Round(drawn[k][2] - drawn[k - 1][2], 2)));
        }
        await Infrastructure.Browser.ScreenshotAsync(page, "planner-lifecircle-trend");

        // a camera/sensor indicator's values are staff-only, in the chart as in the API: an anonymous planner page says so
        await page.GetByTestId("choropleth-indicator").SelectOptionAsync("3.2.1");
        await page.GetByTestId("trend-show").ClickAsync();
        await Expect(page.GetByTestId("trend-staff-only")).ToBeVisibleAsync();
        await Expect(page.Locator("figure[data-testid=trend]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();

        static string N(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Trend_api_reads_the_snapshots_and_names_bad_parameters()
    {
        using var http = f.App.Factory.CreateClient();
        var bad = await http.GetAsync($"/api/scorecard/{MapAppFixture.CommunityCode}/trend?indicator=9.9.9");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("indicator", JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("parameter").GetString());
        var unknown = await http.GetAsync("/api/scorecard/000000/trend?indicator=coordination");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        // values from cameras and sensors are staff-only, as on the card
        var sensitive = await http.GetAsync($"/api/scorecard/{MapAppFixture.CommunityCode}/trend?indicator=3.2.1");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, sensitive.StatusCode);
        // a dimension's series: one point per snapshot of the region (the newest 3), oldest first
        var dim = JsonDocument.Parse(await http.GetStringAsync($"/api/scorecard/{MapAppFixture.CommunityCode}/trend?indicator=coordination&limit=3")).RootElement;
        Assert.Equal("coordination", dim.GetProperty("indicator").GetString());
        Assert.Equal(MapAppFixture.CommunityName, dim.GetProperty("name").GetString());
        await using var cmd = f.Db.DataSource.CreateCommand("""
            SELECT (dimensions ->> 'coordination')::float8 FROM scorecard_snapshots s JOIN regions r ON r.id = s.region_id
            WHERE r.code = $1 ORDER BY taken_at DESC LIMIT 3
            """);
        cmd.Parameters.AddWithValue(MapAppFixture.CommunityCode);
        var stored = new List<double?>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) stored.Add(r.IsDBNull(0) ? null : r.GetDouble(0));
        stored.Reverse();
        Assert.Equal(stored, dim.GetProperty("points").EnumerateArray()
            .Select(p => p.GetProperty("value").ValueKind == JsonValueKind.Number ? p.GetProperty("value").GetDouble() : (double?)null));
        var times = dim.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("taken_at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
    }
}
