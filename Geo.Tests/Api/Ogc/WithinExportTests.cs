using System.Net;
using System.Text;

namespace Geo.Tests.Api.Ogc;

public sealed class WithinExportTests(SeededApiFixture f) : IClassFixture<SeededApiFixture>
{
    private const string Box = """{"type":"Polygon","coordinates":[[[116.6,39.85],[116.65,39.85],[116.65,39.9],[116.6,39.9],[116.6,39.85]]]}""";

    private Task<HttpResponseMessage> PostAsync(string json, string query = "") =>
        f.Http.PostAsync("/api/query/within" + query, new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Within_a_polygon_counts_by_kind_and_status_like_sql()
    {
        var doc = await ApiAssert.JsonAsync(await PostAsync($$"""{"geometry":{{Box}},"limit":5}"""));
        const string where = "kind NOT IN ('camera','sensor') AND ST_Intersects(geom, ST_MakeEnvelope(116.6, 39.85, 116.65, 39.9, 4326))";
        Assert.Equal(await f.CountAsync(where), doc.GetProperty("numberMatched").GetInt64());
        Assert.Equal(5, doc.GetProperty("numberReturned").GetInt32());
        var byKind = doc.GetProperty("counts").GetProperty("by_kind");
        Assert.Equal(await f.CountAsync(where + " AND kind = 'shop'"), byKind.GetProperty("shop").GetInt64());
        Assert.False(byKind.TryGetProperty("camera", out _));
        Assert.Equal(await f.CountAsync(where + " AND status = 'offline'"), doc.GetProperty("counts").GetProperty("by_status").GetProperty("offline").GetInt64());
    }

    [Fact]
    public async Task Within_a_region_code_and_a_kind_subset()
    {
        var doc = await ApiAssert.JsonAsync(await PostAsync("""{"region_code":"OGC-C","kinds":"shop"}"""));
        var expected = await f.CountAsync("kind = 'shop' AND ST_Intersects(geom, (SELECT geom FROM regions WHERE code = 'OGC-C'))");
        Assert.Equal(expected, doc.GetProperty("numberMatched").GetInt64());
        await ApiAssert.ProblemAsync(await PostAsync("""{"region_code":"NOPE"}"""), "region_code", HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("not json", "body")]
    [InlineData("{}", "geometry")]
    [InlineData("""{"geometry":{"type":"Point","coordinates":[116.6,39.9]}}""", "geometry")]
    [InlineData("""{"geometry":{"type":"Polygon","coordinates":[[[116.6,39.85],[116.65,39.9],[116.65,39.85],[116.6,39.9],[116.6,39.85]]]}}""", "geometry")]
    [InlineData("""{"geometry":{"type":"Polygon","coordinates":[[[110,30],[120,30],[120,40],[110,30]]]}}""", "geometry")]
    [InlineData("""{"geometry":{"type":"Polygon","coordinates":"x"}}""", "geometry")]
    [InlineData("""{"geometry":{"type":"Polygon","coordinates":[[[116.6,39.85],[116.65,39.85],[116.6,39.85]]]},"kinds":"ufo"}""", "kinds")]
    [InlineData("""{"region_code":"OGC-C","limit":0}""", "limit")]
    public async Task Bad_within_bodies_are_400_problems(string body, string parameter)
    {
        await ApiAssert.ProblemAsync(await PostAsync(body), parameter);
    }

    [Fact]
    public async Task Oversized_polygon_is_rejected()
    {
        var ring = Enumerable.Range(0, 10_001).Select(i => (116.6 + 0.01 * Math.Cos(i * 2 * Math.PI / 10_001), 39.9 + 0.01 * Math.Sin(i * 2 * Math.PI / 10_001))).ToList();
        ring.Add(ring[0]);
        var coords = string.Join(",", ring.Select(p => FormattableString.Invariant($"[{p.Item1},{p.Item2}]")));
        var problem = await ApiAssert.ProblemAsync(await PostAsync("{\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[" + coords + "]]}}"), "geometry");
        Assert.Contains("oversized", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Within_exports_csv()
    {
        var res = await PostAsync($$"""{"geometry":{{Box}}}""", "?f=csv");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var text = Encoding.UTF8.GetString(await res.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("\uFEFFid,lon,lat", text);
        var rows = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length - 1;
        Assert.Equal(await f.CountAsync("kind NOT IN ('camera','sensor') AND ST_Intersects(geom, ST_MakeEnvelope(116.6, 39.85, 116.65, 39.9, 4326))"), rows);
    }

    [Fact]
    public async Task Export_streams_whole_collections_as_geojson_and_csv()
    {
        var geo = await f.Http.GetAsync("/api/export/shop?f=geojson");
        Assert.Equal("attachment; filename=\"shop.geojson\"", geo.Content.Headers.ContentDisposition?.ToString());
        var doc = await ApiAssert.JsonAsync(geo);
        Assert.Equal(await f.CountAsync("kind = 'shop'"), doc.GetProperty("features").GetArrayLength());
        var csv = await f.Http.GetAsync("/api/export/shelter?f=csv&properties=name,capacity");
        var lines = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("\uFEFFid,lon,lat,name,capacity", lines[0]);
        Assert.Equal(5, lines.Length); // 4 polygon shelters, each with a point-on-surface lon/lat
        Assert.All(lines.Skip(1), l => Assert.Matches(@"^\d+,116\.\d+,39\.\d+,", l));
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/api/export/camera?f=csv"), "collectionId", HttpStatusCode.NotFound);
    }
}
