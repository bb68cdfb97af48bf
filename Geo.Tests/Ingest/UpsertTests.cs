using Geo.Tests.Infrastructure;

namespace Geo.Tests.Ingest;

/// <summary>Upsert by (source, external_id): a re-import of the same file touches nothing, a changed row
/// is updated alone.</summary>
public sealed class UpsertTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static readonly (string, double, double, string)[] Three =
    [
        ("U1", 116.65, 39.90, "\"name\":\"一号\",\"ssid\":\"a\""),
        ("U2", 116.66, 39.91, "\"name\":\"二号\",\"ssid\":\"b\""),
        ("U3", 116.67, 39.92, "\"name\":\"三号\",\"ssid\":\"c\""),
    ];

    [Fact]
    public async Task Reimporting_the_same_file_changes_nothing()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("same.geojson", IngestKit.Points(Three));
        var first = await IngestKit.ImportAsync(db, path);
        Assert.Equal((3L, 0L, 0L), (first.Inserted, first.Updated, first.Unchanged));
        var before = await SnapshotAsync("same.geojson");

        var second = await IngestKit.ImportAsync(db, path);
        Assert.Equal((3L, 0L, 0L, 3L), (second.Read, second.Inserted, second.Updated, second.Unchanged));
        Assert.Equal(before, await SnapshotAsync("same.geojson")); // same ids, updated_at and xmin
        // not even a row lock was written (ON CONFLICT DO UPDATE locks every conflicting row it then skips; unchanged
        // rows no longer reach it): xmax stays 0, so a 1M-row re-import writes no heap page and no lock WAL
        Assert.Equal(0L, await IngestKit.ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM assets WHERE source = $1 AND xmax::text <> '0'", "same.geojson"));
    }

    [Fact]
    public async Task A_changed_row_is_updated_and_only_that_row()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("changed.geojson", IngestKit.Points(Three));
        await IngestKit.ImportAsync(db, path);
        var before = await SnapshotAsync("changed.geojson");

        path = s.Write("changed.geojson", IngestKit.Points(Three[0], ("U2", 116.661, 39.911, "\"name\":\"二号(迁移)\",\"ssid\":\"b\""), Three[2], ("U4", 116.68, 39.93, "")));
        var report = await IngestKit.ImportAsync(db, path);
        Assert.Equal((4L, 1L, 1L, 2L), (report.Read, report.Inserted, report.Updated, report.Unchanged));

        var after = await SnapshotAsync("changed.geojson");
        Assert.Equal(before["U1"], after["U1"]);
        Assert.Equal(before["U3"], after["U3"]);
        Assert.Equal(before["U2"].Id, after["U2"].Id); // updated in place, not replaced
        Assert.NotEqual(before["U2"].Xmin, after["U2"].Xmin);
        Assert.True(after["U2"].UpdatedAt > before["U2"].UpdatedAt);
        Assert.Equal("二号(迁移)", await IngestKit.ScalarAsync<string>(db.DataSource, "SELECT name FROM assets WHERE source = 'changed.geojson' AND external_id = 'U2'"));
        Assert.Equal(116.661, await IngestKit.ScalarAsync<double>(db.DataSource, "SELECT ST_X(geom) FROM assets WHERE source = 'changed.geojson' AND external_id = 'U2'"));
    }

    private async Task<Dictionary<string, (long Id, DateTime UpdatedAt, uint Xmin)>> SnapshotAsync(string source)
    {
        await using var cmd = db.DataSource.CreateCommand("SELECT external_id, id, updated_at, xmin FROM assets WHERE source = $1");
        cmd.Parameters.AddWithValue(source);
        await using var r = await cmd.ExecuteReaderAsync();
        var map = new Dictionary<string, (long, DateTime, uint)>();
        while (await r.ReadAsync()) map[r.GetString(0)] = (r.GetInt64(1), r.GetDateTime(2), r.GetFieldValue<uint>(3));
        return map;
    }
}
