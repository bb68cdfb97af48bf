using System.Net;
using Geo.Core.Domain;
using Geo.Core.Spatial;
using Geo.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>One database with a small community, its street network, services, a shelter, a civil-defence site, a display
/// screen and a red warning over it; the app allows http://community.example to frame the embed.</summary>
public sealed class PublicPagesFixture : IAsyncLifetime
{
    public const string Code = "PUB-C";
    /// <summary>Two community websites on other origins (other ports of 127.0.0.1; Chromium refuses to frame loopback pages
    /// into public origins at all): the first is allowed to frame the embed, the second is not.</summary>
    public ParentSite Allowed { get; } = new();
    public ParentSite Other { get; } = new();
    public PostgisFixture Db { get; } = new();
    public Infrastructure.Browser Browser { get; } = new();
    public KestrelGeoApp App { get; private set; } = null!;
    public long ScreenId { get; private set; }

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        await RegionFixtures.AddSquareHierarchyAsync(Db.DataSource, "PUB", 116.60, 39.88, 0.02);
        await WalkNetworks.SquareAsync(Db.DataSource, seed: 9);
        await using (var ctx = Db.CreateContext())
        {
            var screen = AssetFixtures.Point(AssetKind.DisplayScreen, "运河社区屏", 116.6100, 39.8905);
            ctx.AddRange(
                AssetFixtures.Point(AssetKind.Shop, "老街菜店", 116.6106, 39.8902, new ShopAttributes(LifeElement.Eat, "菜店")),
                AssetFixtures.Point(AssetKind.Shop, "康宁药房", 116.6120, 39.8912, new ShopAttributes(LifeElement.Health, "药店")),
                AssetFixtures.Point(AssetKind.Shelter, "运河公园避难场所", 116.6140, 39.8920),
                AssetFixtures.Point(AssetKind.CivilDefence, "一号人防工程", 116.6080, 39.8890),
                screen);
            await ctx.SaveChangesAsync();
            ScreenId = screen.Id;
        }
        await using (var cmd = Db.DataSource.CreateCommand("""
            UPDATE assets SET status = 'online';
            INSERT INTO weather_warnings (title, message, severity, area, valid_from, valid_until, created_by)
            VALUES ('暴雨红色预警', '请尽快前往避难场所', 'red', ST_Multi(ST_MakeEnvelope(116.60, 39.88, 116.62, 39.90, 4326)), now() - interval '1 hour', now() + interval '1 day', 'test')
            """)) await cmd.ExecuteNonQueryAsync();
        App = KestrelGeoApp.Start(Db.ConnectionString, new Dictionary<string, string?> { ["Geo:Embed:FrameAncestors:0"] = Allowed.Origin });
        Allowed.Html = Other.Html = $"<!DOCTYPE html><html><body><h1>社区网站</h1><iframe id=\"f\" title=\"生活圈\" src=\"{App.BaseUrl}/embed/community/{Code}\" width=\"375\" height=\"700\"></iframe></body></html>";
        await Browser.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Allowed.Dispose();
        Other.Dispose();
        if (App is not null) await App.DisposeAsync();
        await Db.DisposeAsync();
    }
}

/// <summary>A one-page "community website" on its own port, serving a page that frames the embed.</summary>
public sealed class ParentSite : IDisposable
{
    private readonly HttpListener _listener = new();
    public string Origin { get; }
    public string Html { get; set; } = "";

    public ParentSite()
    {
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Origin = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Origin + "/");
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await _listener.GetContextAsync(); } catch (Exception) { return; }
                var bytes = System.Text.Encoding.UTF8.GetBytes(Html);
                ctx.Response.ContentType = "text/html; charset=utf-8";
                await ctx.Response.OutputStream.WriteAsync(bytes);
                ctx.Response.Close();
            }
        });
    }

    public void Dispose() => _listener.Close();
}

