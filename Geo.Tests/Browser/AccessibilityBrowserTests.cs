using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>Large-text, high-contrast mode and the accessibility of the main map page (issue 16), measured in Chromium:
/// tap targets, keyboard reach, accessible names and WCAG AA contrast from computed styles.</summary>
public sealed partial class MapBrowserTests
{
    private async Task<IPage> OpenAsync(string path, bool high)
    {
        var page = await f.OpenMapAsync(high ? path + "?contrast=high" : path);
        await Expect(page.GetByTestId("contrast-switch")).ToHaveAttributeAsync("aria-pressed", high ? "true" : "false");
        if (path == "/planner") await Expect(page.GetByTestId("scorecard")).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(300); // Leaflet's resize after the header settles
        return page;
    }

    [Theory]
    [InlineData("/", false)]
    [InlineData("/", true)]
    [InlineData("/planner", false)]
    [InlineData("/planner", true)]
    public async Task Every_control_is_a_44px_target_reachable_by_tab_and_has_an_accessible_name(string path, bool high)
    {
        var page = await OpenAsync(path, high);
        Assert.Equal(high, await page.EvaluateAsync<bool>("() => document.documentElement.classList.contains('contrast-high')"));
        var tree = await A11y.AssertControlsAsync(page, minControls: 10);
        Assert.Contains("button \"", tree);
        await Infrastructure.Browser.ScreenshotAsync(page, $"a11y-{path.Trim('/') switch { "" => "resident", var p => p }}-{(high ? "high" : "standard")}");
        await page.Context.CloseAsync();
    }

    /// <summary>The dispatch board (issue 16 review): a signed-in grid manager's board, in both looks, passes the same
    /// checks as the resident and planner views.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dispatch_board_controls_are_44px_targets_reachable_by_tab_and_named(bool high)
    {
        const string password = "a11y-pass-789";
        var user = "a11y-" + Guid.NewGuid().ToString("N")[..6];
        await using (var ctx = f.Db.CreateContext())
        {
            await Geo.Core.Accounts.UserAdmin.AddUserAsync(ctx, user, password, Geo.Core.Domain.GeoRoles.GridManager, "张网格", "张网格");
            // a case on the board, so its map pin is measured too (pins were 22 px targets)
            var now = DateTimeOffset.UtcNow;
            ctx.Incidents.Add(new Geo.Core.Domain.Incident
            {
                CategoryCode = "sanitation", Status = Geo.Core.Domain.IncidentStatus.Dispatched, Description = "无障碍测试案件",
                Geom = Geo.Core.Spatial.GeoFactory.Point(116.6925, 39.9020), Assignee = "张网格", Source = Geo.Core.Domain.IncidentSource.Staff,
                ReportedAt = now, UpdatedAt = now, DeadlineAt = now.AddHours(4),
            });
            await ctx.SaveChangesAsync();
        }
        var page = await SignedInBoardAsync(user, password);
        await Expect(page.Locator(".geo-pin.case").First).ToBeVisibleAsync();
        if (high) await page.GetByTestId("contrast-switch").ClickAsync();
        await Expect(page.GetByTestId("contrast-switch")).ToHaveAttributeAsync("aria-pressed", high ? "true" : "false");
        await Expect(page.GetByTestId("dispatch-stats")).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(300);
        var tree = await A11y.AssertControlsAsync(page, minControls: 10);
        Assert.Contains("button \"", tree);
        await A11y.AssertNoEnglishAsync(page, "Geo");
        await Infrastructure.Browser.ScreenshotAsync(page, $"a11y-board-{(high ? "high" : "standard")}");
        await page.Context.CloseAsync();
    }

