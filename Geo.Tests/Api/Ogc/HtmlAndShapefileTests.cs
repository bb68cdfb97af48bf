using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api.Ogc;

/// <summary>HTML at the OGC URLs for people, and zipped Shapefile exports read back by GDAL as an outside reader.</summary>
public sealed partial class HtmlAndShapefileTests(SeededApiFixture f) : IClassFixture<SeededApiFixture>
{
    private async Task<string> HtmlAsync(string url, bool browserAccept = false)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, url);
        if (browserAccept) req.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        var res = await f.Http.SendAsync(req);
        var body = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("text/html", res.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<!DOCTYPE html>", body);
        Assert.Contains("lang=\"zh-CN\"", body);
        return body;
    }

    [Fact]
    public async Task Landing_collections_and_collection_pages_in_html()
    {
        var landing = await HtmlAsync("/ogc?f=html");
        Assert.Contains("要素集合 Collections", landing);
        Assert.Contains("/ogc/collections/shop/items?f=html", landing);
        Assert.DoesNotContain("/ogc/collections/camera", landing);

        var collections = await HtmlAsync("/ogc/collections", browserAccept: true);
        Assert.Contains("/ogc/collections/wifi_hotspot?f=html", collections);
        Assert.Contains("网格 Grid cells", collections);

        var shop = await HtmlAsync("/ogc/collections/shop", browserAccept: true);
        Assert.Contains("在地图中查看 View on the map", shop);
        Assert.Contains("/?layer=shop", shop);
        Assert.DoesNotContain("/map?layer", shop);
        Assert.Contains("http://www.opengis.net/def/crs/EPSG/0/4548", shop);

        // clients that do not ask for HTML keep getting JSON at the same URLs
        var json = await f.Http.GetAsync("/ogc/collections/shop");
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        var items = await f.Http.GetAsync("/ogc/collections/shop/items?limit=1");
        Assert.Equal("application/geo+json", items.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Items_as_an_html_table_with_paging_and_a_map_link()
    {
        var expected = await f.IdsAsync("source = 'ogc-test' AND kind = 'shop'");
        var page = await HtmlAsync("/ogc/collections/shop/items?limit=5&offset=5", browserAccept: true);
        var ids = ItemLink().Matches(page).Select(m => long.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(expected.Skip(5).Take(5), ids);
        Assert.Contains("rel=\"next\"", page);
        Assert.Contains("rel=\"prev\"", page);
        Assert.Contains("offset=10", page);
        Assert.Contains("商铺 ", page); // Chinese names, not numeric character references
        Assert.Contains("/?layer=shop", page);

        var filtered = await HtmlAsync("/ogc/collections/shop/items?f=html&status=offline&properties=name,status&limit=100");
        Assert.Equal(await f.CountAsync("source = 'ogc-test' AND kind = 'shop' AND status = 'offline'"), ItemLink().Matches(filtered).Count);
        Assert.DoesNotContain("rel=\"next\"", filtered);
        Assert.DoesNotContain("<td>online</td>", filtered);

        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/ogc/collections/shop/items?f=pdf"), "f");
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/export/shop?f=html"), "f");
    }

    [Fact]
    public async Task Html_links_lead_somewhere_real_a_single_feature_has_html_and_csv_export_has_every_row()
    {
        var page = await HtmlAsync("/ogc/collections/shop/items?f=html&limit=5&status=online", browserAccept: true);
        // the map link opens the map page with the layer on (not a 404)
        var map = Regex.Match(page, @"href=""([^""]*\?layer=shop)""").Groups[1].Value;
        Assert.Equal(HttpStatusCode.OK, (await f.Http.GetAsync(map.Replace("&amp;", "&"))).StatusCode);
        // the CSV link is the whole filtered result, not the page's five rows
        var csvHref = Regex.Match(page, @"href=""([^""]*f=csv[^""]*)""").Groups[1].Value.Replace("&amp;", "&");
        Assert.Contains("/api/export/shop", csvHref);
        var csv = await f.Http.GetStringAsync(new Uri(csvHref).PathAndQuery);
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length - 1;
        Assert.Equal(await f.CountAsync("kind = 'shop' AND status = 'online'"), rows);
        Assert.True(rows > 5);
        // the GeoJSON page's alternate CSV link too
        var json = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/collections/shop/items?limit=5"));
        var alt = json.GetProperty("links").EnumerateArray().First(l => l.GetProperty("type").GetString() == "text/csv").GetProperty("href").GetString()!;
        Assert.Contains("/api/export/shop", alt);
        Assert.DoesNotContain("limit=", alt);

        // f=html on one feature is an HTML page, not GeoJSON
        var id = (await f.IdsAsync("kind = 'shop'")).First();
        var one = await f.Http.GetAsync($"/ogc/collections/shop/items/{id}?f=html");
        Assert.Equal("text/html", one.Content.Headers.ContentType?.MediaType);
        Assert.Contains("商铺", await one.Content.ReadAsStringAsync());
        var browser = new HttpRequestMessage(HttpMethod.Get, $"/ogc/collections/shop/items/{id}");
        browser.Headers.Accept.ParseAdd("text/html");
        Assert.Equal("text/html", (await f.Http.SendAsync(browser)).Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/geo+json", (await f.Http.GetAsync($"/ogc/collections/shop/items/{id}")).Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await f.Http.GetAsync("/favicon.ico")).StatusCode);
    }

    [GeneratedRegex(@"/items/(\d+)"">")]
    private static partial Regex ItemLink();

    private static async Task<string> OgrinfoAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("ogrinfo") { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"ogrinfo {string.Join(' ', args)}: {await stderr}");
        return await stdout;
    }

    private static async Task<TempDir> UnzipAsync(HttpResponseMessage res, string expectedName)
    {
        Assert.True(res.StatusCode == HttpStatusCode.OK, await res.Content.ReadAsStringAsync());
        Assert.Equal("application/zip", res.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"attachment; filename=\"{expectedName}\"", res.Content.Headers.ContentDisposition?.ToString());
        var dir = new TempDir("geo-shp-test-");
        using var zip = new ZipArchive(await res.Content.ReadAsStreamAsync());
        zip.ExtractToDirectory(dir.Path);
        return dir;
    }

    [Fact]
    public async Task Export_as_zipped_shapefile_reads_back_in_gdal_with_chinese_names()
    {
        using (var unzipped = await UnzipAsync(await f.Http.GetAsync("/api/export/shop?f=shp"), "shop.zip"))
        {
            var dir = unzipped.Path;
            var files = Directory.GetFiles(dir).Select(x => Path.GetFileName(x)).Order().ToArray();
            Assert.Equal(["shop.cpg", "shop.dbf", "shop.prj", "shop.shp", "shop.shx"], files);
            Assert.Equal("UTF-8", await File.ReadAllTextAsync(Path.Combine(dir, "shop.cpg")));
            Assert.Contains("WGS_1984", await File.ReadAllTextAsync(Path.Combine(dir, "shop.prj")));

            var summary = await OgrinfoAsync("-ro", "-so", "-al", Path.Combine(dir, "shop.shp"));
            Assert.Contains($"Feature Count: {await f.CountAsync("kind = 'shop'")}", summary);
            Assert.Contains("Geometry: Point", summary);
            Assert.Contains("WGS 84", summary);
            var fields = FieldName().Matches(summary).Select(m => m.Groups[1].Value).ToList();
            Assert.Contains("ext_id", fields);
            Assert.Contains("category", fields);
            Assert.All(fields, n => Assert.InRange(n.Length, 1, 10));

            var name = (await f.IdsAsync("kind = 'shop' AND name = '商铺 07 超市'")).Single();
            var one = await OgrinfoAsync("-ro", "-al", "-where", $"id = {name}", Path.Combine(dir, "shop.shp"));
            Assert.Contains("name (String) = 商铺 07 超市", one);
            Assert.Contains("POINT (116.", one);
        }
    }

    [Fact]
    public async Task Shapefile_prj_has_no_bom_and_fields_have_types_and_widths_from_the_data()
    {
        using (var unzipped = await UnzipAsync(await f.Http.GetAsync("/api/export/wifi_hotspot?f=shp"), "wifi_hotspot.zip"))
        {
            var dir = unzipped.Path;
            var prj = await File.ReadAllBytesAsync(Path.Combine(dir, "wifi_hotspot.prj"));
            Assert.NotEqual(0xEF, prj[0]);
            Assert.All(prj, b => Assert.InRange(b, (byte)0x20, (byte)0x7E));
            // pyproj (PROJ) is the independent reader: it must recognise the .prj as WGS 84 (EPSG:4326)
            var epsg = await RunAsync("/usr/bin/python3", "-c", // Debian's python, where python3-pyproj lives
                "import sys, pyproj; c = pyproj.CRS.from_wkt(open(sys.argv[1]).read()); print(c.to_epsg(min_confidence=70))", Path.Combine(dir, "wifi_hotspot.prj"));
            Assert.Equal("4326", epsg.Trim());

            var summary = await OgrinfoAsync("-ro", "-so", "-al", Path.Combine(dir, "wifi_hotspot.shp"));
            var types = FieldType().Matches(summary).ToDictionary(m => m.Groups[1].Value, m => (Type: m.Groups[2].Value, Width: int.Parse(m.Groups[3].Value)));
            Assert.Equal("Integer", types["id"].Type);        // ids < 10^9: 9 digits or fewer
            Assert.Equal((await f.IdsAsync("kind = 'wifi_hotspot'")).Max().ToString(System.Globalization.CultureInfo.InvariantCulture).Length, types["id"].Width);
            Assert.Equal("Integer", types["comm_id"].Type);
            Assert.Equal(f.Regions.CommunityId.ToString(System.Globalization.CultureInfo.InvariantCulture).Length, types["comm_id"].Width);
            Assert.Equal("Real", types["coverage_r"].Type); // declared a double: stays Real
            // text as wide as its longest value in UTF-8 bytes, not 254
            await using var cmd = f.Db.DataSource.CreateCommand("SELECT max(octet_length(name)) FROM assets WHERE kind = 'wifi_hotspot'");
            Assert.Equal((int)(await cmd.ExecuteScalarAsync())!, types["name"].Width);
            Assert.All(types.Values, t => Assert.InRange(t.Width, 1, 254));

            // the same data gives the same bytes (what range requests and ETags rely on)
            var a = await f.Http.GetByteArrayAsync("/api/export/wifi_hotspot?f=shp");
            var b = await f.Http.GetByteArrayAsync("/api/export/wifi_hotspot?f=shp");
            Assert.Equal(a, b);
        }
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"{file}: {await stderr}");
        return await stdout;
    }

    [GeneratedRegex(@"^(\w+): (\w+) \((\d+)\.\d+\)", RegexOptions.Multiline)]
    private static partial Regex FieldType();

    [Fact]
    public async Task Mixed_geometries_become_one_shapefile_per_type()
    {
        const string area = """{"geometry":{"type":"Polygon","coordinates":[[[116.59,39.84],[116.71,39.84],[116.71,39.96],[116.59,39.96],[116.59,39.84]]]}}""";
        var res = await f.Http.PostAsync("/api/query/within?f=shp", new StringContent(area, Encoding.UTF8, "application/json"));
        using (var unzipped = await UnzipAsync(res, "within.zip"))
        {
            var dir = unzipped.Path;
            Assert.True(File.Exists(Path.Combine(dir, "within_point.cpg")));
            Assert.True(File.Exists(Path.Combine(dir, "within_polygon.prj")));
            var points = await OgrinfoAsync("-ro", "-so", "-al", Path.Combine(dir, "within_point.shp"));
            var polygons = await OgrinfoAsync("-ro", "-so", "-al", Path.Combine(dir, "within_polygon.shp"));
            Assert.Contains($"Feature Count: {await f.CountAsync("kind NOT IN ('camera', 'sensor', 'shelter')")}", points);
            Assert.Contains($"Feature Count: {await f.CountAsync("kind = 'shelter'")}", polygons);
            Assert.Contains("Geometry: Polygon", polygons);
        }
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/export/shop?f=shp&crs=EPSG:3857"), "crs");
    }

    [GeneratedRegex(@"^(\w+): (?:Integer|Integer64|Real|String|Date)", RegexOptions.Multiline)]
    private static partial Regex FieldName();
}
