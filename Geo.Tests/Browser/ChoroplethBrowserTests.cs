using System.Globalization;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>The planner's indicator map (issue 16): the legend on the page is the API's legend, value for value.</summary>
public sealed partial class MapBrowserTests
{
    [Fact]
    public async Task Planner_choropleth_legend_equals_the_api_and_the_regions_are_drawn_in_its_colours()
    {
        var page = await f.Browser.NewPageAsync(f.App.BaseUrl);
        await page.GotoAsync("/planner");
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        var table = page.GetByTestId("scorecard");
        await table.Locator("tr[data-code='110112999'] button.drill").ClickAsync();
        await Expect(table.Locator($"tr[data-code='{MapAppFixture.CommunityCode}']")).ToBeVisibleAsync();
        await page.GetByTestId("choropleth-indicator").SelectOptionAsync("2.3.3");
        await page.GetByTestId("choropleth-show").ClickAsync();
        var legend = page.GetByTestId("choropleth-legend").Locator("li[data-from]");
        await Expect(legend.First).ToBeVisibleAsync();

        using var http = f.App.Factory.CreateClient();
        var api = JsonDocument.Parse(await http.GetStringAsync("/api/scorecard/choropleth?indicator=2.3.3&level=community&parent=110112999")).RootElement;
        var expected = api.GetProperty("legend").EnumerateArray().ToList();
        Assert.NotEmpty(expected);
        await Expect(legend).ToHaveCountAsync(expected.Count);
        for (var k = 0; k < expected.Count; k++)
        {
            string N(string p) => expected[k].GetProperty(p).GetDouble().ToString("0.####", CultureInfo.InvariantCulture);
            await Expect(legend.Nth(k)).ToHaveAttributeAsync("data-from", N("from"));
            await Expect(legend.Nth(k)).ToHaveAttributeAsync("data-to", N("to"));
            await Expect(legend.Nth(k)).ToHaveAttributeAsync("data-count", expected[k].GetProperty("count").GetInt32().ToString(CultureInfo.InvariantCulture));
        }
        // every region with a value is drawn, filled with its class's colour
        var features = api.GetProperty("features").EnumerateArray().ToList();
        await Expect(page.Locator("path.choropleth")).ToHaveCountAsync(features.Count);
        var fill = await page.Locator("path.choropleth").First.GetAttributeAsync("fill");
        Assert.Equal(features[0].GetProperty("properties").GetProperty("colour").GetString(), fill);
        await Infrastructure.Browser.ScreenshotAsync(page, "planner-choropleth");
        await page.Context.CloseAsync();
    }
}