    /// <summary>zh-CN is the default: the resident and planner views show no English interface text (Leaflet's zoom
    /// buttons and the basemap's attribution were English), and after the switch the English view names them in English.</summary>
    [Theory]
    [InlineData("/")]
    [InlineData("/planner")]
    public async Task Chinese_view_shows_no_english_interface_text_and_the_switch_renames_the_map_controls(string path)
    {
        var page = await OpenAsync(path, high: false);
        await A11y.AssertNoEnglishAsync(page, "Geo");
        await Expect(page.Locator(".leaflet-control-zoom-in")).ToHaveAttributeAsync("aria-label", "放大");
        await Expect(page.GetByTestId("lang-switch")).ToHaveAttributeAsync("lang", "en");
        await page.GetByTestId("lang-switch").ClickAsync();
        await Expect(page.Locator(".leaflet-control-zoom-in")).ToHaveAttributeAsync("aria-label", "Zoom in");
        await Expect(page.Locator(".leaflet-control-attribution")).ToContainTextAsync("offline basemap");
        await Expect(page.GetByTestId("lang-switch")).ToHaveAttributeAsync("lang", "zh-CN");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/planner")]
    public async Task High_contrast_mode_meets_WCAG_AA_for_every_text_and_enlarges_the_type(string path)
    {
        var standard = await OpenAsync(path, high: false);
        var standardSize = await standard.EvaluateAsync<double>("() => parseFloat(getComputedStyle(document.querySelector('.panel .intro')).fontSize)");
        await standard.Context.CloseAsync();

        var page = await OpenAsync(path, high: true);
        var texts = await A11y.TextContrastsAsync(page);
        Assert.True(texts.Count >= 20, $"only {texts.Count} texts measured");
        var poor = texts.Where(t => t.Ratio < t.Need).Select(t => $"\"{t.Text}\" {t.Ratio:F2}:1 (needs {t.Need})").ToList();
        Assert.True(poor.Count == 0, $"{poor.Count} of {texts.Count} texts below WCAG AA: {string.Join("; ", poor.Take(15))}");
        // large text: no text under 16 px, the panel's body text larger than the standard display's
        Assert.True(texts.Min(t => t.Size) >= 16, $"smallest text {texts.Min(t => t.Size)} px");
        var highSize = await page.EvaluateAsync<double>("() => parseFloat(getComputedStyle(document.querySelector('.panel .intro')).fontSize)");
        Assert.True(highSize >= 20 && highSize > standardSize * 1.3, $"panel text {highSize} px in high contrast vs {standardSize} px standard");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Contrast_switch_is_remembered_by_the_browser_and_the_kiosk_url_needs_no_memory()
    {
        var page = await f.Browser.NewPageAsync(f.App.BaseUrl);
        await page.GotoAsync("/");
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        var html = page.Locator("html");
        var toggle = page.GetByTestId("contrast-switch");
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(html).Not.ToHaveClassAsync(new Regex("contrast-high"));
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(html).ToHaveClassAsync(new Regex("contrast-high"));

        // a new page load in the same browser (here another view) starts in high contrast
        await page.GotoAsync("/planner");
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("contrast-switch")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(html).ToHaveClassAsync(new Regex("contrast-high"));
        await page.GetByTestId("contrast-switch").ClickAsync();
        await Expect(html).Not.ToHaveClassAsync(new Regex("contrast-high"));
        await page.ReloadAsync();
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("contrast-switch")).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(html).Not.ToHaveClassAsync(new Regex("contrast-high"));
        await page.Context.CloseAsync();

        // a fresh browser profile: ?contrast=high alone turns it on
        var kiosk = await f.Browser.NewPageAsync(f.App.BaseUrl);
        await kiosk.GotoAsync("/resident?contrast=high");
        await Infrastructure.Browser.WaitInteractiveAsync(kiosk);
        await Expect(kiosk.Locator("html")).ToHaveClassAsync(new Regex("contrast-high"));
        await Expect(kiosk.GetByTestId("contrast-switch")).ToHaveAttributeAsync("aria-pressed", "true");
        await kiosk.Context.CloseAsync();
    }
}
