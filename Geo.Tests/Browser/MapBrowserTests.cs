using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>The map in Debian Chromium against Geo.Web on Kestrel and PostGIS.</summary>
public sealed partial class MapBrowserTests(MapAppFixture f) : IClassFixture<MapAppFixture>
{
    [Fact]
    public async Task Map_loads_with_its_own_vector_tiles_and_marks_synthetic_data()
    {
        var page = await f.Browser.NewPageAsync(f.App.BaseUrl);
        var basemapTile = page.WaitForResponseAsync(r => r.Url.Contains("/tiles/basemap/") && r.Status == 200);
        await page.GotoAsync("/");
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        await basemapTile;
        await Expect(page.Locator(".leaflet-host.basemap-loaded")).ToBeVisibleAsync();
        await Expect(page.Locator(".leaflet-host canvas").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("synthetic-banner")).ToBeVisibleAsync();
        // cameras are staff-only: not in the layer panel for an anonymous user
        await Expect(page.Locator("input[data-kind=camera]")).ToHaveCountAsync(0);
        await Infrastructure.Browser.ScreenshotAsync(page, "map-desktop");

        var phone = await f.Browser.NewPageAsync(f.App.BaseUrl, 390, 844);
        await phone.GotoAsync("/resident");
        await Infrastructure.Browser.WaitInteractiveAsync(phone);
        await Expect(phone.Locator(".leaflet-host.basemap-loaded")).ToBeVisibleAsync();
        var box = await phone.Locator(".leaflet-host").BoundingBoxAsync();
        Assert.True(box is { Width: > 300, Height: > 300 }, "the map should fill a phone screen");
        await Infrastructure.Browser.ScreenshotAsync(phone, "map-phone");
        await phone.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Search_finds_the_community_then_layers_toggle_and_clicks_open_the_right_popups()
    {
        var page = await f.OpenMapAsync("/");

        // search by code finds the community too; by name here
        var hit = await page.SearchAsync("运河测试", "community");
        await Expect(hit).ToContainTextAsync(MapAppFixture.CommunityName);
        await Expect(hit).ToContainTextAsync(MapAppFixture.CommunityCode);
        await hit.ClickAsync();

        var wifi = page.Locator(".geo-marker.kind-wifi_hotspot");
        await Expect(wifi).ToHaveCountAsync(1);
        await Expect(page.Locator(".geo-marker.kind-shelter")).ToHaveCountAsync(1);
        await Expect(page.Locator(".geo-marker.kind-camera")).ToHaveCountAsync(0);
        await Expect(wifi).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("synthetic"));

        await page.Locator("input[data-kind=wifi_hotspot]").UncheckAsync();
        await Expect(wifi).ToHaveCountAsync(0);
        await page.Locator("input[data-kind=wifi_hotspot]").CheckAsync();
        await Expect(wifi).ToHaveCountAsync(1);

        await wifi.ClickAsync();
        var popup = page.Locator(".asset-popup");
        await Expect(popup.Locator("h3")).ToHaveTextAsync(MapAppFixture.WifiName);
        await Expect(popup).ToContainTextAsync(MapAppFixture.Ssid);
        await Expect(popup).ToContainTextAsync("覆盖半径");
        await Expect(popup.Locator(".synthetic-badge")).ToBeVisibleAsync();
        await Infrastructure.Browser.ScreenshotAsync(page, "asset-popup");

        // the square's centre (the map's centre after fitting it) has no marker: a click locates it
        var map = await page.Locator(".leaflet-host").BoundingBoxAsync();
        await page.Mouse.ClickAsync(map!.X + map.Width / 2, map.Y + map.Height / 2);
        var locate = page.Locator(".locate-popup");
        await Expect(locate.Locator("h3")).ToHaveTextAsync(MapAppFixture.CommunityName);
        await Expect(locate).ToContainTextAsync(MapAppFixture.GridCode);
        await Expect(page.GetByTestId("locate-result")).ToContainTextAsync(MapAppFixture.GridCode);
        await Infrastructure.Browser.ScreenshotAsync(page, "locate-popup");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Language_switch_turns_the_interface_english_and_back()
    {
        var page = await f.Browser.NewPageAsync(f.App.BaseUrl);
        await page.GotoAsync("/planner");
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        await Expect(page.Locator(".topbar .title")).ToHaveTextAsync("通州智慧社区地图");
        await Expect(page.Locator(".layer[data-kind=wifi_hotspot] .name")).ToHaveTextAsync("无线热点");
        await page.GetByTestId("lang-switch").ClickAsync();
        await Expect(page.Locator(".topbar .title")).ToHaveTextAsync("Tongzhou Smart Community Map");
        await Expect(page.Locator(".layer[data-kind=wifi_hotspot] .name")).ToHaveTextAsync("Wi-Fi hotspot");
        await Expect(page.Locator(".layer-panel h2").First).ToHaveTextAsync("Layers");
        await Expect(page.GetByTestId("synthetic-banner")).ToContainTextAsync("synthetic");
        await Infrastructure.Browser.ScreenshotAsync(page, "planner-english");
        await page.GetByTestId("lang-switch").ClickAsync();
        await Expect(page.Locator(".topbar .title")).ToHaveTextAsync("通州智慧社区地图");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Measuring_two_points_shows_a_distance_and_near_me_lists_nearby_assets()
    {
        var page = await f.OpenMapAsync("/");
        await page.SearchAndOpenCommunityAsync(MapAppFixture.CommunityCode);
        await Expect(page.Locator(".geo-marker.kind-shelter")).ToHaveCountAsync(1);

        var map = (await page.Locator(".leaflet-host").BoundingBoxAsync())!;
        await page.GetByTestId("measure").ClickAsync();
        await Expect(page.Locator(".leaflet-host.measuring")).ToHaveCountAsync(1); // the mode reaches JS over the circuit
        await page.Mouse.ClickAsync(map.X + map.Width / 2 - 100, map.Y + map.Height / 2 + 100);
        await page.Mouse.ClickAsync(map.X + map.Width / 2 + 100, map.Y + map.Height / 2 + 100);
        await Expect(page.Locator(".measure-tooltip")).ToContainTextAsync("距离");
        await page.GetByTestId("measure").ClickAsync();
        await Expect(page.Locator(".leaflet-host.measuring")).ToHaveCountAsync(0);

        await page.GetByTestId("near-me").ClickAsync(); // no geolocation permission: the last clicked point
        await Expect(page.GetByTestId("nearby")).ToContainTextAsync("测试避难场所");
        await Expect(page.GetByTestId("nearby")).Not.ToContainTextAsync("摄像头");
        await page.Context.CloseAsync();
    }
}
