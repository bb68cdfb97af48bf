using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Geo.Tests.Api.Ogc;

namespace Geo.Tests.Api;

/// <summary>HEAD wherever GET is, range requests on exports (and GDAL's /vsizip//vsicurl/ on a real port),
/// CORS for the public read endpoints only, and Brotli/gzip for JSON.</summary>
public sealed class HttpBasicsTests(SeededApiFixture f) : IClassFixture<SeededApiFixture>
{
    [Theory]
    [InlineData("/ogc")]
    [InlineData("/ogc/collections")]
    [InlineData("/ogc/collections/shop")]
    [InlineData("/ogc/collections/shop/queryables")]
    [InlineData("/ogc/collections/shop/items?limit=5&f=csv")]
    [InlineData("/api/export/shop?f=csv")]
    [InlineData("/api/export/shop?f=shp")]
    [InlineData("/api/export/shelter")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/open311/v2/services.json")]
    [InlineData("/api/locate?lon=116.6&lat=39.85")]
    public async Task Head_answers_like_get_without_a_body(string url)
    {
        var get = await f.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var body = await get.Content.ReadAsByteArrayAsync();
        var head = await f.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(body.Length, head.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Head_of_an_unknown_collection_is_the_404_problem()
    {
        var head = await f.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/ogc/collections/nope/items"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Fact]
    public async Task Exports_serve_byte_ranges_with_an_etag()
    {
        var full = await f.Http.GetAsync("/api/export/shelter?f=shp");
        var bytes = await full.Content.ReadAsByteArrayAsync();
        Assert.Equal("bytes", full.Headers.AcceptRanges.Single());
        var etag = full.Headers.ETag!;
        Assert.True(bytes.Length > 300);

        var req = new HttpRequestMessage(HttpMethod.Get, "/api/export/shelter?f=shp");
        req.Headers.Range = new RangeHeaderValue(100, 299);
        var part = await f.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal($"bytes 100-299/{bytes.Length}", part.Content.Headers.ContentRange!.ToString());
        Assert.Equal(bytes[100..300], await part.Content.ReadAsByteArrayAsync());

        // If-Range with the current ETag gives the part; with a stale one, the whole file
        var ifRange = new HttpRequestMessage(HttpMethod.Get, "/api/export/shelter?f=shp");
        ifRange.Headers.Range = new RangeHeaderValue(0, 9);
        ifRange.Headers.IfRange = new RangeConditionHeaderValue(etag);
        Assert.Equal(HttpStatusCode.PartialContent, (await f.Http.SendAsync(ifRange)).StatusCode);
        var stale = new HttpRequestMessage(HttpMethod.Get, "/api/export/shelter?f=shp");
        stale.Headers.Range = new RangeHeaderValue(0, 9);
        stale.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"stale\""));
        Assert.Equal(HttpStatusCode.OK, (await f.Http.SendAsync(stale)).StatusCode);

        var geojson = new HttpRequestMessage(HttpMethod.Get, "/api/export/shop");
        geojson.Headers.Range = new RangeHeaderValue(0, 0);
        var first = await f.Http.SendAsync(geojson);
        Assert.Equal(HttpStatusCode.PartialContent, first.StatusCode);
        Assert.Equal("{", System.Text.Encoding.ASCII.GetString(await first.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Gdal_opens_a_zipped_shapefile_export_through_vsicurl()
    {
        var (app, url) = f.StartKestrel();
        await using var _ = app;
        var psi = new ProcessStartInfo("ogrinfo") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-ro", "-so", "-al", $"/vsizip/{{/vsicurl/{url}/api/export/shelter?f=shp}}/shelter.shp" }) psi.ArgumentList.Add(a);
        psi.Environment["GDAL_HTTP_TIMEOUT"] = "60";
        using var p = Process.Start(psi)!;
        var stdout = await p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, stderr + stdout);
        Assert.Contains($"Feature Count: {await f.CountAsync("kind = 'shelter'")}", stdout);
        Assert.Contains("Geometry: Polygon", stdout);
    }

    [Fact]
    public async Task Cors_lets_another_origin_read_public_endpoints_but_not_write()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/ogc/collections/shop/items");
        preflight.Headers.Add("Origin", "https://app.example.org");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        var res = await f.Http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, res.StatusCode);
        Assert.Equal("*", res.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var get = new HttpRequestMessage(HttpMethod.Get, "/ogc/collections/shop/items?limit=1");
        get.Headers.Add("Origin", "https://app.example.org");
        var got = await f.Http.SendAsync(get);
        Assert.Equal("*", got.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Content-Crs", got.Headers.GetValues("Access-Control-Expose-Headers").Single());
        Assert.False(got.Headers.Contains("Access-Control-Allow-Credentials"));

        // a write is never allowed cross-origin, and a staff endpoint gets no CORS at all
        var post = new HttpRequestMessage(HttpMethod.Options, "/open311/v2/requests.json");
        post.Headers.Add("Origin", "https://app.example.org");
        post.Headers.Add("Access-Control-Request-Method", "POST");
        var refused = await f.Http.SendAsync(post);
        Assert.False(refused.Headers.TryGetValues("Access-Control-Allow-Methods", out var methods) && methods.Any(m => m.Contains("POST")));
        var staff = new HttpRequestMessage(HttpMethod.Get, "/api/incidents");
        staff.Headers.Add("Origin", "https://app.example.org");
        Assert.False((await f.Http.SendAsync(staff)).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Cors_origins_are_configurable()
    {
        await using var app = new Infrastructure.GeoWebFactory(f.Db.ConnectionString, new Dictionary<string, string?> { ["Geo:Cors:Origins:0"] = "https://planner.example.org" });
        var http = app.CreateClient();
        foreach (var (origin, allowed) in new[] { ("https://planner.example.org", true), ("https://evil.example.net", false) })
        {
            var get = new HttpRequestMessage(HttpMethod.Get, "/ogc/collections");
            get.Headers.Add("Origin", origin);
            var res = await http.SendAsync(get);
            Assert.Equal(allowed, res.Headers.TryGetValues("Access-Control-Allow-Origin", out var v) && v.Single() == origin);
        }
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Json_is_compressed_when_the_client_accepts_it(string encoding)
    {
        using var raw = f.App.Server.CreateClient();
        var plain = JsonDocument.Parse(await raw.GetStringAsync("/ogc/collections/shop/items?limit=50")).RootElement;
        var req = new HttpRequestMessage(HttpMethod.Get, "/ogc/collections/shop/items?limit=50");
        req.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        var res = await raw.SendAsync(req);
        Assert.Equal(encoding, res.Content.Headers.ContentEncoding.Single());
        var compressed = await res.Content.ReadAsByteArrayAsync();
        await using Stream inflate = encoding == "br"
            ? new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var doc = JsonDocument.Parse(inflate).RootElement;
        Assert.Equal(ApiAssert.Ids(plain), ApiAssert.Ids(doc));
        Assert.True(compressed.Length * 3 < System.Text.Encoding.UTF8.GetByteCount(plain.GetRawText()) * 2, $"compression should take a third off GeoJSON at least: {compressed.Length} of {System.Text.Encoding.UTF8.GetByteCount(plain.GetRawText())}");
    }

    [Theory]
    [InlineData("/lib/leaflet/leaflet.js", "br")]
    [InlineData("/lib/leaflet/leaflet.js", "gzip")]
    [InlineData("/lib/leaflet/leaflet.css", "gzip")]
    [InlineData("/app.css", "br")]
    public async Task Scripts_and_styles_travel_compressed_and_inflate_to_the_file(string path, string encoding)
    {
        using var raw = f.App.Server.CreateClient();
        var plain = await raw.GetByteArrayAsync(path);
        var req = new HttpRequestMessage(HttpMethod.Get, path);
        req.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        var res = await raw.SendAsync(req);
        Assert.Equal(System.Net.HttpStatusCode.OK, res.StatusCode);
        Assert.Equal(encoding, res.Content.Headers.ContentEncoding.SingleOrDefault());
        var wire = await res.Content.ReadAsByteArrayAsync();
        await using Stream inflate = encoding == "br"
            ? new BrotliStream(new MemoryStream(wire), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(wire), CompressionMode.Decompress);
        using var back = new MemoryStream();
        await inflate.CopyToAsync(back);
        Assert.Equal(plain, back.ToArray());
        Assert.True(wire.Length * 2 < plain.Length, $"{path} as {encoding}: {wire.Length} bytes on the wire for {plain.Length}");
    }
}
