using Microsoft.Playwright;

namespace Geo.Tests.Infrastructure;

/// <summary>Debian's Chromium driven by Playwright (never `playwright install`), flags from TOOLCHAIN.md.
/// Every wait is bounded: a hung page fails the test in seconds, not the run.</summary>
public sealed class Browser : IAsyncLifetime
{
    public const float TimeoutMs = 20_000;
    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Timeout = 60_000,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        Assertions.SetDefaultExpectTimeout(TimeoutMs);
    }

    public async Task<IPage> NewPageAsync(string baseUrl, int width = 1280, int height = 800)
    {
        var context = await Chromium.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = width, Height = height }, Locale = "zh-CN" });
        context.SetDefaultTimeout(TimeoutMs);
        context.SetDefaultNavigationTimeout(TimeoutMs);
        return await context.NewPageAsync();
    }

    /// <summary>Waits until the Blazor circuit has rendered interactively (MainLayout marks <c>html[data-circuit=live]</c>):
    /// a click on the prerendered page before that is lost, which made clicks right after a navigation flaky.</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-circuit", "live");

    /// <summary>TestResults/screenshots at the repository root (./geo test collects TestResults/).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Geo.sln"))) d = d.Parent;
        var dir = Path.Combine(d?.FullName ?? Path.GetTempPath(), "TestResults", "screenshots");
        Directory.CreateDirectory(dir);
        await page.WaitForTimeoutAsync(400); // let Leaflet's popup fade-in finish
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png"), Timeout = TimeoutMs });
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null) await Chromium.CloseAsync();
        _playwright?.Dispose();
    }
}
