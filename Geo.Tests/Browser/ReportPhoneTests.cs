using System.Globalization;
using Geo.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>上报问题 on a phone (390×844, zh-CN): the photo's EXIF place offered, a draggable pin re-locating the community
/// and the categories offered there (checked against PostGIS), a file that is not an image refused in the form, and a
/// double tap on 提交 filing exactly one case.</summary>
public sealed class ReportPhoneTests(MapAppFixture f) : IClassFixture<MapAppFixture>
{
    private const string AreaCategory = "canal_litter";

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

    /// <summary>A category offered only in the fixture's community (idempotent: the class's tests share the database).</summary>
    private async Task AreaCategoryAsync()
    {
        await using var cmd = f.Db.DataSource.CreateCommand($"""
            INSERT INTO incident_categories (code, name_zh, name_en, time_limit_hours) VALUES ('{AreaCategory}', '运河垃圾', 'Canal litter', 24) ON CONFLICT DO NOTHING;
            INSERT INTO incident_category_areas (category_code, region_id) SELECT '{AreaCategory}', id FROM regions WHERE code = '{MapAppFixture.CommunityCode}' ON CONFLICT DO NOTHING;
            """);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>A real, decodable JPEG drawn by the browser's own canvas (w×h, noise so it does not compress to nothing).</summary>
    internal static async Task<byte[]> CanvasJpegAsync(IPage page, int w, int h, double quality = 0.9)
    {
        var b64 = await page.EvaluateAsync<string>("""
            async ([w, h, q]) => {
                const c = document.createElement('canvas'); c.width = w; c.height = h;
                const g = c.getContext('2d'); const img = g.createImageData(w, h);
                let x = 12345;
                for (let i = 0; i < img.data.length; i += 4) {
                    x = (x * 1103515245 + 12345) & 0x7fffffff;
                    img.data[i] = x & 255; img.data[i + 1] = (x >> 8) & 255; img.data[i + 2] = (x >> 16) & 255; img.data[i + 3] = 255;
                }
                g.putImageData(img, 0, 0);
                const blob = await new Promise(r => c.toBlob(r, 'image/jpeg', q));
                const bytes = new Uint8Array(await blob.arrayBuffer());
                let s = ''; for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
                return btoa(s);
            }
            """, new object[] { w, h, quality });
        return Convert.FromBase64String(b64);
    }

    private static async Task<(double Lon, double Lat)> PlaceAsync(IPage page)
    {
        var el = page.Locator("[data-testid=report-place]");
        return (double.Parse((await el.GetAttributeAsync("data-lon"))!, CultureInfo.InvariantCulture),
            double.Parse((await el.GetAttributeAsync("data-lat"))!, CultureInfo.InvariantCulture));
    }

    private async Task<string?> CommunityAtAsync(double lon, double lat)
    {
        await using var cmd = f.Db.DataSource.CreateCommand(
            "SELECT name FROM regions WHERE level = 'community' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY id LIMIT 1");
        cmd.Parameters.AddWithValue(lon);
        cmd.Parameters.AddWithValue(lat);
        return (string?)await cmd.ExecuteScalarAsync();
    }

    private static async Task<List<string>> OptionsAsync(IPage page) =>
        [.. (await page.Locator("[data-testid=report-category] option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)")).Where(v => v.Length > 0)];

    [Fact]
    public async Task The_photos_place_is_offered_and_dragging_the_pin_relocates_community_and_categories()
    {
        await AreaCategoryAsync();
        var page = await PhoneAsync(new Geolocation { Latitude = 39.9015f, Longitude = 116.6931f });
        await page.Locator("[data-testid=report-open]").ClickAsync();
        await page.Locator("[data-testid=report-gps]").ClickAsync();
        await Expect(page.Locator("[data-testid=report-place]")).ToContainTextAsync("运河测试网格一");
        Assert.Contains(AreaCategory, await OptionsAsync(page));
        await page.Locator("[data-testid=report-category]").SelectOptionAsync(AreaCategory);

        // a photo taken ~130 m east of the community, its GPS in the EXIF: offered, then used
        (double Lon, double Lat) shot = (116.6955, 39.9015);
        Assert.Null(await CommunityAtAsync(shot.Lon, shot.Lat));
        var jpeg = ExifPhotos.WithGps(await CanvasJpegAsync(page, 64, 48), shot.Lon, shot.Lat);
        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.Locator("[data-testid=report-photos]").ClickAsync());
        await chooser.SetFilesAsync(new FilePayload { Name = "IMG_0001.jpg", MimeType = "image/jpeg", Buffer = jpeg });
        await Expect(page.Locator("[data-testid=report-photo-count]")).ToContainTextAsync("1 / 3");
        await Expect(page.Locator("[data-testid=report-photo-place]")).ToContainTextAsync("116.6955, 39.9015");
        await page.Locator("[data-testid=report-use-photo-place]").ClickAsync();
        await Expect(page.Locator("[data-testid=report-place]")).Not.ToContainTextAsync("运河测试网格一");
        var at = await PlaceAsync(page);
        Assert.Equal(shot.Lon, at.Lon, 6);
        Assert.Equal(shot.Lat, at.Lat, 6);
        // the area category is not offered there: said in the form, taken off the list, the choice cleared
        await Expect(page.Locator("[data-testid=report-category-notice]")).ToContainTextAsync("运河垃圾");
        Assert.DoesNotContain(AreaCategory, await OptionsAsync(page));
        Assert.Equal("", await page.Locator("[data-testid=report-category]").InputValueAsync());

        // drag the pin ~100 px west (≈ 180 m at zoom 16) back into the community
        var pin = page.Locator(".drag-pin-report");
        await Expect(pin).ToBeVisibleAsync();
        var box = (await pin.BoundingBoxAsync())!;
        var (x, y) = (box.X + box.Width / 2, box.Y + box.Height / 2);
        var hit = await page.EvaluateAsync<bool>(string.Create(CultureInfo.InvariantCulture,
            $"() => !!document.elementFromPoint({x:F1}, {y:F1})?.closest('.drag-pin-report')"));
        if (!hit) await Infrastructure.Browser.ScreenshotAsync(page, "report-pin-covered-phone");
        Assert.True(hit, $"the pin at ({x:F0}, {y:F0}) is not covered by the form");
        await page.Mouse.MoveAsync(x, y);
        await page.Mouse.DownAsync();
        for (var k = 1; k <= 10; k++) await page.Mouse.MoveAsync(x - 10 * k, y);
        await page.Mouse.UpAsync();
        await Expect(page.Locator("[data-testid=report-place]")).ToContainTextAsync("运河测试网格一");
        var dropped = await PlaceAsync(page);
        Assert.True(dropped.Lon < shot.Lon - 0.001, $"the pin moved west: {dropped.Lon}");
        Assert.Equal(MapAppFixture.CommunityName, await CommunityAtAsync(dropped.Lon, dropped.Lat)); // PostGIS agrees
        Assert.Contains(AreaCategory, await OptionsAsync(page));
        await Infrastructure.Browser.ScreenshotAsync(page, "report-pin-dragged-phone");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_refused_a_double_tap_on_send_files_one_case_and_the_next_reporter_is_offered_it()
    {
        var page = await PhoneAsync(new Geolocation { Latitude = 39.9015f, Longitude = 116.6931f });
        await page.Locator("[data-testid=report-open]").ClickAsync();
        await page.Locator("[data-testid=report-gps]").ClickAsync();
        await Expect(page.Locator("[data-testid=report-place]")).ToContainTextAsync("运河测试网格一");
        await page.Locator("[data-testid=report-category]").SelectOptionAsync("sanitation");
        var marker = $"双击测试 {Guid.NewGuid():N}";
        await page.Locator("[data-testid=report-description]").FillAsync(marker);

        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.Locator("[data-testid=report-photos]").ClickAsync());
        await chooser.SetFilesAsync(new FilePayload { Name = "notes.jpg", MimeType = "image/jpeg", Buffer = "just some text, not a photo"u8.ToArray() });
        await Expect(page.Locator("[data-testid=report-error]")).ToContainTextAsync("不是图片");
        chooser = await page.RunAndWaitForFileChooserAsync(() => page.Locator("[data-testid=report-photos]").ClickAsync());
        await chooser.SetFilesAsync(new FilePayload { Name = "photo.jpg", MimeType = "image/jpeg", Buffer = await CanvasJpegAsync(page, 64, 48) });
        await Expect(page.Locator("[data-testid=report-photo-count]")).ToContainTextAsync("1 / 3");
        await Expect(page.Locator("[data-testid=report-error]")).ToHaveCountAsync(0);

        // two taps as fast as a finger bounces: one case
        var send = page.Locator("[data-testid=report-send]");
        await send.EvaluateAsync("b => { b.click(); b.click(); }");
        await Expect(page.Locator("[data-testid=report-receipt]")).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(500);
        Assert.Equal(1, await GridFixtures.CountAsync(f.Db.DataSource, "SELECT count(*) FROM incidents WHERE description = $1", marker));
        Assert.Equal(1, await GridFixtures.CountAsync(f.Db.DataSource, "SELECT count(*) FROM incident_photos p JOIN incidents i ON i.id = p.incident_id WHERE i.description = $1", marker));
        var id = await GridFixtures.CountAsync(f.Db.DataSource, "SELECT id FROM incidents WHERE description = $1", marker);
        await page.Context.CloseAsync();

        // the next resident at the same place, same category: the case is offered to follow instead, before sending
        page = await PhoneAsync(new Geolocation { Latitude = 39.9015f, Longitude = 116.6931f });
        await page.Locator("[data-testid=report-open]").ClickAsync();
        await page.Locator("[data-testid=report-gps]").ClickAsync();
        await Expect(page.Locator("[data-testid=report-place]")).ToContainTextAsync("运河测试网格一");
        await page.Locator("[data-testid=report-category]").SelectOptionAsync("sanitation");
        var follow = page.Locator($"[data-testid=report-follow-instead][href^='/cases/{id}?']");
        await Expect(follow).ToContainTextAsync("关注此案件");
        await page.Locator("[data-testid=report-category]").SelectOptionAsync("noise");
        await Expect(page.Locator("[data-testid=report-follow-instead]")).ToHaveCountAsync(0); // another category: no duplicate
        await page.Context.CloseAsync();
    }
}
