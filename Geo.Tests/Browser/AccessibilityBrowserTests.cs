using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>Large-text, high-contrast mode and the accessibility of the main map page (issue 16), measured in Chromium:
/// tap targets, keyboard reach, accessible names and WCAG AA contrast from computed styles.</summary>
public sealed partial class MapBrowserTests
{
    /// <summary>Every visible, enabled control (and every clickable map marker, measured but not a tab stop); an input inside its label is measured as the label (the label is what
    /// a finger hits: a click on it toggles the input).</summary>
    private const string ControlsJs = """
        () => [...document.querySelectorAll('button, a[href], input, select, textarea, [role=button], [tabindex]:not([tabindex="-1"]), .leaflet-marker-icon.leaflet-interactive')]
            .filter(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
                           return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !e.disabled && !e.closest('[aria-hidden=true]'); })
            .map((e, i) => { e.setAttribute('data-a11y', String(i));
                             const t = (e.matches('input[type=checkbox], input[type=radio]') && e.closest('label')) || e;
                             const r = t.getBoundingClientRect();
                             return { i, what: e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '') + ' "' + (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30) + '"',
                                      w: r.width, h: r.height, tab: e.tabIndex >= 0 }; })
        """;

    public sealed record Control(int I, string What, double W, double H, bool Tab);

    private async Task<IPage> OpenAsync(string path, bool high)
    {
        var page = await f.Browser.NewPageAsync(f.App.BaseUrl);
        await page.GotoAsync(high ? path + "?contrast=high" : path);
        await Expect(page.Locator(".leaflet-host.basemap-loaded")).ToBeVisibleAsync();
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
        var controls = (await page.EvaluateAsync<JsonElement>(ControlsJs)).Deserialize<List<Control>>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.True(controls.Count >= 10, $"only {controls.Count} controls found");

        // tap targets ≥ 44 × 44 CSS px (WCAG 2.5.5)
        var small = controls.Where(c => c.W < 44 - 0.01 || c.H < 44 - 0.01).Select(c => $"{c.What} {c.W:F0}×{c.H:F0}").ToList();
        Assert.True(small.Count == 0, $"{small.Count} of {controls.Count} controls smaller than 44 px: {string.Join("; ", small.Take(15))}");

        // keyboard: tabbing from the top reaches every control
        await page.EvaluateAsync("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }");
        var reached = new HashSet<int>();
        for (var k = 0; k < controls.Count * 2 + 20 && reached.Count < controls.Count(c => c.Tab); k++)
        {
            await page.Keyboard.PressAsync("Tab");
            var idx = await page.EvaluateAsync<string?>("() => document.activeElement?.getAttribute('data-a11y') ?? null");
            if (idx is not null) reached.Add(int.Parse(idx, System.Globalization.CultureInfo.InvariantCulture));
        }
        var missed = controls.Where(c => c.Tab && !reached.Contains(c.I)).Select(c => c.What).ToList();
        Assert.True(missed.Count == 0, $"not reachable by Tab: {string.Join("; ", missed.Take(15))}");

        // screen readers: every control in the accessibility tree has a name
        var tree = await page.Locator("body").AriaSnapshotAsync();
        var unnamed = tree.Split('\n').Where(l => UnnamedControl().IsMatch(l)).ToList();
        Assert.True(unnamed.Count == 0, $"controls without an accessible name: {string.Join("; ", unnamed.Take(15))}");
        Assert.Contains("button \"", tree);
        await Infrastructure.Browser.ScreenshotAsync(page, $"a11y-{path.Trim('/') switch { "" => "resident", var p => p }}-{(high ? "high" : "standard")}");
        await page.Context.CloseAsync();
    }

    [GeneratedRegex(@"^\s*- (button|link|textbox|checkbox|combobox|searchbox|spinbutton|radio|slider|switch|listbox)(\s*\[[^\]]*\])*\s*(:.*)?$")]
    private static partial Regex UnnamedControl();

    /// <summary>WCAG 2.x contrast of every visible text against the background it is painted on (ancestors' colours
    /// composited), from Chromium's computed styles. Map content drawn over the basemap canvas (place names) is left
    /// out: its background is the canvas, not CSS.</summary>
    private const string ContrastJs = """
        () => {
          const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(/[ ,\/]+/).filter(x => x).map(parseFloat);
                               return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
          const lin = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
          const lum = c => 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
          const over = (top, bottom) => ({ r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a), b: top.b * top.a + bottom.b * (1 - top.a), a: 1 });
          const background = el => { const layers = [];
            for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; } }
            let col = { r: 255, g: 255, b: 255, a: 1 }; for (let i = layers.length - 1; i >= 0; i--) col = over(layers[i], col); return col; };
          const out = []; const seen = new Set();
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const t = walker.currentNode; const el = t.parentElement;
            if (!t.textContent.trim() || !el || seen.has(el)) continue;
            seen.add(el);
            if (el.closest('script, style, option, title, .leaflet-map-pane')) continue;
            const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
            if (r.width === 0 || r.height === 0 || s.visibility === 'hidden') continue;
            const bg = background(el); const fg = over(parse(s.color), bg);
            const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
            const size = parseFloat(s.fontSize); const bold = parseInt(s.fontWeight, 10) >= 700;
            const large = size >= 24 || (size >= 18.66 && bold);
            out.push({ text: t.textContent.trim().slice(0, 24), ratio: (l1 + 0.05) / (l2 + 0.05), need: large ? 3 : 4.5, size });
          }
          return out;
        }
        """;

    public sealed record TextContrast(string Text, double Ratio, double Need, double Size);

    [Theory]
    [InlineData("/")]
    [InlineData("/planner")]
    public async Task High_contrast_mode_meets_WCAG_AA_for_every_text_and_enlarges_the_type(string path)
    {
        var standard = await OpenAsync(path, high: false);
        var standardSize = await standard.EvaluateAsync<double>("() => parseFloat(getComputedStyle(document.querySelector('.panel .intro')).fontSize)");
        await standard.Context.CloseAsync();

        var page = await OpenAsync(path, high: true);
        var texts = (await page.EvaluateAsync<JsonElement>(ContrastJs)).Deserialize<List<TextContrast>>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
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
        var html = page.Locator("html");
        var toggle = page.GetByTestId("contrast-switch");
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(html).Not.ToHaveClassAsync(new Regex("contrast-high"));
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(html).ToHaveClassAsync(new Regex("contrast-high"));

        // a new page load in the same browser (here another view) starts in high contrast
        await page.GotoAsync("/planner");
        await Expect(page.GetByTestId("contrast-switch")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(html).ToHaveClassAsync(new Regex("contrast-high"));
        await page.GetByTestId("contrast-switch").ClickAsync();
        await Expect(html).Not.ToHaveClassAsync(new Regex("contrast-high"));
        await page.ReloadAsync();
        await Expect(page.GetByTestId("contrast-switch")).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(html).Not.ToHaveClassAsync(new Regex("contrast-high"));
        await page.Context.CloseAsync();

        // a fresh browser profile: ?contrast=high alone turns it on
        var kiosk = await f.Browser.NewPageAsync(f.App.BaseUrl);
        await kiosk.GotoAsync("/resident?contrast=high");
        await Expect(kiosk.Locator("html")).ToHaveClassAsync(new Regex("contrast-high"));
        await Expect(kiosk.GetByTestId("contrast-switch")).ToHaveAttributeAsync("aria-pressed", "true");
        await kiosk.Context.CloseAsync();
    }
}
