using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>The resident map on a phone viewport (390×844, iPhone 12–14): every tap target at least 44 px high,
/// 附近 ranks from the device position (GPS) rather than the last tap, and a chosen search result is outlined
/// and lands in the part of the map the bottom panel leaves uncovered.</summary>
public sealed class PhoneBrowserTests(MapAppFixture f) : IClassFixture<MapAppFixture>
{
    private async Task<IPage> PhoneAsync(Geolocation? gps = null)
    {
        var context = await f.Browser.Chromium.NewContextAsync(new()
        {
            BaseURL = f.App.BaseUrl, ViewportSize = new() { Width = 390, Height = 844 }, Locale = "zh-CN", HasTouch = true, IsMobile = true,
            Geolocation = gps, Permissions = gps is null ? [] : ["geolocation"],
        });
        context.SetDefaultTimeout(Infrastructure.Browser.TimeoutMs);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/resident");
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        await Expect(page.Locator(".leaflet-host.basemap-loaded")).ToBeVisibleAsync();
        return page;
    }

    [Fact]
    public async Task Every_tap_target_is_at_least_44_px_high()
    {
        var page = await PhoneAsync();
        await Expect(page.Locator("input[data-kind=shelter]")).ToBeVisibleAsync();
        var json = await page.EvaluateAsync<JsonElement>("""
            () => [...document.querySelectorAll('.panel button, .panel a, .panel select, .panel input, .topbar a, .topbar button, .panel-toggle, .leaflet-control-container a')]
                .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; })
                .map(e => {
                    const r = e.getBoundingClientRect();
                    const box = (e.type === 'checkbox' || e.type === 'radio') && e.closest('label') ? e.closest('label').getBoundingClientRect() : r;
                    return { what: e.outerHTML.slice(0, 80), h: box.height, own: r.height, check: e.type === 'checkbox' || e.type === 'radio' };
                })
            """);
        var targets = json.EnumerateArray().ToList();
        Assert.True(targets.Count >= 10, $"only {targets.Count} tap targets found");
        Assert.Contains(targets, t => t.GetProperty("check").GetBoolean());
        var small = targets.Where(t => t.GetProperty("h").GetDouble() < 44 || (t.GetProperty("check").GetBoolean() && t.GetProperty("own").GetDouble() < 24))
            .Select(t => $"{t.GetProperty("h").GetDouble():0}px {t.GetProperty("what").GetString()}").ToList();
        Assert.True(small.Count == 0, "tap targets under 44 px:\n" + string.Join("\n", small));
        await Infrastructure.Browser.ScreenshotAsync(page, "map-phone-targets");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Near_me_ranks_from_the_gps_position_not_the_last_tap()
    {
        // GPS at the shelter; the last tap will be at the Wi-Fi hotspot's longitude (both at 39.9015 N, 200 m apart)
        var page = await PhoneAsync(new Geolocation { Latitude = 39.9015f, Longitude = 116.6931f });
        await page.SearchAndOpenCommunityAsync(MapAppFixture.CommunityCode);
        await Expect(page.Locator(".geo-marker.kind-shelter")).ToHaveCountAsync(1);
        var wifi = (await page.Locator(".geo-marker.kind-wifi_hotspot").BoundingBoxAsync())!;
        var map = (await page.Locator(".leaflet-host").BoundingBoxAsync())!;
        // tap the map straight above the hotspot, in the part the panel does not cover
        await page.Mouse.ClickAsync(wifi.X + wifi.Width / 2, map.Y + 60);

        await page.GetByTestId("near-me").ClickAsync();
        var hits = page.GetByTestId("nearby").Locator("li");
        await Expect(hits.First).ToContainTextAsync("测试避难场所");
        await Expect(hits.Nth(1)).ToContainTextAsync(MapAppFixture.WifiName);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_chosen_search_result_is_outlined_above_the_bottom_panel()
    {
        var page = await PhoneAsync();
        var hits = await page.SearchAsync(MapAppFixture.WifiName, "asset");
        await hits.First.ClickAsync();
        var outline = page.Locator("path.selected-outline");
        await Expect(outline).ToHaveCountAsync(1);
        await Expect(page.Locator(".asset-popup h3")).ToHaveTextAsync(MapAppFixture.WifiName);
        var ring = (await outline.BoundingBoxAsync())!;
        var panel = (await page.Locator(".panel").BoundingBoxAsync())!;
        var map = (await page.Locator(".leaflet-host").BoundingBoxAsync())!;
        Assert.True(ring.Y + ring.Height < panel.Y, $"the outline (y {ring.Y:0}–{ring.Y + ring.Height:0}) is behind the panel (from y {panel.Y:0})");
        Assert.True(ring.Y > map.Y, "the outline is above the map");
        await Infrastructure.Browser.ScreenshotAsync(page, "map-phone-selected");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_report_with_a_photo_is_filed_through_the_file_chooser_and_its_status_page_opens()
    {
        var page = await PhoneAsync(new Geolocation { Latitude = 39.9015f, Longitude = 116.6931f });
        await page.Locator("[data-testid=report-open]").ClickAsync();
        await page.Locator("[data-testid=report-gps]").ClickAsync();
        await Expect(page.Locator("[data-testid=report-place]")).ToContainTextAsync("运河测试网格一");
        await page.Locator("[data-testid=report-category]").SelectOptionAsync("sanitation");
        await page.Locator("[data-testid=report-description]").FillAsync("垃圾桶满溢");
        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.Locator("[data-testid=report-photos]").ClickAsync());
        await chooser.SetFilesAsync(new FilePayload { Name = "photo.png", MimeType = "image/png", Buffer = Convert.FromBase64String(Infrastructure.GridFixtures.TinyPng) });
        await Expect(page.Locator("[data-testid=report-photo-count]")).ToContainTextAsync("1 / 3");
        await page.Locator("[data-testid=report-send]").ClickAsync();
        await Expect(page.Locator("[data-testid=report-receipt]")).ToBeVisibleAsync();
        var href = await page.Locator("[data-testid=report-follow]").GetAttributeAsync("href");
        Assert.StartsWith("/cases/", href);
        await page.GotoAsync(href!);
        await Expect(page.Locator("[data-testid=case-status]")).ToHaveTextAsync("上报");
        await Infrastructure.Browser.ScreenshotAsync(page, "report-case-page-phone");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Go_here_in_a_popup_draws_the_walk_from_the_phone_with_minutes_metres_and_handoff_links()
    {
        var page = await PhoneAsync(new Geolocation { Latitude = 39.9015f, Longitude = 116.6931f });
        var hits = await page.SearchAsync(MapAppFixture.WifiName, "asset");
        await hits.First.ClickAsync();
        var go = page.Locator(".asset-popup button.go-here");
        await Expect(go).ToHaveTextAsync("去这里");
        // the search result flies the map there and the popup pans the map to fit: measure and tap once the button
        // has stood still for a polling interval (a tap during the pan lands on the map, whose popup replaces this one)
        await page.WaitForFunctionAsync("""
            () => {
                const b = document.querySelector('.asset-popup button.go-here');
                if (!b || document.querySelector('.leaflet-zoom-anim')) return false;
                const r = b.getBoundingClientRect();
                const key = `${r.x},${r.y},${r.width},${r.height}`;
                const still = window.__goHereRect === key;
                window.__goHereRect = key;
                return still && r.height >= 44;
            }
            """, null, new PageWaitForFunctionOptions { PollingInterval = 300 });
        var console = new List<string>();
        page.Console += (_, m) => console.Add($"{m.Type}: {m.Text}");
        await go.ClickAsync();
        var result = page.Locator(".asset-popup .route-result");
        await Expect(result).ToHaveCountAsync(1);
        try
        {
            await Expect(result).ToContainTextAsync("步行"); // else it shows the error
        }
        catch (PlaywrightException)
        {
            Assert.Fail($"no route: '{await result.TextContentAsync()}' ({await result.GetAttributeAsync("data-detail")}); console: {string.Join(" | ", console)}");
        }
        await Expect(page.Locator("path.walk-route")).ToHaveCountAsync(1);
        var summary = await page.Locator(".asset-popup .route-summary").TextContentAsync();
        // the same Core use case the API answers with: the popup's figures are its figures
        var expected = await f.App.Services.GetRequiredService<Geo.Core.Walking.WalkingRoute>()
            .RouteAsync(116.6931, 39.9015, 116.6910, 39.9015, new Geo.Core.Walking.WalkingOptions().Adult);
        Assert.Equal($"步行 {Math.Max(1, Math.Round(expected.Minutes))} 分钟 · {Math.Round(expected.Meters)} 米", summary);
        Assert.StartsWith("https://uri.amap.com/navigation?", await page.Locator(".asset-popup a.handoff-amap").GetAttributeAsync("href"));
        Assert.StartsWith("http://api.map.baidu.com/direction?", await page.Locator(".asset-popup a.handoff-baidu").GetAttributeAsync("href"));
        Assert.True((await page.Locator(".asset-popup a.handoff-amap").BoundingBoxAsync())!.Height >= 44);
        await Infrastructure.Browser.ScreenshotAsync(page, "map-phone-route");
        await page.Context.CloseAsync();
    }

    /// <summary>Issue 21 (5): at street zoom the basemap names the streets (the walking network's names, synthetic here:
    /// grey italics) and the community, from Geo's own tiles; no two names overlap; large-text mode sets them larger.</summary>
    [Fact]
    public async Task Basemap_names_streets_and_the_community_at_street_zoom_without_overlaps()
    {
        var page = await PhoneAsync();
        await page.SearchAndOpenCommunityAsync(MapAppFixture.CommunityCode);
        var community = page.Locator(".geo-label-community", new() { HasText = MapAppFixture.CommunityName });
        await Expect(community).ToHaveCountAsync(1);
        var streets = page.Locator(".geo-label-street, .geo-label-primary");
        await Expect(streets.First).ToBeAttachedAsync();

        // every street name drawn is a name of the database's walking network, marked synthetic as its edges are
        var known = new HashSet<string>();
        await using (var cmd = f.Db.DataSource.CreateCommand("SELECT DISTINCT name FROM walk_edges WHERE name IS NOT NULL AND synthetic"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) known.Add(r.GetString(0));
        var drawn = await streets.EvaluateAllAsync<string[]>("els => els.map(e => e.textContent)");
        Assert.NotEmpty(drawn);
        Assert.All(drawn, n => Assert.Contains(n, known));
        Assert.Equal(drawn.Length, await page.Locator(".geo-label-street.synthetic, .geo-label-primary.synthetic").CountAsync());
        Assert.Equal(0, await page.Locator(".geo-label", new() { HasText = "不应显示的摄像头" }).CountAsync());

        // no two labels of the shown zoom overlap on screen (Leaflet keeps the level being left for a moment: skip it)
        const string overlaps = """
            () => {
              const levels = [...document.querySelectorAll('.leaflet-pane .leaflet-tile-container')].filter(l => l.querySelector('.geo-label'));
              const top = levels.reduce((a, b) => (+getComputedStyle(b).zIndex > +getComputedStyle(a).zIndex ? b : a), levels[0]);
              const boxes = [...top.querySelectorAll('.geo-label')].map(e => ({ n: e.textContent, r: e.getBoundingClientRect() }));
              const hits = [];
              for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                const a = boxes[i].r, b = boxes[j].r;
                if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) hits.push(boxes[i].n + ' / ' + boxes[j].n);
              }
              return { count: boxes.length, hits };
            }
            """;
        var check = await page.EvaluateAsync<JsonElement>(overlaps);
        Assert.True(check.GetProperty("count").GetInt32() >= 3, check.ToString());
        Assert.True(check.GetProperty("hits").GetArrayLength() == 0, check.ToString());
        await Infrastructure.Browser.ScreenshotAsync(page, "basemap-labels-phone");

        // large-text mode: the same names, larger, and still apart
        var before = await community.EvaluateAsync<double>("e => parseFloat(getComputedStyle(e).fontSize)");
        await page.EvaluateAsync("() => document.documentElement.classList.add('contrast-high')");
        await page.WaitForFunctionAsync($"() => {{ const e = document.querySelector('.geo-label-community'); return e && parseFloat(getComputedStyle(e).fontSize) > {before.ToString(System.Globalization.CultureInfo.InvariantCulture)}; }}");
        check = await page.EvaluateAsync<JsonElement>(overlaps);
        Assert.True(check.GetProperty("hits").GetArrayLength() == 0, check.ToString());
        await page.Context.CloseAsync();
    }
}
