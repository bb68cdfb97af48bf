using System.Text.Json;
using Geo.Core.Domain;
using Geo.Tests.Infrastructure;
using Geo.Web.MapData;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Geo.Tests.Browser;

/// <summary>The resident map on a phone (390×844) at district zoom with 3,000 assets: count bubbles, never overlapping,
/// at most 300, whose printed counts add up to PostGIS's count of the shown kinds in the covered cells (cameras left out for
/// an anonymous resident); the legend opens; a tap on a bubble zooms in; from street zoom single markers again.</summary>
public sealed class ClusterPhoneTests(MapAppFixture f) : IClassFixture<MapAppFixture>
{
    private static readonly AssetKind[] Seeded = [AssetKind.Shop, AssetKind.ServiceStation, AssetKind.WifiHotspot, AssetKind.Shelter, AssetKind.Kiosk, AssetKind.Camera, AssetKind.Sensor, AssetKind.DisplayScreen];

    private async Task SeedAsync()
    {
        var rnd = new Random(2112);
        await using var ctx = f.Db.CreateContext();
        for (var i = 0; i < 3000; i++)
        {
            // denser towards the middle of the district, as a town is
            var (u, v) = (rnd.NextDouble(), rnd.NextDouble());
            var (lon, lat) = i % 2 == 0 ? (116.60 + 0.18 * u, 39.84 + 0.12 * v) : (116.66 + 0.03 * u * u, 39.90 + 0.02 * v * v);
            ctx.Add(AssetFixtures.Point(Seeded[rnd.Next(Seeded.Length)], $"气泡测试{i}", lon, lat));
        }
        await ctx.SaveChangesAsync();
    }