/// <summary>The community website embed and the display screen page in Chromium.</summary>
public sealed class PublicPagesBrowserTests(PublicPagesFixture f) : IClassFixture<PublicPagesFixture>
{
    [Fact]
    public async Task Embed_loads_in_an_iframe_of_an_allowed_site_searches_and_is_refused_by_any_other_site()
    {
        var page = await f.Browser.NewPageAsync(f.App.BaseUrl, 420, 800);
        await page.GotoAsync(f.Allowed.Origin + "/");
        var frame = page.FrameLocator("#f");
        await Expect(frame.Locator("h1")).ToHaveTextAsync("测试communityPUB");
        // the 15-minute band and the outline are drawn; the shelter is named with its walking time
        await Expect(frame.Locator("path.shape.band-15")).ToBeAttachedAsync();
        await Expect(frame.Locator("path.shape.outline")).ToBeAttachedAsync();
        await Expect(frame.Locator("section.shelter")).ToContainTextAsync("运河公园避难场所");
        await Expect(frame.Locator("section.shelter")).ToContainTextAsync("步行约");
        await Expect(frame.Locator("section.band li")).ToHaveCountAsync(2);
        // search: a static GET form, answered by the server
        await frame.Locator("#q").FillAsync("药");
        await frame.Locator("form button").ClickAsync();
        await Expect(frame.Locator("section.band li")).ToHaveCountAsync(1);
        await Expect(frame.Locator("section.band li")).ToContainTextAsync("康宁药房");
        // the elderly pace switch keeps the search and says which pace it is
        await frame.Locator("nav a[href*='pace=elderly']").ClickAsync();
        await Expect(frame.Locator("header p").First).ToContainTextAsync("老年人步速（3公里/小时）");
        await Expect(frame.Locator("#q")).ToHaveValueAsync("药");
        await Infrastructure.Browser.ScreenshotAsync(page, "embed-in-iframe");

        // every control a finger can hit is at least 44 px
        var small = await frame.Locator("a.btn, button, input[type=search], .leaflet-control-zoom a").EvaluateAllAsync<string[]>(
            "els => els.filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; }).map(e => e.outerHTML + ' ' + e.getBoundingClientRect().width + 'x' + e.getBoundingClientRect().height)");
        Assert.True(small.Length == 0, string.Join("\n", small));

        // another site's frame is refused by frame-ancestors: no content in it
        await page.GotoAsync(f.Other.Origin + "/");
        await page.WaitForTimeoutAsync(1500);
        Assert.Equal(0, await page.FrameLocator("#f").Locator("#map").CountAsync());
        Assert.Equal(0, await page.FrameLocator("#f").GetByText("测试communityPUB").CountAsync());
        await page.Context.CloseAsync();
    }

