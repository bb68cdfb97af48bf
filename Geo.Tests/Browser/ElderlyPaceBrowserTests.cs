using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>The resident view's pace switch (issue 16): the same point walked at the elderly pace reaches less.</summary>
public sealed partial class MapBrowserTests
{
    [Fact]
    public async Task Resident_switches_to_the_elderly_pace_and_the_bands_shrink()
    {
        var page = await f.OpenMapAsync("/resident");
        await page.SearchAndOpenCommunityAsync(MapAppFixture.CommunityCode);
        await Expect(page.Locator(".leaflet-host.leaflet-zoom-anim")).ToHaveCountAsync(0);
        await page.WaitForTimeoutAsync(500);
        var map = await page.Locator(".leaflet-host").BoundingBoxAsync();
        await page.Mouse.ClickAsync(map!.X + map.Width / 2, map.Y + map.Height / 2);
        var bands = page.Locator("path.isochrone-band");
        await Expect(bands).ToHaveCountAsync(3);
        var adult = page.Locator(".isochrone button.pace-btn[data-pace=adult]");
        var elderly = page.Locator(".isochrone button.pace-btn[data-pace=elderly]");
        await Expect(adult).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(elderly).ToContainTextAsync("3");
        // the 5-minute band (drawn last, innermost): the street network of the fixture is small enough for 15 minutes to reach all of it
        const string outerArea = "() => { const p = [...document.querySelectorAll('path.isochrone-band')].pop(); const b = p.getBBox(); return b.width * b.height; }";
        var adultArea = await page.EvaluateAsync<double>(outerArea);

        await elderly.ClickAsync();
        await Expect(elderly).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(adult).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(bands).ToHaveCountAsync(3);
        await page.WaitForFunctionAsync($"a => ({outerArea})() < a * 0.95", adultArea);
        var elderlyArea = await page.EvaluateAsync<double>(outerArea);
        Assert.True(elderlyArea < adultArea, $"elderly 5-minute band {elderlyArea:F0} px² vs adult {adultArea:F0} px²");
        // a tap target for a finger
        Assert.True((await elderly.BoundingBoxAsync())!.Height >= 44);
        await page.Context.CloseAsync();
    }
}
