using System.Diagnostics;
using Geo.Core.Walking;
using Microsoft.Playwright;
using Npgsql;

namespace Geo.Bench;

/// <summary>The report with a 3 MB phone photo as a resident files it (issue 21: accepted ≤ 1 s on the phone after
/// resizing): the real web host (Geo.Web.dll, as `./geo run` starts it) on the bench database, Debian's Chromium at
/// 390×844 with touch and GPS, the real file chooser. Timed per report: the on-device resize (choosing the photo until
/// the form counts it: Blazor's RequestImageFileAsync re-encodes it to ≤ 1,600 px on a canvas) and the send (a tap on
/// 提交 until the receipt shows: the upload over the circuit, the intake, the case written). Beside it, in the same run,
/// the floor of one HTTP round trip to the same host (`/health/live`).</summary>
internal static partial class ResidentsBench
{
    private static async Task PhoneAsync(string cs, NpgsqlDataSource ds, WalkingGraph graph, int reports)
    {
        if (reports <= 0) return;
        if (!File.Exists("/usr/bin/chromium")) { Console.WriteLine("phone report: skipped (no /usr/bin/chromium)"); return; }
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Geo.sln"))) root = root.Parent;
        var web = root is null ? null : Path.Combine(root.FullName, "Geo.Web", "bin", "Release", "net10.0", "Geo.Web.dll");
        if (web is null || !File.Exists(web)) { Console.WriteLine($"phone report: skipped (no {web})"); return; }
        var (lon, lat) = graph.NodeLonLat(0);
        await EnsureCellAsync(ds, lon, lat);

        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var psi = new ProcessStartInfo("dotnet", [web]) { WorkingDirectory = Path.Combine(root!.FullName, "Geo.Web"), RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["ASPNETCORE_URLS"] = url;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["GEO_DB"] = cs;
        psi.Environment["GEO_LOG_FORMAT"] = "simple";
        using var host = Process.Start(psi)!;
        host.OutputDataReceived += (_, _) => { };
        host.ErrorDataReceived += (_, _) => { };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
            var up = Stopwatch.StartNew();
            while (true)
            {
                try { if ((await http.GetAsync("/health/live")).IsSuccessStatusCode) break; } catch (HttpRequestException) { }
                if (up.Elapsed > TimeSpan.FromSeconds(90) || host.HasExited) throw new InvalidOperationException("the web host did not start");
                await Task.Delay(500);
            }
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = "/usr/bin/chromium", Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run"],
            });
            var photo = await PhonePhotoAsync(browser);
            Console.WriteLine($"phone report: {reports} reports at 390×844 through {url}/resident, one {photo.Length / 1024.0 / 1024.0:F2} MB 4000×3000 JPEG each (synthetic pixels)");
            List<double> resize = [], send = [], total = [], floor = [];
            for (var i = 0; i < reports + 1; i++)
            {
                var context = await browser.NewContextAsync(new()
                {
                    BaseURL = url, ViewportSize = new() { Width = 390, Height = 844 }, Locale = "zh-CN", HasTouch = true, IsMobile = true,
                    Geolocation = new() { Longitude = (float)lon, Latitude = (float)lat }, Permissions = ["geolocation"],
                });
                context.SetDefaultTimeout(30_000);
                var page = await context.NewPageAsync();
                await page.GotoAsync("/resident");
                await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-circuit", "live", new() { Timeout = 30_000 });
                await page.Locator("[data-testid=report-open]").ClickAsync();
                await page.Locator("[data-testid=report-gps]").ClickAsync();
                await Assertions.Expect(page.Locator("[data-testid=report-place]")).ToContainTextAsync("合成", new() { Timeout = 30_000 });
                await page.Locator("[data-testid=report-category]").SelectOptionAsync("sanitation");
                await page.Locator("[data-testid=report-description]").FillAsync($"手机上报基准 {i}（合成 synthetic bench report）");
                var chooser = await page.RunAndWaitForFileChooserAsync(() => page.Locator("[data-testid=report-photos]").ClickAsync());
                var t0 = Stopwatch.GetTimestamp();
                await chooser.SetFilesAsync(new FilePayload { Name = "IMG_4000x3000.jpg", MimeType = "image/jpeg", Buffer = photo });
                await Assertions.Expect(page.Locator("[data-testid=report-photo-count]")).ToContainTextAsync("1 /", new() { Timeout = 30_000 });
                var t1 = Stopwatch.GetTimestamp();
                await page.Locator("[data-testid=report-send]").ClickAsync();
                await Assertions.Expect(page.Locator("[data-testid=report-receipt]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
                var t2 = Stopwatch.GetTimestamp();
                var f0 = Stopwatch.GetTimestamp();
                await page.EvaluateAsync("() => fetch('/health/live').then(r => r.status)");
                var f1 = Stopwatch.GetTimestamp();
                await context.CloseAsync();
                if (i == 0) continue; // warm-up: the first circuit, JIT and plans
                resize.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                send.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
                total.Add(Stopwatch.GetElapsedTime(t0, t2).TotalMilliseconds);
                floor.Add(Stopwatch.GetElapsedTime(f0, f1).TotalMilliseconds);
            }
            double Med(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
            Console.WriteLine($"  on the device, choose → counted (resize to ≤ 1,600 px, EXIF gone): median {Med(resize):F0} ms, max {resize.Max():F0} ms");
            Console.WriteLine($"  tap 提交 → receipt (upload over the circuit, intake, case + photo written): median {Med(send):F0} ms, max {send.Max():F0} ms");
            Console.WriteLine($"  whole: median {Med(total):F0} ms, max {total.Max():F0} ms → target ≤ 1 s: {(Med(total) <= 1000 ? "met" : "not met")} (median)");
            Console.WriteLine($"  floor, one fetch of /health/live from the same page: median {Med(floor):F1} ms");
        }
        finally
        {
            if (!host.HasExited) host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    /// <summary>A 4000×3000 JPEG of about 3 MB drawn by Chromium itself (gradients, shapes and grain, so it compresses like a
    /// photo, not like a flat colour), the quality searched until the file is 2.8–3.4 MB.</summary>
    private static async Task<byte[]> PhonePhotoAsync(IBrowser browser)
    {
        var page = await browser.NewPageAsync();
        var b64 = await page.EvaluateAsync<string>("""
            async () => {
              const c = document.createElement('canvas'); c.width = 4000; c.height = 3000;
              const g = c.getContext('2d');
              const grad = g.createLinearGradient(0, 0, 4000, 3000); grad.addColorStop(0, '#6a8caf'); grad.addColorStop(1, '#d9c7a3');
              g.fillStyle = grad; g.fillRect(0, 0, 4000, 3000);
              let s = 42; const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
              for (let i = 0; i < 4000; i++) { g.fillStyle = `hsl(${rnd() * 360},${30 + rnd() * 40}%,${30 + rnd() * 40}%)`; g.fillRect(rnd() * 4000, rnd() * 3000, 20 + rnd() * 200, 20 + rnd() * 200); }
              const img = g.getImageData(0, 0, 4000, 3000); const d = img.data;
              for (let i = 0; i < d.length; i += 4) { const n = (rnd() - 0.5) * 28; d[i] += n; d[i + 1] += n; d[i + 2] += n; }
              g.putImageData(img, 0, 0);
              let lo = 0.3, hi = 0.98, blob = null;
              for (let k = 0; k < 8; k++) {
                const q = (lo + hi) / 2;
                blob = await new Promise(r => c.toBlob(r, 'image/jpeg', q));
                if (blob.size > 3.4e6) hi = q; else if (blob.size < 2.8e6) lo = q; else break;
              }
              const bytes = new Uint8Array(await blob.arrayBuffer()); let bin = '';
              for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
              return btoa(bin);
            }
            """);
        await page.CloseAsync();
        return Convert.FromBase64String(b64);
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
