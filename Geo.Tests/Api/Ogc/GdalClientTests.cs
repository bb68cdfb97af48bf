using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api.Ogc;

/// <summary>GDAL's OAPIF driver as an outside client over a real loopback port: every collection read with
/// paging (and with a bbox) must hold exactly the features the database holds.</summary>
public sealed partial class GdalClientTests(SeededApiFixture f) : IClassFixture<SeededApiFixture>
{
    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GDAL_HTTP_TIMEOUT"] = "60";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(cts.Token);
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {p.ExitCode}: {await stderr}");
        return await stdout;
    }

    [Fact]
    public async Task Ogrinfo_lists_every_collection_with_the_database_counts()
    {
        var (app, url) = f.StartKestrel();
        await using var _ = app;
        var output = await RunAsync("ogrinfo", "-ro", "-al", "-so", "-oo", "PAGE_SIZE=7", $"OAPIF:{url}/ogc");
        var counts = LayerCount().Matches(output).ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value));
        Assert.Contains("shop", counts.Keys);
        Assert.DoesNotContain("camera", counts.Keys);
        foreach (var kind in new[] { "shop", "wifi_hotspot", "shelter", "kiosk" })
        {
            Assert.Equal(await f.CountAsync($"kind = '{kind}'"), counts[kind]);
        }
        Assert.Equal(1, counts["grid_cell"]);
    }

    [Theory]
    [InlineData("shop", null)]
    [InlineData("wifi_hotspot", null)]
    [InlineData("shelter", null)]
    [InlineData("shop", new[] { 116.62, 39.86, 116.67, 39.92 })]
    [InlineData("wifi_hotspot", new[] { 116.6, 39.85, 116.65, 39.95 })]
    public async Task Ogr2ogr_reads_collections_with_paging_and_bbox(string collection, double[]? bbox)
    {
        var (app, url) = f.StartKestrel();
        await using var _ = app;
        using (var tmp = new TempDir("geo-ogc-"))
        {
            var outFile = tmp.File("out.geojson");
            var args = new List<string> { "-f", "GeoJSON", outFile, "-oo", "PAGE_SIZE=5", $"OAPIF:{url}/ogc", collection };
            if (bbox is not null) args.AddRange(["-spat", .. bbox.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            await RunAsync("ogr2ogr", [.. args]);
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(outFile));
            var ids = doc.RootElement.GetProperty("features").EnumerateArray().Select(x => x.GetProperty("properties").GetProperty("name").GetString()).ToList();
            var where = $"kind = '{collection}'" + (bbox is null ? "" : FormattableString.Invariant(
                $" AND ST_Intersects(geom, ST_MakeEnvelope({bbox[0]}, {bbox[1]}, {bbox[2]}, {bbox[3]}, 4326))"));
            Assert.Equal(await f.CountAsync(where), ids.Count);
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }
    }

    [GeneratedRegex(@"Layer name: (\S+)[\s\S]*?Feature Count: (\d+)")]
    private static partial Regex LayerCount();
}
