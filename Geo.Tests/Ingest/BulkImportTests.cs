using System.Globalization;
using System.Text;
using Geo.Tests.Infrastructure;
using Npgsql;

namespace Geo.Tests.Ingest;

/// <summary>The path for a big new source (COPY into a stage, then one spatially sorted INSERT into the live
/// table with every index, key and trigger in place), forced here on a small file: it must store what the
/// ordinary path stores and leave <c>assets</c> exactly as constrained as before.</summary>
public sealed class BulkImportTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task A_sorted_load_stores_what_a_plain_load_stores_and_leaves_every_index_key_and_trigger()
    {
        using var s = new TempDir("geo-ingest-test-");
        var csv = new StringBuilder("id,name,lon,lat,ssid\n");
        for (var i = 0; i < 300; i++)
            csv.Append(CultureInfo.InvariantCulture, $"B{i},热点{i},{116.60 + i * 0.0005},{39.85 + i * 0.0003},s{i % 7}\n");
        var plainPath = s.Write("bulk-plain.csv", csv.ToString());
        var bulkPath = s.Write("bulk-forced.csv", csv.ToString());
        var shape = await ShapeAsync();

        var plain = await IngestKit.ImportAsync(db, plainPath);
        await using var listen = await db.DataSource.OpenConnectionAsync();
        var from = await Geo.Core.Live.ChangeFeed.HeadAsync(listen);
        var notes = new List<string>();
        var bulk = await Geo.Ingest.Importers.AssetImporter.RunAsync(db.DataSource, new Geo.Ingest.Importers.ImportOptions
        {
            Path = bulkPath, Kind = "wifi_hotspot", BulkFromRows = 0,
        });
        Assert.Equal((300L, 300L), (plain.Inserted, bulk.Inserted));
        Assert.Contains(bulk.Phases, p => p.Phase == "sorted insert");

        // same rows, same region ids (the trigger's rule, whether C# or the database assigned them); ids follow
        // file order on the plain path and geometry order on the sorted one
        const string rows = "SELECT string_agg(format('%s %s %s %s %s', external_id, name, ST_AsText(geom), community_id, grid_cell_id, attributes), ';' ORDER BY external_id) FROM assets WHERE source = $1";
        Assert.Equal(await IngestKit.ScalarAsync<string>(db.DataSource, rows, "bulk-plain.csv"), await IngestKit.ScalarAsync<string>(db.DataSource, rows, "bulk-forced.csv"));
        Assert.Equal(shape, await ShapeAsync());

        // the tile cache hears about the load (the statement trigger's change-feed row)
        notes.AddRange((await Geo.Core.Live.ChangeFeed.ReadAsync(listen, from, 10_000)).Rows.Where(r => r.Topic == "geo_tiles").Select(r => r.Payload));
        Assert.True(Heard(), "no geo_tiles change covering the bulk load");

        bool Heard()
        {
            lock (notes)
                return notes.Any(n => n.Split(' ') is ["assets", var x0, var y0, var x1, var y1]
                    && double.Parse(x0, CultureInfo.InvariantCulture) <= 116.60 && double.Parse(y0, CultureInfo.InvariantCulture) <= 39.85
                    && double.Parse(x1, CultureInfo.InvariantCulture) >= 116.60 + 299 * 0.0005 - 1e-9 && double.Parse(y1, CultureInfo.InvariantCulture) >= 39.85 + 299 * 0.0003 - 1e-9);
        }
    }

    /// <summary>The path is chosen on rows counted before the COPY starts, not on a guess from the first block of
    /// the file (which ran low by the read-ahead buffers and sent 60,000-row CSVs down the slow direct COPY).</summary>
    [Theory]
    [InlineData(4999, false)]
    [InlineData(5000, true)]
    [InlineData(12000, true)]
    public async Task A_new_source_takes_the_sorted_path_exactly_from_the_threshold(int rows, bool sorted)
    {
        using var s = new TempDir("geo-ingest-test-");
        var csv = new StringBuilder("id,name,lon,lat,ssid\n");
        for (var i = 0; i < rows; i++) csv.Append(CultureInfo.InvariantCulture, $"T{i},热点{i},{116.60 + i * 0.00001},39.9,a\n");
        var path = s.Write($"threshold-{rows}.csv", csv.ToString());
        var report = await Geo.Ingest.Importers.AssetImporter.RunAsync(db.DataSource, new Geo.Ingest.Importers.ImportOptions
        {
            Path = path, Kind = "wifi_hotspot", BulkFromRows = 5000,
        });
        Assert.Equal(rows, report.Inserted);
        Assert.Equal(sorted, report.Phases.Any(p => p.Phase == "sorted insert"));
        Assert.Equal((long)rows, await IngestKit.ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM assets WHERE source = $1", $"threshold-{rows}.csv"));
    }

    [Fact]
    public async Task A_refused_bulk_load_leaves_the_table_unchanged()
    {
        using var s = new TempDir("geo-ingest-test-");
        // the bad row comes after more rows than the producer may buffer ahead, so the stage exists when the import is refused
        var csv = new StringBuilder("id,name,lon,lat,ssid\n");
        for (var i = 0; i < 30000; i++) csv.Append(CultureInfo.InvariantCulture, $"K{i},甲{i},{116.60 + i * 0.000005},39.9,a\n");
        csv.Append("K-bad,乙,121.47,31.23,b\n");
        var path = s.Write("bulk-bad.csv", csv.ToString());
        var shape = await ShapeAsync();
        var before = await IngestKit.CountAsync(db.DataSource);
        var e = await Assert.ThrowsAsync<Geo.Ingest.Importers.ImportException>(() => Geo.Ingest.Importers.AssetImporter.RunAsync(db.DataSource,
            new Geo.Ingest.Importers.ImportOptions { Path = path, Kind = "wifi_hotspot", BulkFromRows = 0 }));
        Assert.Contains("line 30002", e.Message);
        Assert.Equal(before, await IngestKit.CountAsync(db.DataSource));
        Assert.Equal(shape, await ShapeAsync());
    }

    [Fact]
    public async Task A_rule_only_the_database_enforces_is_reported_with_the_row_on_the_sorted_path_too()
    {
        using var s = new TempDir("geo-ingest-test-");
        // a CHECK the importer does not know about (NOT VALID: existing rows are not the point); this test's own database
        await IngestKit.ScalarAsync<object>(db.DataSource, "ALTER TABLE assets ADD CONSTRAINT ck_test_not_forbidden CHECK (name <> '禁止') NOT VALID");
        try
        {
            var csv = new StringBuilder("id,name,lon,lat,ssid\n");
            for (var i = 0; i < 500; i++) csv.Append(CultureInfo.InvariantCulture, $"F{i},{(i == 321 ? "禁止" : $"好{i}")},{116.60 + i * 0.0002},39.9,a\n");
            var path = s.Write("db-rule.csv", csv.ToString());
            var before = await IngestKit.CountAsync(db.DataSource);
            var e = await Assert.ThrowsAsync<Geo.Ingest.Importers.ImportException>(() => Geo.Ingest.Importers.AssetImporter.RunAsync(db.DataSource,
                new Geo.Ingest.Importers.ImportOptions { Path = path, Kind = "wifi_hotspot", BulkFromRows = 0 }));
            Assert.Contains("data row 322 ", e.Message);
            Assert.Contains("ck_test_not_forbidden", e.Message);
            Assert.Equal(before, await IngestKit.CountAsync(db.DataSource));
        }
        finally
        {
            await IngestKit.ScalarAsync<object>(db.DataSource, "ALTER TABLE assets DROP CONSTRAINT ck_test_not_forbidden");
        }
    }

    /// <summary>Indexes (definitions), constraints (definitions and validated), enabled triggers of assets.</summary>
    private async Task<string> ShapeAsync() => await IngestKit.ScalarAsync<string>(db.DataSource, """
        SELECT (SELECT string_agg(indexdef, E'\n' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'assets')
            || E'\n' || (SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated::text, E'\n' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'assets'::regclass)
            || E'\n' || (SELECT string_agg(tgname || ' ' || tgenabled::text, E'\n' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = 'assets'::regclass AND NOT tgisinternal)
        """);
}
