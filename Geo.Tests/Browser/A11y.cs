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

    /// <summary>Every visible text and every label a screen reader or tooltip reads (aria-label, title, placeholder, alt),
    /// outside elements marked lang="en" (the "English" switch) and outside the map's data labels.</summary>
    private const string UiTextJs = """
        () => {
          const out = [];
          const en = e => e.closest('[lang=en]') && e.closest('[lang=en]') !== document.documentElement;
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const t = walker.currentNode; const el = t.parentElement;
            if (!t.textContent.trim() || !el || el.closest('script, style, noscript') || en(el)) continue;
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