    /// <summary>Issue 21 (5): the embed draws Geo's basemap (outlines, streets) under its shapes, with the names from the
    /// same tiles as the main map: the community's name as the database has it.</summary>
    [Fact]
    public async Task Embed_shows_the_basemap_with_labels_under_its_shapes()
    {
        var page = await f.Browser.NewPageAsync(f.App.BaseUrl, 390, 844);
        await page.GotoAsync($"/embed/community/{PublicPagesFixture.Code}");
        await Expect(page.Locator("#map.basemap-loaded")).ToBeAttachedAsync();
        await Expect(page.Locator("#map canvas").First).ToBeAttachedAsync(); // VectorGrid's outline tiles
        // the names drawn are the database's: at the embed's zoom the community's (or, at z13 and below, where the test's
        // town and community share one outline and one label point, its town's), plus streets and landmarks from z15
        var names = new HashSet<string>();
        await using (var cmd = f.Db.DataSource.CreateCommand("""
            SELECT name FROM regions WHERE code IN ('PUB-C', 'PUB-S', 'PUB-G') UNION SELECT name FROM walk_edges WHERE name IS NOT NULL
            UNION SELECT name FROM assets WHERE kind IN ('shelter', 'service_station', 'civil_defence', 'vegetable_garden')
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) names.Add(r.GetString(0));
        await Expect(page.Locator(".geo-label", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("测试(community|subdistrict)PUB") }).First).ToBeAttachedAsync();
        var drawn = await page.Locator(".geo-label").EvaluateAllAsync<string[]>("els => els.map(e => e.textContent)");
        Assert.All(drawn, n => Assert.Contains(n, names));
        // under the page's shapes: the label pane sits below the overlay pane
        var z = await page.EvaluateAsync<int[]>("() => [+getComputedStyle(document.querySelector('.leaflet-geoLabels-pane')).zIndex, +getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex]");
        Assert.True(z[0] < z[1], $"labels {z[0]}, overlays {z[1]}");
        await Infrastructure.Browser.ScreenshotAsync(page, "embed-basemap-labels");
        await page.Context.CloseAsync();
    }

    /// <summary>Issue 16 review: the embed (phone-sized, both languages) and the screen page pass the map's accessibility
    /// checks (44 px targets, Tab reach, accessible names, WCAG AA contrast of every text) and the Chinese pages show no English interface text (the
    /// pace switch's label and Leaflet's zoom buttons were English).</summary>
    [Theory]
    [InlineData("embed", "zh")]
    [InlineData("embed", "en")]
    [InlineData("screen", "zh")]
    [InlineData("screen", "en")]
    public async Task Public_page_controls_are_44px_targets_reachable_by_tab_named_and_in_the_pages_language(string which, string lang)
    {
        var embed = which == "embed";
        var page = embed ? await f.Browser.NewPageAsync(f.App.BaseUrl, 390, 844) : await f.Browser.NewPageAsync(f.App.BaseUrl, 1280, 720);
        await page.GotoAsync((embed ? $"/embed/community/{PublicPagesFixture.Code}" : $"/screen/{f.ScreenId}") + (lang == "en" ? "?lang=en" : ""));
        await Expect(page.Locator(embed ? "path.shape.outline" : "path.shape.warning")).ToBeAttachedAsync();
        await page.WaitForTimeoutAsync(300);
        var tree = await A11y.AssertControlsAsync(page, minControls: embed ? 7 : 3);
        Assert.Contains(lang == "zh" ? "button \"放大\"" : "button \"Zoom in\"", tree);
        if (embed) Assert.Contains(lang == "zh" ? "navigation \"步速\"" : "navigation \"Walking pace\"", tree);
        if (lang == "zh") await A11y.AssertNoEnglishAsync(page, "communityPUB"); // the fixture's community name
        await A11y.AssertContrastAsync(page, minTexts: 8); // the screen is white on black: the synthetic note was dark brown on it
        if (!embed) // read from across a room: the synthetic note follows the screen's large type (it was 14 px under 20–40 px text)
            Assert.True(await page.EvaluateAsync<double>("() => parseFloat(getComputedStyle(document.querySelector('.synthetic')).fontSize)") >= 18);
        await Infrastructure.Browser.ScreenshotAsync(page, $"a11y-{which}-{lang}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Embed_answers_with_csp_frame_ancestors_and_bad_codes_with_the_problem_shape()
    {
        using var http = f.App.Factory.CreateClient();
        var res = await http.GetAsync($"/embed/community/{PublicPagesFixture.Code}");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.EndsWith("frame-ancestors " + f.Allowed.Origin, res.Headers.GetValues("Content-Security-Policy").Single());
        Assert.False(res.Headers.Contains("X-Frame-Options"), string.Join("\n", res.Headers.Select(h => h.Key + ": " + string.Join(",", h.Value))));
        var html = await res.Content.ReadAsStringAsync();
        Assert.DoesNotContain("blazor.web.js", html); // no interactive circuit
        Assert.True(html.Length < 60_000, $"{html.Length} bytes of HTML");
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/embed/community/NOPE-1")).StatusCode);
        var bad = await http.GetAsync("/embed/community/x!y");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"parameter\":\"code\"", await bad.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/embed/community/{PublicPagesFixture.Code}?pace=run")).StatusCode);
        var screen = await http.GetAsync($"/screen/{f.ScreenId}");
        Assert.Contains("frame-ancestors 'self'", screen.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/screen/999999")).StatusCode);
    }

    [Fact]
    public async Task Screen_shows_the_warning_and_nearest_places_refreshes_and_keeps_its_content_when_the_network_drops()
    {
        // its own app: stopping it is the network dropping, for the page and its service worker alike
        var app = KestrelGeoApp.Start(f.Db.ConnectionString);
        var page = await f.Browser.NewPageAsync(app.BaseUrl, 1280, 720);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync($"/screen/{f.ScreenId}?refresh=1");
        await Expect(page.Locator("article.warning.sev-red h3")).ToContainTextAsync("暴雨红色预警");
        await Expect(page.Locator("path.shape.warning")).ToBeAttachedAsync();
        await Expect(page.Locator("section[aria-labelledby=s-h] li").First).ToContainTextAsync("运河公园避难场所");
        await Expect(page.Locator("section[aria-labelledby=c-h] li").First).ToContainTextAsync("一号人防工程");
        await Expect(page.Locator("section[aria-labelledby=s-h] li").First).ToContainTextAsync("步行约");
        // the service worker takes over and a refresh passes through it (so the page is kept)
        await page.WaitForFunctionAsync("() => navigator.serviceWorker.controller !== null");
        var before = await page.Locator("#screen-content").GetAttributeAsync("data-at");
        await Expect(page.Locator("#screen-content")).Not.ToHaveAttributeAsync("data-at", before!);
        await Expect(page.Locator("path.shape.warning")).ToBeAttachedAsync(); // redrawn after the swap
        await Expect(page.Locator("#offline")).ToBeHiddenAsync();

        await app.DisposeAsync();
        await Expect(page.Locator("#offline")).ToBeVisibleAsync();
        await Expect(page.Locator("#offline")).ToContainTextAsync("网络中断");
        // the time it names is the page's own (Beijing time, as "updated" prints it), not the screen's clock zone
        var updated = (await page.Locator("#screen-content .updated").TextContentAsync())!.Trim();
        await Expect(page.Locator("#offline")).ToContainTextAsync(updated[^5..]);
        await Expect(page.Locator("article.warning h3")).ToContainTextAsync("暴雨红色预警");
        // even a reload with the server gone shows the last content (the service worker's copy)
        await page.ReloadAsync();
        await Expect(page.Locator("article.warning h3")).ToContainTextAsync("暴雨红色预警");
        await Expect(page.Locator("#offline")).ToBeVisibleAsync();
        await Infrastructure.Browser.ScreenshotAsync(page, "screen-offline");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        await page.Context.CloseAsync();
    }
}
