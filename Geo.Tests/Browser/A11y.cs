using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Geo.Tests.Browser;

/// <summary>The accessibility checks every page gets (issue 16), measured in Chromium: each visible control is a 44 px
/// target, Tab reaches every focusable control, every control has an accessible name; and a Chinese page shows no
/// English interface text.</summary>
public static partial class A11y
{
    /// <summary>Every visible, enabled control (and every clickable map marker, measured but not a tab stop); an input inside its label is measured as the label (the label is what
    /// a finger hits: a click on it toggles the input).</summary>
    private const string ControlsJs = """
        () => [...document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea, [role=button], [tabindex]:not([tabindex="-1"]), .leaflet-marker-icon.leaflet-interactive')]
            .filter(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
                           return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !e.disabled && !e.closest('[aria-hidden=true]'); })
            .map((e, i) => { e.setAttribute('data-a11y', String(i));
                             const t = (e.matches('input[type=checkbox], input[type=radio]') && e.closest('label')) || e;
                             const r = t.getBoundingClientRect();
                             return { i, what: e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '') + ' "' + (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30) + '"',
                                      w: r.width, h: r.height, tab: e.tabIndex >= 0 }; })
        """;

    public sealed record Control(int I, string What, double W, double H, bool Tab);

    /// <summary>44 px targets, Tab reach and accessible names of every control on the page; returns the ARIA snapshot.</summary>
    public static async Task<string> AssertControlsAsync(IPage page, int minControls)
    {
        var controls = (await page.EvaluateAsync<JsonElement>(ControlsJs)).Deserialize<List<Control>>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.True(controls.Count >= minControls, $"only {controls.Count} controls found");

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
            if (idx is not null) reached.Add(int.Parse(idx, CultureInfo.InvariantCulture));
        }
        var missed = controls.Where(c => c.Tab && !reached.Contains(c.I)).Select(c => c.What).ToList();
        Assert.True(missed.Count == 0, $"not reachable by Tab: {string.Join("; ", missed.Take(15))}");

        // screen readers: every control in the accessibility tree has a name
        var tree = await page.Locator("body").AriaSnapshotAsync();
        var unnamed = tree.Split('\n').Where(l => UnnamedControl().IsMatch(l)).ToList();
        Assert.True(unnamed.Count == 0, $"controls without an accessible name: {string.Join("; ", unnamed.Take(15))}");
        return tree;
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

    public static async Task<List<TextContrast>> TextContrastsAsync(IPage page) =>
        (await page.EvaluateAsync<JsonElement>(ContrastJs)).Deserialize<List<TextContrast>>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    /// <summary>Every visible text meets WCAG AA against its background.</summary>
    public static async Task AssertContrastAsync(IPage page, int minTexts)
    {
        var texts = await TextContrastsAsync(page);
        Assert.True(texts.Count >= minTexts, $"only {texts.Count} texts measured");
        var poor = texts.Where(t => t.Ratio < t.Need).Select(t => $"\"{t.Text}\" {t.Ratio:F2}:1 (needs {t.Need})").ToList();
        Assert.True(poor.Count == 0, $"{poor.Count} of {texts.Count} texts below WCAG AA: {string.Join("; ", poor.Take(15))}");
    }

    /// <summary>Every visible text and every label a screen reader or tooltip reads (aria-label, title, placeholder, alt),
    /// outside elements marked lang="en" (the "English" switch) and outside the map's data labels.</summary>
    private const string UiTextJs = """
        () => {
          const out = [];
          const en = e => e.closest('[lang=en]') && e.closest('[lang=en]') !== document.documentElement;
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const t = walker.currentNode; const el = t.parentElement;
            // the basemap's labels are the data's names (streets, communities, landmarks), not the page's language
            if (!t.textContent.trim() || !el || el.closest('script, style, noscript, .geo-label-tile') || en(el)) continue;
            const r = el.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) continue;
            out.push(t.textContent.trim());
          }
          for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], img[alt]'))
            if (!en(el)) for (const a of ['aria-label', 'title', 'placeholder', 'alt']) { const v = el.getAttribute(a); if (v && v.trim()) out.push('@' + a + ': ' + v.trim()); }
          return out;
        }
        """;

    /// <summary>A zh-CN page speaks Chinese: no Latin word of three or more letters in its text or labels, except the
    /// data's own names (<paramref name="dataWords"/>: fixture names, SSIDs) and abbreviations written in capitals (CSV, KTV).</summary>
    public static async Task AssertNoEnglishAsync(IPage page, params string[] dataWords)
    {
        var texts = (await page.EvaluateAsync<JsonElement>(UiTextJs)).EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.True(texts.Count >= 5, $"only {texts.Count} texts found");
        var leaks = texts.Where(t => LatinWord().Matches(t.StartsWith('@') ? t[(t.IndexOf(": ", StringComparison.Ordinal) + 2)..] : t).Any(m => !dataWords.Contains(m.Value, StringComparer.OrdinalIgnoreCase)
                                                                    && m.Value.Any(char.IsLower)))
            .Distinct().ToList();
        Assert.True(leaks.Count == 0, $"English in the zh-CN page: {string.Join(" | ", leaks.Take(20))}");
    }

    [GeneratedRegex(@"[A-Za-z]{3,}")]
    private static partial Regex LatinWord();
}
