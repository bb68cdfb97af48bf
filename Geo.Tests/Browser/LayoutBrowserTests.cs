using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Geo.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>Issue 21 item 6 on a 390×844 phone: the map keeps at least 55 % of the screen in the standard look and in large
/// text, in both languages (measured: the map's visible area over the viewport's, the panel and its toggle subtracted); the
/// synthetic-data strip never covers a popup or the report form; the new controls (menu, strip, sheet toggle) pass the
/// accessibility checks; the report form tells screen readers its errors and its receipt.</summary>
public sealed class PhoneLayoutBrowserTests(MapAppFixture f, ITestOutputHelper output) : IClassFixture<MapAppFixture>
{
    private const int Width = 390, Height = 844;

    private async Task<IPage> PhoneAsync(string query = "", Geolocation? gps = null)
    {
        var context = await f.Browser.Chromium.NewContextAsync(new()
        {
            BaseURL = f.App.BaseUrl, ViewportSize = new() { Width = Width, Height = Height }, Locale = "zh-CN", HasTouch = true, IsMobile = true,
            Geolocation = gps, Permissions = gps is null ? [] : ["geolocation"],
        });
        context.SetDefaultTimeout(Infrastructure.Browser.TimeoutMs);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/resident" + query);
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        await Expect(page.Locator(".leaflet-host.basemap-loaded")).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(300); // Leaflet's resize after the header settles
        return page;
    }

    /// <summary>The map's area inside the viewport that nothing of the page covers (the bottom sheet and its toggle, the
    /// header's menu when open), over the viewport's area.</summary>
    private const string VisibleMapJs = """
        () => {
          const vw = innerWidth, vh = innerHeight;
          const clip = r => ({ l: Math.max(0, r.left), t: Math.max(0, r.top), r: Math.min(vw, r.right), b: Math.min(vh, r.bottom) });
          const area = a => Math.max(0, a.r - a.l) * Math.max(0, a.b - a.t);
          const both = (a, b) => ({ l: Math.max(a.l, b.l), t: Math.max(a.t, b.t), r: Math.min(a.r, b.r), b: Math.min(a.b, b.b) });
          const map = clip(document.querySelector('.leaflet-host').getBoundingClientRect());
          let covered = 0;
          for (const e of document.querySelectorAll('.panel, .panel-toggle, .header-menu, .synthetic-banner')) {
            const r = e.getBoundingClientRect();
            if (r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden') covered += area(both(map, clip(r)));
          }
          return { share: (area(map) - covered) / (vw * vh), header: document.querySelector('.topbar').getBoundingClientRect().height,
                   mapHeight: map.b - map.t, covered,
                   titleSize: parseFloat(getComputedStyle(document.querySelector('.topbar .title-short')).fontSize),
                   introSize: parseFloat(getComputedStyle(document.querySelector('.panel .intro')).fontSize) };
        }
        """;

    private sealed record Visible(double Share, double Header, double MapHeight, double Covered, double TitleSize, double IntroSize);

