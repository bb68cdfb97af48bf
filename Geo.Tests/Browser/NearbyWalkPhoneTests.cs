using System.Globalization;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>附近 by category on the phone viewport (390×844, zh-CN): from the GPS position a category chip lists places in
/// walking order with minutes and metres, the numbered markers on the map are the same places in the same order, and
/// the chips are 44 px labelled buttons reachable by keyboard.</summary>
public sealed class NearbyWalkPhoneTests(MapAppFixture f) : IClassFixture<MapAppFixture>
{
    private async Task<(IBrowserContext, IPage)> PhoneAsync()
    {
        var context = await f.Browser.Chromium.NewContextAsync(new()
        {
            BaseURL = f.App.BaseUrl, ViewportSize = new() { Width = 390, Height = 844 }, Locale = "zh-CN", HasTouch = true, IsMobile = true,
            Geolocation = new Geolocation { Latitude = 39.9015f, Longitude = 116.6915f }, Permissions = ["geolocation"],
        });
        context.SetDefaultTimeout(Infrastructure.Browser.TimeoutMs);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/resident");
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        await Expect(page.Locator(".leaflet-host.basemap-loaded")).ToBeVisibleAsync();
        return (context, page);
    }

    [Fact]
    public async Task Searching_zhensuo_on_the_phone_finds_the_clinic_nearest_first_with_its_distance()
    {
        await GridFixtures.AssetAsync(f.Db, "运河卫生服务站", 116.6925, 39.9020, new ShopAttributes(LifeElement.Health, "clinic"));
        var (context, page) = await PhoneAsync();
        await page.GetByTestId("near-me").ClickAsync();
        // the GPS position is the page's once 附近 has answered from it
        await Expect(page.GetByTestId("nearby")).ToBeVisibleAsync();
        var hits = await page.SearchAsync("诊所", "asset");
        await Expect(hits.First).ToContainTextAsync("运河卫生服务站");
        await Expect(hits.First.Locator(".hit-distance")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ m$"));
        await Expect(hits.First.Locator(".hit-detail")).ToContainTextAsync("社区卫生服务站");
        await Infrastructure.Browser.ScreenshotAsync(page, "search-clinic-phone");
        await context.CloseAsync();
    }

    [Fact]
    public async Task A_category_chip_lists_places_in_walking_order_and_the_markers_agree()
    {
        var (context, page) = await PhoneAsync();

        var chip = page.Locator(".nearby-walk .chip[data-category=shelter]");
        await Expect(chip).ToHaveTextAsync("应急避难");
        var box = (await chip.BoundingBoxAsync())!;
        Assert.True(box.Height >= 44, $"chip is {box.Height} px high");

        await page.GetByTestId("near-me").ClickAsync();
        // the GPS position is the page's once 附近 has answered from it
        await Expect(page.GetByTestId("nearby")).ToBeVisibleAsync();
        // keyboard: focus the chip and press Enter
        await chip.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(chip).ToHaveAttributeAsync("aria-pressed", "true");
        var rows = page.GetByTestId("nearby-walk-list").Locator("li");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("测试避难场所");
        await Expect(rows.First).ToContainTextAsync("分钟");
        await Expect(rows.First).ToContainTextAsync("米");
        var minutes = double.Parse((await rows.First.GetAttributeAsync("data-minutes"))!, CultureInfo.InvariantCulture);
        Assert.InRange(minutes, 0.5, 30);

        // the markers are the list: same ids, same order
        var markers = page.Locator(".walk-rank");
        await Expect(markers).ToHaveCountAsync(1);
        Assert.Equal(await rows.First.GetAttributeAsync("data-id"), await markers.First.GetAttributeAsync("data-id"));
        await Expect(markers.First).ToHaveTextAsync("1");
        await Infrastructure.Browser.ScreenshotAsync(page, "nearby-walk-phone");
        await context.CloseAsync();
    }
}
