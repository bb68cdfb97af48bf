using Geo.Ingest.Importers;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Ingest;

/// <summary>Re-imports that leave out rows by their stored digest (issue 15): a skipped row is one the full
/// comparison would also have left alone, and any change made outside the importer makes the row compared again.</summary>
public sealed class ImportDigestTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static (string, double, double, string)[] Rows(int n, string tag = "") =>
        Enumerable.Range(1, n).Select(i => ($"D{i}", 116.60 + i * 0.0007, 39.88 + i * 0.0005, $"\"name\":\"点{i}{tag}\",\"ssid\":\"s{i % 7}\"")).ToArray();

    [Theory]
    [InlineData(false)] // small new source: straight COPY into assets
    [InlineData(true)]  // big new source: stage and sorted insert
    public async Task Every_imported_row_stores_a_digest_and_an_unchanged_reimport_sends_none(bool sorted)
    {
        using var s = new TempDir("geo-ingest-test-");
        var source = $"digest-{sorted}.geojson";
        var path = s.Write(source, IngestKit.Points(Rows(40)));
        var first = await Import(path, sorted);
        Assert.Equal(40, first.Inserted);
        Assert.Equal(40L, await IngestKit.ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM assets WHERE source = $1 AND octet_length(import_digest) = 16", source));
        Assert.Equal(40L, await IngestKit.ScalarAsync<long>(db.DataSource, "SELECT count(DISTINCT import_digest) FROM assets WHERE source = $1", source));
        var xmins = await IngestKit.ScalarAsync<string>(db.DataSource, "SELECT string_agg(xmin::text, ',' ORDER BY id) FROM assets WHERE source = $1", source);

        var again = await Import(path, sorted);
        Assert.Equal((0L, 0L, 40L, 40L), (again.Inserted, again.Updated, again.Unchanged, again.UnchangedByDigest));
        Assert.Equal(xmins, await IngestKit.ScalarAsync<string>(db.DataSource, "SELECT string_agg(xmin::text, ',' ORDER BY id) FROM assets WHERE source = $1", source));
    }

    [Fact]
    public async Task A_change_outside_the_importer_clears_the_digest_and_the_reimport_restores_the_file()
    {
        using var s = new TempDir("geo-ingest-test-");
        const string source = "digest-edit.geojson";
        var path = s.Write(source, IngestKit.Points(Rows(12)));
        await Import(path);
        // what the API or the heartbeat job would do: a name edit and a status change
        await Exec("UPDATE assets SET name = '改名' WHERE source = $1 AND external_id = 'D3'", source);
        await Exec("UPDATE assets SET status = 'offline' WHERE source = $1 AND external_id = 'D7'", source);
        Assert.Equal(2L, await IngestKit.ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM assets WHERE source = $1 AND import_digest IS NULL", source));

        var report = await Import(path);
        Assert.Equal((0L, 2L, 10L, 10L), (report.Inserted, report.Updated, report.Unchanged, report.UnchangedByDigest));
        Assert.Equal("点3", await IngestKit.ScalarAsync<string>(db.DataSource, "SELECT name FROM assets WHERE source = $1 AND external_id = 'D3'", source));
        Assert.Equal("online", await IngestKit.ScalarAsync<string>(db.DataSource, "SELECT status FROM assets WHERE source = $1 AND external_id = 'D7'", source));
        Assert.Equal(0L, await IngestKit.ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM assets WHERE source = $1 AND import_digest IS NULL", source));
    }

    [Fact]
    public async Task Changed_rows_get_new_digests_and_the_full_comparison_agrees_with_what_the_digests_skipped()
    {
        using var s = new TempDir("geo-ingest-test-");
        const string source = "digest-change.geojson";
        var path = s.Write(source, IngestKit.Points(Rows(30)));
        await Import(path);
        var before = await DigestsAsync(source);

        // five rows change (a name, a moved point), one is new
        var v2 = Rows(31).Select((r, i) => i switch
        {
            2 or 9 => (r.Item1, r.Item2, r.Item3, r.Item4.Replace("点", "新点")),
            14 or 20 or 27 => (r.Item1, r.Item2 + 0.0001, r.Item3, r.Item4),
            _ => r,
        }).ToArray();
        path = s.Write(source, IngestKit.Points(v2));
        var report = await Import(path);
        Assert.Equal((1L, 5L, 25L, 25L), (report.Inserted, report.Updated, report.Unchanged, report.UnchangedByDigest));
        var after = await DigestsAsync(source);
        var changed = before.Keys.Where(k => !before[k].SequenceEqual(after[k])).Order().ToArray();
        Assert.Equal(new[] { "D10", "D15", "D21", "D28", "D3" }, changed);

        // the independent check: without any digest the full comparison finds nothing to change either
        await Exec("UPDATE assets SET import_digest = NULL WHERE source = $1", source);
        var full = await Import(path);
        Assert.Equal((0L, 0L, 31L, 0L), (full.Inserted, full.Updated, full.Unchanged, full.UnchangedByDigest));
    }

    [Fact]
    public async Task A_digest_must_be_sixteen_bytes()
    {
        using var s = new TempDir("geo-ingest-test-");
        const string source = "digest-check.geojson";
        await Import(s.Write(source, IngestKit.Points(Rows(1))));
        var e = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Exec("UPDATE assets SET import_digest = '\\x00'::bytea WHERE source = $1", source));
        Assert.Equal(Npgsql.PostgresErrorCodes.CheckViolation, e.SqlState);
    }

    private Task<ImportReport> Import(string path, bool sorted = false) =>
        AssetImporter.RunAsync(db.DataSource, new ImportOptions { Path = path, Kind = "wifi_hotspot", BulkFromRows = sorted ? 10 : BulkLoad.SortFromRows });

    private async Task Exec(string sql, string source)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue(source);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<Dictionary<string, byte[]>> DigestsAsync(string source)
    {
        await using var cmd = db.DataSource.CreateCommand("SELECT external_id, import_digest FROM assets WHERE source = $1");
        cmd.Parameters.AddWithValue(source);
        await using var r = await cmd.ExecuteReaderAsync();
        var map = new Dictionary<string, byte[]>();
        while (await r.ReadAsync()) map[r.GetString(0)] = (byte[])r[1];
        return map;
    }
}