    private static async Task<Visible> MeasureAsync(IPage page) =>
        (await page.EvaluateAsync<JsonElement>(VisibleMapJs)).Deserialize<Visible>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    [Theory]
    [InlineData(false, "zh")]
    [InlineData(true, "zh")]
    [InlineData(false, "en")]
    [InlineData(true, "en")]
    public async Task The_map_keeps_55_percent_of_a_phone_screen_in_both_looks_and_languages(bool high, string lang)
    {
        var page = await PhoneAsync("?contrast=" + (high ? "high" : "normal") + (lang == "en" ? "&lang=en" : ""));
        Assert.Equal(high, await page.EvaluateAsync<bool>("() => document.documentElement.classList.contains('contrast-high')"));
        await Expect(page.GetByTestId("synthetic-banner")).ToBeVisibleAsync(); // measured with the strip showing
        await Expect(page.Locator(".panel.open")).ToBeVisibleAsync(); // and the sheet open, as a page opens
        var m = await MeasureAsync(page);
        output.WriteLine($"phone {Width}×{Height} {(high ? "large text" : "standard")} {lang}: map visible {m.Share:P1} of the screen, header {m.Header:0} px, map {m.MapHeight:0} px tall, {m.Covered:0} px² under the sheet");
        Assert.True(m.Share >= 0.55, $"the map shows on {m.Share:P1} of the screen (header {m.Header:0} px)");
        Assert.True(m.Header <= 64, $"the header is {m.Header:0} px tall: it wraps");
        if (high)
        {
            // the large text stays large: title and panel text, and no text on the page under 16 px
            Assert.True(m.TitleSize >= 20 && m.IntroSize >= 20, $"title {m.TitleSize} px, panel text {m.IntroSize} px");
            var texts = await A11y.TextContrastsAsync(page);
            Assert.True(texts.Min(t => t.Size) >= 16, $"smallest text {texts.Min(t => t.Size)} px: {texts.MinBy(t => t.Size)!.Text}");
        }
        await A11y.AssertContrastAsync(page, minTexts: 10);
        await Infrastructure.Browser.ScreenshotAsync(page, $"layout-phone-{(high ? "high" : "standard")}-{lang}");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_header_menu_holds_the_views_and_switches_and_passes_the_accessibility_checks(bool high)
    {
        var page = await PhoneAsync(high ? "?contrast=high" : "");
        var menu = page.GetByTestId("menu-button");
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(page.GetByTestId("contrast-switch")).ToBeHiddenAsync();
        await menu.ClickAsync();
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(page.GetByTestId("contrast-switch")).ToBeVisibleAsync();
        await Expect(page.Locator(".header-menu .view-link")).ToHaveCountAsync(3);
        // every control on the page with the menu open (menu, its views and switches, the strip's button, the sheet's toggle)
        var tree = await A11y.AssertControlsAsync(page, minControls: 10);
        Assert.Contains(high ? "button \"标准显示\"" : "button \"大字高对比\"", tree);
        Assert.Contains("button \"知道了\"", tree);
        await A11y.AssertContrastAsync(page, minTexts: 10);
        await A11y.AssertNoEnglishAsync(page, "Geo", MapAppFixture.Ssid);
        await Infrastructure.Browser.ScreenshotAsync(page, $"layout-phone-menu-{(high ? "high" : "standard")}");

        // the switch in the menu changes the look; closed again, the map still has its share in the new look
        await page.GetByTestId("contrast-switch").ClickAsync();
        if (high) await Expect(page.Locator("html")).Not.ToHaveClassAsync(new Regex("contrast-high"));
        else await Expect(page.Locator("html")).ToHaveClassAsync(new Regex("contrast-high"));
        await menu.ClickAsync();
        await Expect(page.GetByTestId("contrast-switch")).ToBeHiddenAsync();
        var m = await MeasureAsync(page);
        Assert.True(m.Share >= 0.55, $"after the switch the map shows on {m.Share:P1} of the screen");
        await page.Context.CloseAsync();
    }

    private const string RectsJs = """
        sels => sels.map(s => { const e = document.querySelector(s); if (!e) return null; const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })
        """;

    private static bool Intersect(double[] a, double[] b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

    private static string Show(double[] r) => string.Format(CultureInfo.InvariantCulture, "({0:0},{1:0})–({2:0},{3:0})", r[0], r[1], r[2], r[3]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_synthetic_strip_never_covers_a_popup_or_the_report_form(bool high)
    {
        var page = await PhoneAsync(high ? "?contrast=high" : "");
        await Expect(page.GetByTestId("synthetic-banner")).ToBeVisibleAsync();
        // the strip lies outside the map's box, and Leaflet clips everything it draws (popups too) to that box
        Assert.Equal("hidden", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.leaflet-container')).overflow"));
        var rects = await page.EvaluateAsync<double[][]>(RectsJs, new[] { "[data-testid=synthetic-banner]", ".map-box" });
        Assert.False(Intersect(rects[0], rects[1]), $"the strip {Show(rects[0])} lies over the map {Show(rects[1])}");

        // an asset's popup, opened from search as a resident does
        await (await page.SearchAsync(MapAppFixture.WifiName, "asset")).First.ClickAsync();
        await Expect(page.Locator(".asset-popup h3")).ToHaveTextAsync(MapAppFixture.WifiName);
        await page.WaitForFunctionAsync("""
            () => {
                const p = document.querySelector('.leaflet-popup');
                if (!p || document.querySelector('.leaflet-zoom-anim')) return false;
                const r = p.getBoundingClientRect();
                const key = `${r.x},${r.y},${r.width},${r.height}`;
                const still = window.__popupRect === key;
                window.__popupRect = key;
                return still;
            }
            """, null, new PageWaitForFunctionOptions { PollingInterval = 300 });
        rects = await page.EvaluateAsync<double[][]>(RectsJs, new[] { "[data-testid=synthetic-banner]", ".leaflet-popup", ".map-box" });
        Assert.False(Intersect(rects[0], rects[1]), $"the strip {Show(rects[0])} covers the popup {Show(rects[1])}");
        Assert.True(rects[1][1] >= rects[2][1] - 1, $"the popup {Show(rects[1])} starts above the map {Show(rects[2])}");
        await Infrastructure.Browser.ScreenshotAsync(page, $"layout-phone-popup-{(high ? "high" : "standard")}");

        // the report form, in the bottom sheet
        await page.GetByTestId("report-open").ClickAsync();
        await Expect(page.GetByTestId("report")).ToBeVisibleAsync();
        rects = await page.EvaluateAsync<double[][]>(RectsJs, new[] { "[data-testid=synthetic-banner]", ".panel" });
        Assert.False(Intersect(rects[0], rects[1]), $"the strip {Show(rects[0])} covers the panel with the form {Show(rects[1])}");

        // dismissed, the strip gives its height back to the map
        var before = (await page.Locator(".map-box").BoundingBoxAsync())!.Height;
        await page.GetByTestId("synthetic-dismiss").ClickAsync();
        await Expect(page.GetByTestId("synthetic-banner")).ToHaveCountAsync(0);
        Assert.True((await page.Locator(".map-box").BoundingBoxAsync())!.Height > before + 30, "the map did not grow");
        await page.Context.CloseAsync();
    }

    /// <summary>The report form for screen readers, in the new states: open (every control a named 44 px target, reached by
    /// Tab), an error (announced by an alert that the fields point to with aria-describedby), and sent (focus on the receipt).</summary>
    [Fact]
    public async Task The_report_form_is_named_announces_its_errors_and_moves_focus_to_the_receipt()
    {
        var page = await PhoneAsync(gps: new Geolocation { Latitude = 39.9015f, Longitude = 116.6931f });
        await page.GetByTestId("report-open").ClickAsync();
        await Expect(page.GetByTestId("report")).ToBeVisibleAsync();
        // every control named (A11y fails on an unnamed one): the category list and the description by their labels
        var tree = await A11y.AssertControlsAsync(page, minControls: 12);
        Assert.Matches(new Regex("combobox \"[^\"]+\""), tree);
        Assert.Matches(new Regex("textbox \"[^\"]+\""), tree);

        // sending without a place: the error is an alert and the fields are described by it
        await page.GetByTestId("report-description").FillAsync("路灯不亮");
        await page.GetByTestId("report-send").ClickAsync();
        var error = page.GetByTestId("report-error");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToHaveAttributeAsync("role", "alert");
        var errorId = await error.GetAttributeAsync("id");
        Assert.False(string.IsNullOrEmpty(errorId));
        await Expect(page.GetByTestId("report-description")).ToHaveAttributeAsync("aria-describedby", errorId!);
        await Expect(page.GetByTestId("report-category")).ToHaveAttributeAsync("aria-describedby", errorId!);

        // a complete report: the receipt takes the focus
        await page.GetByTestId("report-gps").ClickAsync();
        await Expect(page.GetByTestId("report-place")).ToContainTextAsync("运河测试网格一");
        await page.GetByTestId("report-category").SelectOptionAsync("sanitation");
        await page.GetByTestId("report-send").ClickAsync();
        await Expect(page.GetByTestId("report-receipt")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("report-receipt")).ToBeFocusedAsync();
        await page.Context.CloseAsync();
    }
}

/// <summary>Issue 21 item 7: the community embed fits a 400×600 and an 800×600 frame (no page-long scrolling, the map in
/// view, the list scrolling in its own box, two columns when wide), and the display screen at 1920×1080 prints names and
/// walking times at 32 px or more and the warning at 48 px or more, all in one screen; a short screen pages its lists.</summary>
public sealed class PublicLayoutBrowserTests(PublicPagesFixture f, ITestOutputHelper output) : IClassFixture<PublicPagesFixture>
{
    private sealed record Box(double X, double Y, double W, double H, double ScrollH, double ClientH, string OverflowY);

    private const string FitJs = """
        sels => ({ doc: document.documentElement.scrollHeight, docW: document.documentElement.scrollWidth, vh: innerHeight, vw: innerWidth,
                   boxes: sels.map(s => { const e = document.querySelector(s); const r = e.getBoundingClientRect();
                                          return { x: r.x, y: r.y, w: r.width, h: r.height, scrollH: e.scrollHeight, clientH: e.clientHeight, overflowY: getComputedStyle(e).overflowY }; }) })
        """;

    private sealed record Fit(double Doc, double DocW, double Vh, double Vw, List<Box> Boxes);

    private static async Task<Fit> FitAsync(IPage page, params string[] selectors) =>
        (await page.EvaluateAsync<JsonElement>(FitJs, selectors)).Deserialize<Fit>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    [Theory]
    [InlineData(400, 600, "zh")]
    [InlineData(800, 600, "zh")]
    [InlineData(400, 600, "en")]
    [InlineData(800, 600, "en")]
    public async Task Embed_fits_its_frame_with_the_map_in_view_and_the_list_scrolling_in_its_box(int width, int height, string lang)
    {
        var page = await f.Browser.NewPageAsync(f.App.BaseUrl, width, height);
        await page.GotoAsync($"/embed/community/{PublicPagesFixture.Code}" + (lang == "en" ? "?lang=en" : ""));
        await Expect(page.Locator("path.shape.outline")).ToBeAttachedAsync();
        var fit = await FitAsync(page, "#map", ".results");
        var (map, list) = (fit.Boxes[0], fit.Boxes[1]);
        output.WriteLine($"embed {width}×{height} {lang}: document {fit.Doc:0} px tall, map {map.W:0}×{map.H:0} at y {map.Y:0}, list {list.W:0}×{list.H:0} at ({list.X:0},{list.Y:0}), list content {list.ScrollH:0} px");
        Assert.True(fit.Doc <= fit.Vh + 2, $"the page is {fit.Doc} px tall in a {fit.Vh} px frame");
        Assert.True(fit.DocW <= fit.Vw, $"the page is {fit.DocW} px wide in a {fit.Vw} px frame");
        // the map inside the viewport, of a size one can read
        Assert.True(map.X >= 0 && map.Y >= 0 && map.X + map.W <= width + 0.5 && map.Y + map.H <= height + 0.5, $"map {map.X},{map.Y} {map.W}×{map.H}");
        Assert.True(map.H >= 150 && map.W >= (width >= 700 ? 350 : width - 1), $"map {map.W}×{map.H}");
        // the list in its own scrolling box inside the viewport
        Assert.Equal("auto", list.OverflowY);
        Assert.True(list.Y >= 0 && list.Y + list.H <= height + 0.5 && list.H >= 100, $"list at y {list.Y}, {list.H} px tall");
        if (width >= 700)
            Assert.True(map.X >= list.X + list.W - 1 && map.H >= height * 0.9, $"two columns: the map ({map.X:0}, {map.H:0} px tall) right of the list (to {list.X + list.W:0})");
        else
            Assert.True(map.Y + map.H <= list.Y + 1, "one column: the map above the list");
        if (list.ScrollH > list.ClientH)
        {
            await page.Locator(".results").HoverAsync();
            await page.Mouse.WheelAsync(0, 200);
            await Expect(page.Locator(".results")).Not.ToHaveJSPropertyAsync("scrollTop", 0);
            Assert.Equal(0, await page.EvaluateAsync<double>("() => window.scrollY"));
        }
        else Assert.True(width >= 700, $"at {width}×{height} the fixture's list ({list.ScrollH:0} px) should overflow its {list.ClientH:0} px box");
        // the pace switch and the search still work in the small frame (the buttons' names, their 44 px)
        await A11y.AssertControlsAsync(page, minControls: 7);
        await Infrastructure.Browser.ScreenshotAsync(page, $"layout-embed-{width}x{height}-{lang}");
        await page.Context.CloseAsync();
    }

    private const string ScreenSizesJs = """
        () => {
          const size = e => parseFloat(getComputedStyle(e).fontSize);
          const texts = sel => [...document.querySelectorAll(sel)].map(e => ({ text: e.textContent.trim().slice(0, 20), size: size(e) }));
          const inView = [...document.querySelectorAll('#screen-content li, #screen-content article, #screen-content h1, #screen-content h2')]
            .filter(e => e.getClientRects().length > 0)
            .map(e => { const r = e.getBoundingClientRect(); return { text: e.textContent.trim().slice(0, 20), bottom: r.bottom, right: r.right }; });
          return { names: texts('.places .name, .places .far'), warning: texts('.warning-list h3, .warning-list p'),
                   doc: document.documentElement.scrollHeight, docW: document.documentElement.scrollWidth, vh: innerHeight, vw: innerWidth, inView };
        }
        """;

    private sealed record SizedText(string Text, double Size);
    private sealed record Placed(string Text, double Bottom, double Right);
    private sealed record ScreenSizes(List<SizedText> Names, List<SizedText> Warning, double Doc, double DocW, double Vh, double Vw, List<Placed> InView);

    /// <summary>This class's own database (a fixture per class): three shelters, three civil-defence sites and two warnings
    /// over the screen, as many as the screen shows, so its lists are full (and a short screen must page them).</summary>
    private async Task FillScreenAsync()
    {
        await using (var count = f.Db.DataSource.CreateCommand("SELECT count(*) FROM assets WHERE kind = 'shelter'"))
            if ((long)(await count.ExecuteScalarAsync())! >= 3) return;
        await using (var ctx = f.Db.CreateContext())
        {
            ctx.AddRange(
                AssetFixtures.Point(Geo.Core.Domain.AssetKind.Shelter, "北苑小学避难场所", 116.6150, 39.8930),
                AssetFixtures.Point(Geo.Core.Domain.AssetKind.Shelter, "滨河绿地避难场所", 116.6060, 39.8880),
                AssetFixtures.Point(Geo.Core.Domain.AssetKind.CivilDefence, "二号人防工程", 116.6090, 39.8910),
                AssetFixtures.Point(Geo.Core.Domain.AssetKind.CivilDefence, "三号人防工程", 116.6125, 39.8895));
            await ctx.SaveChangesAsync();
        }
        await using var cmd = f.Db.DataSource.CreateCommand("""
            UPDATE assets SET status = 'online';
            INSERT INTO weather_warnings (title, message, severity, area, valid_from, valid_until, created_by)
            VALUES ('大风橙色预警', '请远离广告牌和临时搭建物', 'orange', ST_Multi(ST_MakeEnvelope(116.60, 39.88, 116.62, 39.90, 4326)), now() - interval '1 hour', now() + interval '1 day', 'test')
            """);
        await cmd.ExecuteNonQueryAsync();
    }

    [Theory]
    [InlineData("zh")]
    [InlineData("en")]
    public async Task Screen_at_1080p_prints_names_and_times_at_32px_and_the_warning_at_48px_in_one_screen(string lang)
    {
        await FillScreenAsync();
        var page = await f.Browser.NewPageAsync(f.App.BaseUrl, 1920, 1080);
        await page.GotoAsync($"/screen/{f.ScreenId}" + (lang == "en" ? "?lang=en" : ""));
        await Expect(page.Locator("path.shape.warning").First).ToBeAttachedAsync();
        await Expect(page.Locator("section[aria-labelledby=s-h] li").First).ToContainTextAsync("运河公园避难场所");
        var s = (await page.EvaluateAsync<JsonElement>(ScreenSizesJs)).Deserialize<ScreenSizes>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        output.WriteLine($"screen 1920×1080 {lang}: names and times {s.Names.Min(n => n.Size):0.#}–{s.Names.Max(n => n.Size):0.#} px, warning {s.Warning.Min(w => w.Size):0.#} px, document {s.Doc:0}×{s.DocW:0}");
        Assert.True(s.Names.Count >= 12, $"only {s.Names.Count} names and times");
        // at 1080p everything shows at once: no list needs pages
        Assert.Equal(0, await page.Locator("#screen-content li[hidden], #screen-content article[hidden]").CountAsync());
        var small = s.Names.Where(n => n.Size < 32).Select(n => $"{n.Text} {n.Size} px").ToList();
        Assert.True(small.Count == 0, "names or times under 32 px: " + string.Join("; ", small));
        Assert.True(s.Warning.Count >= 6, $"only {s.Warning.Count} warning texts");
        var smallWarning = s.Warning.Where(n => n.Size < 48).Select(n => $"{n.Text} {n.Size} px").ToList();
        Assert.True(smallWarning.Count == 0, "warning text under 48 px: " + string.Join("; ", smallWarning));
        Assert.True(s.Doc <= s.Vh && s.DocW <= s.Vw, $"the page scrolls: {s.DocW}×{s.Doc} in {s.Vw}×{s.Vh}");
        var cut = s.InView.Where(p => p.Bottom > s.Vh + 0.5 || p.Right > s.Vw + 0.5).Select(p => $"{p.Text} (bottom {p.Bottom:0})").ToList();
        Assert.True(cut.Count == 0, "outside the screen: " + string.Join("; ", cut));
        var map = (await page.Locator("#map").BoundingBoxAsync())!;
        Assert.True(map.Width >= 500 && map.Height >= 400 && map.Y + map.Height <= 1080, $"map {map.Width:0}×{map.Height:0} at y {map.Y:0}");
        await Infrastructure.Browser.ScreenshotAsync(page, $"layout-screen-1080p-{lang}");
        await page.Context.CloseAsync();
    }

    /// <summary>A screen too short for its lists shows them a page at a time ("1/2" after the heading) and turns the pages,
    /// rather than scrolling or cutting them off.</summary>
    [Fact]
    public async Task A_short_screen_pages_its_lists_instead_of_scrolling()
    {
        await FillScreenAsync();
        var page = await f.Browser.NewPageAsync(f.App.BaseUrl, 1280, 420);
        await page.GotoAsync($"/screen/{f.ScreenId}");
        await Expect(page.Locator("path.shape.warning").First).ToBeAttachedAsync();
        var paged = page.Locator("ol[data-pages]").Filter(new() { Has = page.Locator("li[hidden]") });
        await Expect(paged.First).ToBeAttachedAsync();
        var heading = page.Locator("section:has(ol[data-pages] li[hidden]) h2 .pages").First;
        await Expect(heading).ToHaveTextAsync(new Regex(@"^1/\d$"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollHeight <= innerHeight"), "the short screen scrolls");
        // every shown item lies inside its list's box
        Assert.True(await page.EvaluateAsync<bool>("""
            () => [...document.querySelectorAll('ol[data-pages]')].every(ol => { const b = ol.getBoundingClientRect();
                    return [...ol.children].filter(li => !li.hidden).every(li => li.getBoundingClientRect().bottom <= b.bottom + 1); })
            """));
        // the page turns (every 8 s)
        await Expect(heading).ToHaveTextAsync(new Regex(@"^2/\d$"), new() { Timeout = 15_000 });
        await page.Context.CloseAsync();
    }
}
