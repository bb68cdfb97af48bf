using System.Text;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Ingest;

/// <summary>Every bad input the issue lists fails the whole import with the row number and the reason,
/// and leaves the database exactly as it was (good rows before the bad one are not kept either).</summary>
public sealed class BadInputTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private const string Good = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[116.65,39.90]},\"properties\":{\"id\":\"OK1\"}}";

    [Fact]
    public async Task Broken_json_names_the_feature()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("broken.geojson", "{\"type\":\"FeatureCollection\",\"features\":[" + Good +
            ",{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[116.65 39.90]},\"properties\":{}}]}");
        await IngestKit.RefusedAsync(db, path, ["feature 2", "broken JSON"]);
        var truncated = s.Write("truncated.geojson", "{\"type\":\"FeatureCollection\",\"features\":[" + Good + ",{\"type\":\"Feat");
        await IngestKit.RefusedAsync(db, truncated, ["feature 2", "broken JSON"]);
    }

    /// <summary>A big GeoJSON is parsed block by block on every core: a bad feature deep in it is still named by its
    /// own number (not a neighbour's), the rows of a good one arrive in file order with their own properties.</summary>
    [Fact]
    public async Task Features_parsed_in_parallel_keep_their_numbers_and_file_order()
    {
        using var s = new TempDir("geo-ingest-test-");
        static string Feature(int i, string x) =>
            $"{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{x},39.9]}},\"properties\":{{\"id\":\"P{i}\",\"name\":\"点{i}\",\"ssid\":\"s{i % 13}\"}}}}";
        var good = Enumerable.Range(1, 6000).Select(i => Feature(i, (116.60 + i * 0.00001).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var bad = good.ToList();
        bad[4321 - 1] = Feature(4321, "\"116.65\"");
        var badPath = s.Write("parallel-bad.geojson", "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",\n", bad) + "]}");
        var e = await IngestKit.RefusedAsync(db, badPath, ["feature 4321", "non-numeric coordinate"]);
        Assert.Single(e.Errors);

        var goodPath = s.Write("parallel-good.geojson", "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",\n", good) + "]}");
        var report = await IngestKit.ImportAsync(db, goodPath);
        Assert.Equal(6000, report.Inserted);
        // the direct path (under the sorted-insert threshold) gives ids in file order
        var order = await IngestKit.ScalarAsync<string>(db.DataSource,
            "SELECT string_agg(external_id || '=' || name, ',' ORDER BY id) FROM assets WHERE source = $1", "parallel-good.geojson");
        Assert.Equal(string.Join(",", Enumerable.Range(1, 6000).Select(i => $"P{i}=点{i}")), order);
    }

    [Fact]
    public async Task Broken_csv_names_the_line()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("broken.csv", "id,lon,lat,name\nA1,116.65,39.90,ok\nA2,116.65,39.90,\"unterminated\nA3,116.65,39.90,x\n");
        await IngestKit.RefusedAsync(db, path, ["line 3", "never closed"]);
        var fields = s.Write("fields.csv", "id,lon,lat\nA1,116.65,39.90\nA2,116.65,39.90,extra\n");
        await IngestKit.RefusedAsync(db, fields, ["line 3", "4 fields but the header has 3"]);
    }

    [Fact]
    public async Task Non_numeric_coordinates()
    {
        using var s = new TempDir("geo-ingest-test-");
        var csv = s.Write("coords.csv", "id,lon,lat\nA1,116.65,39.90\nA2,116.6x,39.90\nA3,116.65,\n");
        var e = await IngestKit.RefusedAsync(db, csv, ["line 3: non-numeric coordinate '116.6x' in column 'lon'", "line 4: empty coordinate in column 'lat'"]);
        Assert.Equal(2, e.Errors.Count);
        var json = s.Write("coords.geojson", "{\"type\":\"FeatureCollection\",\"features\":[" + Good +
            ",{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[\"116.65\",39.9]},\"properties\":{\"id\":\"B\"}}]}");
        await IngestKit.RefusedAsync(db, json, ["feature 2", "non-numeric coordinate x = \"116.65\""]);
    }

    [Fact]
    public async Task Lat_lon_swapped_is_named_not_fixed()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("swapped.csv", "id,lon,lat\nA1,116.65,39.90\nA2,39.91,116.66\n");
        await IngestKit.RefusedAsync(db, path, ["line 3", "lat/lon swapped?", "(39.91, 116.66)"]);
    }

    [Fact]
    public async Task Outside_the_district()
    {
        using var s = new TempDir("geo-ingest-test-");
        // Zhongguancun, Haidian: Beijing, but not Tongzhou
        var path = s.Write("haidian.geojson", "{\"type\":\"FeatureCollection\",\"features\":[" + Good + "," +
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[116.31,39.98]},\"properties\":{\"id\":\"H1\"}}]}");
        await IngestKit.RefusedAsync(db, path, ["feature 2", "outside the district extent"]);
    }

    [Fact]
    public async Task Self_intersecting_polygon_is_rejected_by_default()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("bowtie.geojson", Bowtie);
        await IngestKit.RefusedAsync(db, path, ["feature 1", "invalid geometry", "Self-intersection", "--repair"], kind: "shelter");
    }

    [Fact]
    public async Task Repair_option_applies_make_valid_with_a_warning()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("bowtie-repaired.geojson", Bowtie);
        var report = await IngestKit.ImportAsync(db, path, kind: "shelter", repair: true);
        Assert.Equal(1, report.Inserted);
        Assert.Contains(report.Warnings, w => w.StartsWith("feature 1: invalid geometry repaired with MakeValid", StringComparison.Ordinal));
        Assert.True(await IngestKit.ScalarAsync<bool>(db.DataSource, "SELECT bool_and(ST_IsValid(geom)) FROM assets WHERE source = $1", "bowtie-repaired.geojson"));
        Assert.Equal("ST_MultiPolygon", await IngestKit.ScalarAsync<string>(db.DataSource, "SELECT ST_GeometryType(geom) FROM assets WHERE source = $1", "bowtie-repaired.geojson"));
    }

    [Fact]
    public async Task Wrong_encoding_is_an_error()
    {
        using var s = new TempDir("geo-ingest-test-");
        var gbk = s.Write("gbk.csv", "id,name,lon,lat\nA1,ok,116.65,39.90\nA2,通州,116.65,39.90\n", IngestKit.Gbk);
        await IngestKit.RefusedAsync(db, gbk, ["line 3", "invalid UTF-8"], encoding: "utf-8");
        var utf8 = s.Write("utf8.csv", "id,name,lon,lat\nA1,通州,116.65,39.90\n");
        await IngestKit.RefusedAsync(db, utf8, ["valid UTF-8", "mojibake"], encoding: "gbk");
        // UTF-8 bytes once read as Latin-1 and saved again: classic mojibake
        var latin = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("通州"));
        var mojibake = s.Write("mojibake.csv", $"id,name,lon,lat\nA1,ok,116.65,39.90\nA2,{latin},116.65,39.90\n");
        await IngestKit.RefusedAsync(db, mojibake, ["line 3", "field 'name'", "wrong text encoding", "通州"]);
        var json = s.WriteBytes("bytes.geojson", [.. Encoding.UTF8.GetBytes("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[116.65,39.9]},\"properties\":{\"id\":\"A\",\"name\":\""),
            .. IngestKit.Gbk.GetBytes("通州"), .. Encoding.UTF8.GetBytes("\"}}]}")]);
        await IngestKit.RefusedAsync(db, json, ["feature 1", "UTF-8"]);
    }

    [Fact]
    public async Task Unknown_kind_and_bad_attributes_name_the_field()
    {
        using var s = new TempDir("geo-ingest-test-");
        var kind = s.Write("kind.geojson", IngestKit.Points(("A", 116.65, 39.90, "\"kind\":\"ufo\"")));
        await IngestKit.RefusedAsync(db, kind, ["feature 1", "unknown kind 'ufo'"]);
        var range = s.Write("range.geojson", IngestKit.Points(("A", 116.65, 39.90, ""), ("B", 116.65, 39.90, "\"coverage_radius_m\":-5")));
        await IngestKit.RefusedAsync(db, range, ["feature 2", "attribute 'coverage_radius_m'", "(0, 2000]"]);
        var text = s.Write("text.csv", "id,lon,lat,range_m\nA,116.65,39.90,far\n");
        await IngestKit.RefusedAsync(db, text, ["line 2", "attribute 'range_m'", "'far'"], kind: "camera");
        var missing = s.Write("missing.csv", "id,lon,lat,residents\nA,116.65,39.90,30\n");
        await IngestKit.RefusedAsync(db, missing, ["line 2", "attribute 'households' is required"], kind: "residential_building");
        var noId = s.Write("noid.csv", "name,lon,lat\nA,116.65,39.90\n");
        await IngestKit.RefusedAsync(db, noId, ["line 2", "no external id"]);
        var noKind = s.Write("nokind.csv", "id,lon,lat\nA,116.65,39.90\n");
        await IngestKit.RefusedAsync(db, noKind, ["line 2", "no kind"], kind: null);
    }

    [Fact]
    public async Task Duplicate_external_ids_name_both_rows()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("dup.csv", "id,lon,lat\nA1,116.65,39.90\nA2,116.66,39.90\nA1,116.67,39.90\n");
        await IngestKit.RefusedAsync(db, path, ["line 4: duplicate external id 'A1' (also on line 2)"]);
    }

    private const string Bowtie = """
        {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"BT1","capacity":10},
         "geometry":{"type":"Polygon","coordinates":[[[116.70,39.80],[116.71,39.81],[116.71,39.80],[116.70,39.81],[116.70,39.80]]]}}]}
        """;
}
