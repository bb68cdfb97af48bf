using Microsoft.Playwright;

namespace Geo.Tests.Browser;

/// <summary>Steps on an open map page (<see cref="MapAppFixture.OpenMapAsync"/>) that many browser tests take
/// the same way; each test keeps its own waits and expectations after them.</summary>
internal static class MapPage
{
    /// <summary>Types <paramref name="text"/> in the search box and presses Enter; returns the hits of one type
    /// (<c>community</c>, <c>grid_cell</c>, <c>asset</c>), not yet waited for.</summary>
    public static async Task<ILocator> SearchAsync(this IPage page, string text, string type)
    {
        var input = page.GetByTestId("search-input");
        await input.FillAsync(text);
        await input.PressAsync("Enter");
        return page.Locator($".search-hit[data-type={type}]");
    }

    /// <summary>Searches a community by its code and clicks the hit: the map starts fitting the community's outline
    /// (the caller waits for what it needs, a marker or the end of the zoom animation).</summary>
    public static async Task SearchAndOpenCommunityAsync(this IPage page, string code) =>
        await (await page.SearchAsync(code, "community")).ClickAsync();
}
