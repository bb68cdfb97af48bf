using System.Net;
using System.Text;
using System.Text.Json;

namespace Geo.Tests.Api.Ogc;

public sealed class OgcFeaturesTests(SeededApiFixture f) : IClassFixture<SeededApiFixture>
{
    private const string NonSensitive = "source = 'ogc-test' AND kind NOT IN ('camera', 'sensor')";

    [Fact]
    public async Task Landing_page_and_conformance_follow_part_1()
    {
        var landing = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc"));
        var rels = landing.GetProperty("links").EnumerateArray().Select(l => l.GetProperty("rel").GetString()).ToList();
        Assert.Contains("service-desc", rels);
        Assert.Contains("conformance", rels);
        Assert.Contains("data", rels);
        var conf = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/conformance"));
        var classes = conf.GetProperty("conformsTo").EnumerateArray().Select(x => x.GetString()).ToList();
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core", classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs", classes);
        Assert.Contains("http://www.opengis.net/spec/cql2/1.0/conf/cql2-text", classes);
    }

    [Fact]
    public async Task Api_definition_is_openapi_3_0_and_documents_the_items_path()
    {
        var doc = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/api"));
        Assert.StartsWith("3.0", doc.GetProperty("openapi").GetString());
        // the OGC document: paths relative to the landing page, as GDAL and QGIS look them up
        var items = doc.GetProperty("paths").GetProperty("/collections/{collectionId}/items").GetProperty("get");
        Assert.False(doc.GetProperty("paths").TryGetProperty("/api/nearby", out _));
        var ps = items.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p);
        var limit = ps["limit"].GetProperty("schema");
        Assert.Equal("integer", limit.GetProperty("type").GetString());
        Assert.Equal(1, limit.GetProperty("minimum").GetInt32());
        Assert.Equal(10_000, limit.GetProperty("maximum").GetInt32());
        Assert.Equal(100, limit.GetProperty("default").GetInt32());
        Assert.Equal("integer", ps["offset"].GetProperty("schema").GetProperty("type").GetString());
        var bbox = ps["bbox"];
        Assert.Equal("array", bbox.GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal("number", bbox.GetProperty("schema").GetProperty("items").GetProperty("type").GetString());
        Assert.True(!bbox.TryGetProperty("style", out var style) || style.GetString() == "form", bbox.ToString()); // form is the default for query parameters
        Assert.False(bbox.GetProperty("explode").GetBoolean());
        Assert.Equal(["cql2-text"], ps["filter-lang"].GetProperty("schema").GetProperty("enum").EnumerateArray().Select(x => x.GetString()));
        // queryables as query parameters (GDAL pushes equality filters down for these), sensitive kinds' fields left out
        Assert.Equal(["online", "offline", "maintenance", "planned"], ps["status"].GetProperty("schema").GetProperty("enum").EnumerateArray().Select(x => x.GetString()));
        Assert.False(ps.ContainsKey("sensor_type"));
        Assert.False(ps.ContainsKey("heading_deg"));
        var v1 = await ApiAssert.JsonAsync(await f.Http.GetAsync("/openapi/v1.json"));
        Assert.True(v1.GetProperty("paths").TryGetProperty("/ogc/collections/{collectionId}/items", out var v1Items));
        Assert.Equal("integer", v1Items.GetProperty("get").GetProperty("parameters").EnumerateArray().First(p => p.GetProperty("name").GetString() == "limit").GetProperty("schema").GetProperty("type").GetString());
        var ui = await f.Http.GetAsync("/scalar");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }

    [Fact]
    public async Task Collections_list_kinds_and_levels_but_hide_sensitive_layers_by_default()
    {
        var doc = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/collections"));
        var ids = doc.GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        Assert.Contains("shop", ids);
        Assert.Contains("wifi_hotspot", ids);
        Assert.Contains("grid_cell", ids);
        Assert.Contains("district", ids);
        Assert.DoesNotContain("camera", ids);
        Assert.DoesNotContain("sensor", ids);
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/ogc/collections/camera"), "collectionId", HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/ogc/collections/camera/items"), "collectionId", HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/ogc/collections/nope/items"), "collectionId", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Sensitive_layers_are_served_when_configured()
    {
        await using var app = new Infrastructure.GeoWebFactory(f.Db.ConnectionString, new Dictionary<string, string?> { ["Geo:ExposeSensitiveLayers"] = "true" });
        var http = app.CreateClient();
        var doc = await ApiAssert.JsonAsync(await http.GetAsync("/ogc/collections"));
        Assert.Contains("camera", doc.GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var items = await ApiAssert.JsonAsync(await http.GetAsync("/ogc/collections/camera/items"));
        Assert.Equal(6, items.GetProperty("numberMatched").GetInt64());
    }

    [Fact]
    public async Task Collection_metadata_has_extent_crs_list_and_item_type()
    {
        var c = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/collections/shop"));
        Assert.Equal("feature", c.GetProperty("itemType").GetString());
        var bbox = c.GetProperty("extent").GetProperty("spatial").GetProperty("bbox")[0].EnumerateArray().Select(x => x.GetDouble()).ToArray();
        // the data's own extent, as PostGIS computes it (not the district box)
        await using (var cmd = f.Db.DataSource.CreateCommand("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM assets WHERE kind = 'shop') x"))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            for (var i = 0; i < 4; i++) Assert.Equal(r.GetDouble(i), bbox[i], 9);
        }
        var interval = c.GetProperty("extent").GetProperty("temporal").GetProperty("interval")[0];
        Assert.Equal("2026-01-01T00:00:00Z", interval[0].GetString());
        var crs = c.GetProperty("crs").EnumerateArray().Select(x => x.GetString()).ToList();
        Assert.Contains("http://www.opengis.net/def/crs/EPSG/0/3857", crs);
        Assert.Contains("http://www.opengis.net/def/crs/EPSG/0/4490", crs);
        Assert.Equal("http://www.opengis.net/def/crs/OGC/1.3/CRS84", c.GetProperty("storageCrs").GetString());
        var rels = c.GetProperty("links").EnumerateArray().Select(l => l.GetProperty("rel").GetString()).ToList();
        Assert.Contains("http://www.opengis.net/def/rel/ogc/1.0/queryables", rels);
        Assert.Contains("queryables", rels);
    }

    [Fact]
    public async Task Items_page_with_next_and_prev_links_covers_every_feature_once()
    {
        var expected = await f.IdsAsync("source = 'ogc-test' AND kind = 'shop'");
        var seen = new List<long>();
        string? url = "/ogc/collections/shop/items?limit=25";
        var pages = 0;
        while (url is not null)
        {
            var page = await ApiAssert.JsonAsync(await f.Http.GetAsync(url));
            Assert.Equal(expected.Count, page.GetProperty("numberMatched").GetInt64());
            Assert.Equal(page.GetProperty("features").GetArrayLength(), page.GetProperty("numberReturned").GetInt32());
            seen.AddRange(ApiAssert.Ids(page));
            var links = page.GetProperty("links").EnumerateArray().ToList();
            Assert.Equal(pages > 0, links.Any(l => l.GetProperty("rel").GetString() == "prev"));
            url = links.FirstOrDefault(l => l.GetProperty("rel").GetString() == "next") is { ValueKind: JsonValueKind.Object } next
                ? new Uri(next.GetProperty("href").GetString()!).PathAndQuery : null;
            pages++;
        }
        Assert.Equal(3, pages);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task Default_limit_is_100_and_limit_over_10000_is_a_problem()
    {
        var res = await f.Http.GetAsync("/ogc/collections/shop/items");
        Assert.Equal("application/geo+json", res.Content.Headers.ContentType?.MediaType);
        Assert.Equal("<http://www.opengis.net/def/crs/OGC/1.3/CRS84>", res.Headers.GetValues("Content-Crs").Single());
        var all = await ApiAssert.JsonAsync(res);
        Assert.Equal(60, all.GetProperty("numberReturned").GetInt32());
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/ogc/collections/shop/items?limit=10001"), "limit");
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/ogc/collections/shop/items?limit=0"), "limit");
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/ogc/collections/shop/items?limit=ten"), "limit");
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/ogc/collections/shop/items?offset=-1"), "offset");
    }

    [Fact]
    public async Task Bbox_filter_equals_the_database_count()
    {
        const string bbox = "116.62,39.86,116.66,39.91";
        var expected = await f.IdsAsync($"{NonSensitive} AND kind = 'shop' AND ST_Intersects(geom, ST_MakeEnvelope(116.62, 39.86, 116.66, 39.91, 4326))");
        Assert.NotEmpty(expected);
        var page = await ApiAssert.JsonAsync(await f.Http.GetAsync($"/ogc/collections/shop/items?bbox={bbox}"));
        Assert.Equal(expected, ApiAssert.Ids(page));
        // the same box in EPSG:4326 axis order (lat, lon) and in EPSG:3857 metres
        var latLon = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/collections/shop/items?bbox=39.86,116.62,39.91,116.66&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326"));
        Assert.Equal(expected, ApiAssert.Ids(latLon));
        var merc = await ApiAssert.JsonAsync(await f.Http.GetAsync(
            "/ogc/collections/shop/items?bbox=12982079.0163,4845618.6685,12986531.7959,4852872.3310&bbox-crs=EPSG:3857"));
        Assert.Equal(expected, ApiAssert.Ids(merc));
    }

    [Theory]
    [InlineData("bbox=116.7,39.8,116.6,39.9", "bbox")]           // inverted
    [InlineData("bbox=116.6,39.8,190,39.9", "bbox")]             // out of range
    [InlineData("bbox=100,30,120,45", "bbox")]                   // too large
    [InlineData("bbox=116.6,39.8,116.7", "bbox")]                // 3 numbers
    [InlineData("bbox=a,b,c,d", "bbox")]                         // non-numeric
    [InlineData("bbox=116.6,39.8,116.7,39.9&bbox-crs=EPSG:9999", "bbox-crs")]
    [InlineData("bbox-crs=EPSG:4326", "bbox-crs")]
    [InlineData("crs=EPSG:2000", "crs")]
    [InlineData("datetime=yesterday", "datetime")]
    [InlineData("datetime=2026-02-01/2026-01-01", "datetime")]
    [InlineData("datetime=../..", "datetime")]
    [InlineData("sortby=nope", "sortby")]
    [InlineData("sortby=geometry", "sortby")]
    [InlineData("properties=nope", "properties")]
    [InlineData("f=xml", "f")]
    [InlineData("colour=red", "colour")]
    [InlineData("capacity=100", "capacity")]                     // a shelter attribute, unknown on shops
    [InlineData("filter=name%20%3D", "filter")]
    [InlineData("filter-lang=cql2-json&filter=name%3D'x'", "filter-lang")]
    [InlineData("filter-crs=EPSG:1&filter=name%3D'x'", "filter-crs")]
    public async Task Bad_item_queries_are_400_problems_naming_the_parameter(string query, string parameter)
    {
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/ogc/collections/shop/items?" + query), parameter);
    }

    [Fact]
    public async Task Datetime_filters_updated_at_with_instants_and_open_intervals()
    {
        async Task<List<long>> Api(string dt) =>
            ApiAssert.Ids(await ApiAssert.JsonAsync(await f.Http.GetAsync($"/ogc/collections/shop/items?limit=1000&datetime={Uri.EscapeDataString(dt)}")));
        Assert.Equal(await f.IdsAsync("source='ogc-test' AND kind='shop' AND updated_at >= '2026-01-11' AND updated_at < '2026-01-21'"),
            await Api("2026-01-11T00:00:00Z/2026-01-20T00:00:00Z"));
        Assert.Equal(await f.IdsAsync("source='ogc-test' AND kind='shop' AND updated_at >= '2026-02-15'"), await Api("2026-02-15T00:00:00Z/.."));
        Assert.Equal(await f.IdsAsync("source='ogc-test' AND kind='shop' AND updated_at < '2026-01-05'"), await Api("../2026-01-04"));
        Assert.Single(await Api("2026-01-03"));
        Assert.Single(await Api("2026-01-03T00:00:00Z"));
    }

    [Fact]
    public async Task Simple_property_filters_use_columns_and_kind_attributes()
    {
        var offline = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/collections/shop/items?status=offline"));
        Assert.Equal(await f.IdsAsync("source='ogc-test' AND kind='shop' AND status='offline'"), ApiAssert.Ids(offline));
        var eat = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/collections/shop/items?category=eat&status=online"));
        Assert.Equal(await f.IdsAsync("source='ogc-test' AND kind='shop' AND status='online' AND attributes->>'category'='eat'"), ApiAssert.Ids(eat));
        var big = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/collections/shelter/items?capacity=300"));
        Assert.Single(ApiAssert.Ids(big));
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/ogc/collections/shelter/items?capacity=lots"), "capacity");
    }

    [Fact]
    public async Task Crs_output_transforms_and_sets_content_crs()
    {
        var id = (await f.IdsAsync("source='ogc-test' AND kind='shop'"))[0];
        await using var cmd = f.Db.DataSource.CreateCommand("SELECT ST_X(geom), ST_Y(geom), ST_X(ST_Transform(geom, 3857)), ST_Y(ST_Transform(geom, 3857)) FROM assets WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        var (lon, lat, mx, my) = (r.GetDouble(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3));

        var res = await f.Http.GetAsync($"/ogc/collections/shop/items/{id}?crs=EPSG:3857");
        Assert.Equal("<http://www.opengis.net/def/crs/EPSG/0/3857>", res.Headers.GetValues("Content-Crs").Single());
        var c = (await ApiAssert.JsonAsync(res)).GetProperty("geometry").GetProperty("coordinates");
        Assert.Equal(mx, c[0].GetDouble(), 0.01);
        Assert.Equal(my, c[1].GetDouble(), 0.01);

        var wgs = await f.Http.GetAsync($"/ogc/collections/shop/items/{id}?crs=http://www.opengis.net/def/crs/EPSG/0/4326");
        var ll = (await ApiAssert.JsonAsync(wgs)).GetProperty("geometry").GetProperty("coordinates");
        Assert.Equal(lat, ll[0].GetDouble(), 6); // EPSG:4326 is lat, lon
        Assert.Equal(lon, ll[1].GetDouble(), 6);

        var cgcs = await f.Http.GetAsync($"/ogc/collections/shop/items?crs=EPSG:4490&limit=1");
        Assert.Equal("<http://www.opengis.net/def/crs/EPSG/0/4490>", cgcs.Headers.GetValues("Content-Crs").Single());
        var first = (await ApiAssert.JsonAsync(cgcs)).GetProperty("features")[0].GetProperty("geometry").GetProperty("coordinates");
        Assert.InRange(first[0].GetDouble(), 39.8, 40.0);
    }

    [Theory]
    [InlineData(4548, true)]   // CGCS2000 / 3-degree Gauss-Krüger CM 117E: northing, easting
    [InlineData(32650, false)] // WGS 84 / UTM 50N: easting, northing
    public async Task Projected_output_and_bbox_crs_for_tongzhou_grids(int srid, bool northFirst)
    {
        var id = (await f.IdsAsync("source='ogc-test' AND kind='shop'"))[0];
        double e, n;
        await using (var cmd = f.Db.DataSource.CreateCommand($"SELECT ST_X(ST_Transform(geom, {srid})), ST_Y(ST_Transform(geom, {srid})) FROM assets WHERE id = $1"))
        {
            cmd.Parameters.AddWithValue(id);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            (e, n) = (r.GetDouble(0), r.GetDouble(1));
        }
        var res = await f.Http.GetAsync($"/ogc/collections/shop/items/{id}?crs=http://www.opengis.net/def/crs/EPSG/0/{srid}");
        Assert.Equal($"<http://www.opengis.net/def/crs/EPSG/0/{srid}>", res.Headers.GetValues("Content-Crs").Single());
        var c = (await ApiAssert.JsonAsync(res)).GetProperty("geometry").GetProperty("coordinates");
        Assert.Equal(northFirst ? n : e, c[0].GetDouble(), 0.002);
        Assert.Equal(northFirst ? e : n, c[1].GetDouble(), 0.002);
        Assert.InRange(n, 4_400_000, 4_430_000); // about 39.9°N in metres from the equator

        var collection = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/collections/shop"));
        Assert.Contains($"http://www.opengis.net/def/crs/EPSG/0/{srid}", collection.GetProperty("crs").EnumerateArray().Select(x => x.GetString()));

        // a projected box: the lon/lat envelope of its (densified) outline selects the same features
        double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
        await using (var cmd = f.Db.DataSource.CreateCommand($"""
            SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM (SELECT ST_Transform(ST_MakeEnvelope(116.62, 39.86, 116.66, 39.91, 4326), {srid}) AS b) s
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            await r.ReadAsync();
            (x1, y1, x2, y2) = (Math.Round(r.GetDouble(0)), Math.Round(r.GetDouble(1)), Math.Round(r.GetDouble(2)), Math.Round(r.GetDouble(3)));
        }
        var expected = await f.IdsAsync(FormattableString.Invariant($"""
            {NonSensitive} AND kind = 'shop' AND ST_Intersects(geom,
              ST_Envelope(ST_Transform(ST_Segmentize(ST_MakeEnvelope({x1}, {y1}, {x2}, {y2}, {srid}), {(x2 - x1) / 64}), 4326)))
            """));
        Assert.NotEmpty(expected);
        var bbox = northFirst ? FormattableString.Invariant($"{y1},{x1},{y2},{x2}") : FormattableString.Invariant($"{x1},{y1},{x2},{y2}");
        var page = await ApiAssert.JsonAsync(await f.Http.GetAsync($"/ogc/collections/shop/items?bbox={bbox}&bbox-crs=EPSG:{srid}&crs=EPSG:{srid}"));
        Assert.Equal(expected, ApiAssert.Ids(page));
        var first = page.GetProperty("features")[0].GetProperty("geometry").GetProperty("coordinates");
        Assert.InRange(first[northFirst ? 0 : 1].GetDouble(), y1 - 1, y2 + 1);
        Assert.InRange(first[northFirst ? 1 : 0].GetDouble(), x1 - 1, x2 + 1);

        // filter-crs: the same box as a CQL2 BBOX literal in the projected CRS's axis order
        var filtered = await ApiAssert.JsonAsync(await f.Http.GetAsync(
            $"/ogc/collections/shop/items?filter-crs=EPSG:{srid}&filter={Uri.EscapeDataString($"S_INTERSECTS(geometry, BBOX({bbox}))")}"));
        Assert.Equal(await f.IdsAsync(FormattableString.Invariant($"""
            {NonSensitive} AND kind = 'shop' AND ST_Intersects(geom, ST_Transform(ST_MakeEnvelope({x1}, {y1}, {x2}, {y2}, {srid}), 4326))
            """)), ApiAssert.Ids(filtered));
    }

    [Fact]
    public async Task Single_item_and_unknown_ids()
    {
        var id = (await f.IdsAsync("source='ogc-test' AND kind='wifi_hotspot'"))[0];
        var item = await ApiAssert.JsonAsync(await f.Http.GetAsync($"/ogc/collections/wifi_hotspot/items/{id}"));
        Assert.Equal("Feature", item.GetProperty("type").GetString());
        Assert.Equal(id, item.GetProperty("id").GetInt64());
        Assert.Equal("wifi_hotspot", item.GetProperty("properties").GetProperty("kind").GetString());
        Assert.True(item.GetProperty("properties").TryGetProperty("coverage_radius_m", out _));
        await ApiAssert.ProblemAsync(await f.Http.GetAsync($"/ogc/collections/shop/items/{id}"), "featureId", HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(await f.Http.GetAsync("/ogc/collections/shop/items/abc"), "featureId", HttpStatusCode.NotFound);
        var camera = (await f.IdsAsync("source='ogc-test' AND kind='camera'"))[0];
        await ApiAssert.ProblemAsync(await f.Http.GetAsync($"/ogc/collections/camera/items/{camera}"), "collectionId", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Sortby_and_properties_shape_the_output()
    {
        var page = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/collections/shop/items?sortby=-updated_at&properties=name,status&limit=5"));
        Assert.Equal(await f.IdsAsync("id IN (SELECT id FROM assets WHERE source='ogc-test' AND kind='shop' ORDER BY updated_at DESC, id LIMIT 5)"),
            ApiAssert.Ids(page).Order().ToList());
        var first = page.GetProperty("features")[0];
        Assert.Equal("商铺 59", first.GetProperty("properties").GetProperty("name").GetString());
        Assert.Equal(["name", "status"], first.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToArray());
        var byName = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/collections/wifi_hotspot/items?sortby=%2Bcoverage_radius_m&limit=3"));
        Assert.Equal([20.0, 30.0, 40.0], byName.GetProperty("features").EnumerateArray()
            .Select(x => x.GetProperty("properties").GetProperty("coverage_radius_m").GetDouble()).ToArray());
    }

    [Fact]
    public async Task Queryables_are_a_json_schema_with_kind_attributes()
    {
        var res = await f.Http.GetAsync("/ogc/collections/shop/queryables");
        Assert.Equal("application/schema+json", res.Content.Headers.ContentType?.MediaType);
        var q = await ApiAssert.JsonAsync(res);
        var props = q.GetProperty("properties");
        Assert.Equal("string", props.GetProperty("status").GetProperty("type").GetString());
        Assert.Contains("eat", props.GetProperty("category").GetProperty("enum").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("geometry-any", props.GetProperty("geometry").GetProperty("format").GetString());
    }

    [Fact]
    public async Task Csv_is_utf8_with_bom_and_lon_lat_columns()
    {
        var res = await f.Http.GetAsync("/ogc/collections/shop/items?f=csv&status=offline");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("text/csv", res.Content.Headers.ContentType?.MediaType);
        var bytes = await res.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,lon,lat,name,status", lines[0]);
        Assert.Equal(await f.CountAsync("source='ogc-test' AND kind='shop' AND status='offline'"), lines.Length - 1);
        Assert.Contains("商铺", lines[1]);
    }

    [Fact]
    public async Task Region_levels_are_collections_too()
    {
        var cells = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/collections/grid_cell/items"));
        var cell = Assert.Single(cells.GetProperty("features").EnumerateArray());
        Assert.Equal("OGC-G", cell.GetProperty("properties").GetProperty("code").GetString());
        Assert.Equal("MultiPolygon", cell.GetProperty("geometry").GetProperty("type").GetString());
        var filtered = await ApiAssert.JsonAsync(await f.Http.GetAsync("/ogc/collections/community/items?code=OGC-C"));
        Assert.Single(filtered.GetProperty("features").EnumerateArray());
    }
}

public sealed class Cql2LimitApiTests(SeededApiFixture f) : IClassFixture<SeededApiFixture>
{
    [Theory]
    [InlineData(65, 0)]
    [InlineData(0, 1001)]
    public async Task Too_deep_or_too_long_filters_are_400_problems_naming_filter(int depth, int predicates)
    {
        var cql = depth > 0
            ? new string('(', depth) + "status = 'online'" + new string(')', depth)
            : string.Join(" AND ", Enumerable.Repeat("id > 1", predicates));
        var res = await f.Http.GetAsync($"/ogc/collections/shop/items?filter={Uri.EscapeDataString(cql)}");
        var problem = await ApiAssert.ProblemAsync(res, "filter");
        Assert.True(problem.GetProperty("position").GetInt32() > 0);
    }
}