    private async Task<long> PostgisCountAsync(double[] box, string[] kinds)
    {
        await using var cmd = f.Db.DataSource.CreateCommand(
            "SELECT count(*) FROM assets WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326)) AND kind = ANY($5)");
        foreach (var v in box) cmd.Parameters.AddWithValue(v);
        cmd.Parameters.AddWithValue(kinds);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private const string ReadBubbles = """
        () => {
            const h = document.querySelector('.leaflet-host');
            return {
                total: Number(h.dataset.clusterTotal), covered: h.dataset.clusterCovered, zoom: Number(h.dataset.clusterZoom),
                markers: document.querySelectorAll('.geo-marker.leaflet-marker-icon').length,
                items: [...document.querySelectorAll('.geo-cluster')].map(e => {
                    const r = e.getBoundingClientRect();
                    const cx = r.x + r.width / 2, cy = r.y + r.height / 2, top = document.elementFromPoint(cx, cy);
                    return { x: r.x, y: r.y, w: r.width, h: r.height, count: Number(e.dataset.count), text: e.textContent.trim(),
                             label: e.getAttribute('aria-label') || '', tappable: !!top && e.contains(top) };
                }),
            };
        }
        """;

    [Fact]
    public async Task District_zoom_draws_counted_bubbles_that_never_overlap_with_a_legend_and_a_tap_zooms_in()
    {
        await SeedAsync();
        var context = await f.Browser.Chromium.NewContextAsync(new()
        {
            BaseURL = f.App.BaseUrl, ViewportSize = new() { Width = 390, Height = 844 }, Locale = "zh-CN", HasTouch = true, IsMobile = true,
        });
        context.SetDefaultTimeout(Infrastructure.Browser.TimeoutMs);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/resident");
        await Infrastructure.Browser.WaitInteractiveAsync(page);
        await Expect(page.Locator(".leaflet-host.basemap-loaded")).ToBeVisibleAsync();
        var host = page.Locator(".leaflet-host");
        await Expect(host).ToHaveAttributeAsync("data-cluster-zoom", "12");
        await Expect(page.Locator(".geo-cluster").First).ToBeVisibleAsync();

        var view = await page.EvaluateAsync<JsonElement>(ReadBubbles);
        var items = view.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(0, view.GetProperty("markers").GetInt32()); // no single markers below street zoom
        Assert.InRange(items.Count, 2, 300);
        // each bubble prints its count (exact below 10,000); they add up to PostGIS's count of what the resident is shown
        Assert.All(items, i => Assert.Equal(i.GetProperty("count").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), i.GetProperty("text").GetString()));
        Assert.All(items, i => Assert.Contains("个设施", i.GetProperty("label").GetString()));
        var sum = items.Sum(i => i.GetProperty("count").GetInt64());
        Assert.Equal(view.GetProperty("total").GetInt64(), sum);
        var covered = view.GetProperty("covered").GetString()!.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var shown = KindStyles.DefaultKinds(MapView.Resident).Where(k => !AssetKinds.IsSensitive(k)).Select(k => k.Code()).ToArray();
        Assert.Equal(await PostgisCountAsync(covered, shown), sum);
        Assert.True(sum > 1000, $"the phone's view at district zoom should hold most of the 3,000 assets, counted {sum}");
        // no two bubbles' boxes overlap, and each is a 44 px target
        for (var a = 0; a < items.Count; a++)
        {
            var (ax, ay, aw, ah) = Box(items[a]);
            Assert.True(aw >= 44 && ah >= 44, $"bubble {a} is {aw}×{ah} px");
            for (var b = a + 1; b < items.Count; b++)
            {
                var (bx, by, bw, bh) = Box(items[b]);
                Assert.False(ax < bx + bw && bx < ax + aw && ay < by + bh && by < ay + ah, $"bubbles {a} and {b} overlap");
            }
        }
        await Infrastructure.Browser.ScreenshotAsync(page, "clusters-phone-z12");

        // the legend: closed until asked for, a 44 px toggle, the shown kinds with their colours
        var toggle = page.GetByTestId("legend-toggle");
        Assert.True((await toggle.BoundingBoxAsync())!.Height >= 44);
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(page.Locator(".map-legend .legend-kinds li")).ToHaveCountAsync(KindStyles.DefaultKinds(MapView.Resident).Count);
        await Expect(page.Locator(".map-legend .legend-body")).ToContainTextAsync("气泡");
        await Expect(page.Locator(".map-legend .legend-body")).ToContainTextAsync("合成");
        await Infrastructure.Browser.ScreenshotAsync(page, "clusters-phone-legend");
        await toggle.ClickAsync();
        await Expect(page.Locator(".map-legend .legend-body")).ToHaveCountAsync(0);

        // a tap on a bubble (one nothing covers) zooms in to it
        view = await page.EvaluateAsync<JsonElement>(ReadBubbles);
        var target = view.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("tappable").GetBoolean())
            .MaxBy(i => i.GetProperty("count").GetInt32());
        var (tx, ty, tw, th) = Box(target);
        await page.Mouse.ClickAsync((float)(tx + tw / 2), (float)(ty + th / 2));
        await Expect(host).Not.ToHaveAttributeAsync("data-cluster-zoom", "12");
        var zoom = await host.GetAttributeAsync("data-cluster-zoom");
        Assert.True(string.IsNullOrEmpty(zoom) || int.Parse(zoom, System.Globalization.CultureInfo.InvariantCulture) > 12, $"zoom after the tap: '{zoom}'");

        // street zoom: single markers again, no bubbles
        await page.SearchAndOpenCommunityAsync(MapAppFixture.CommunityCode);
        await Expect(page.Locator(".geo-marker.kind-shelter").First).ToBeVisibleAsync();
        await Expect(page.Locator(".geo-cluster")).ToHaveCountAsync(0);
        await Expect(host).ToHaveAttributeAsync("data-cluster-zoom", "");
        await context.CloseAsync();
    }

    private static (double X, double Y, double W, double H) Box(JsonElement e) =>
        (e.GetProperty("x").GetDouble(), e.GetProperty("y").GetDouble(), e.GetProperty("w").GetDouble(), e.GetProperty("h").GetDouble());
}
