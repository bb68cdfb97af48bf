using Geo.Core.Crs;
using Geo.Ingest.Importers;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Ingest;

/// <summary>Region assignment during import, the finer district-outline check, and reprojection.
/// The database of this class holds a district (a square 116.60–116.70 E, 39.85–39.95 N) whose single
/// grid cell covers it, so every point outside the square is "outside the district outline".</summary>
public sealed class RegionAndCrsTests(PostgisFixture db) : IClassFixture<PostgisFixture>, IAsyncLifetime
{
    private long _community, _cell;

    // xUnit makes a class instance per test; the fixture database is shared, so add the regions once
    public async Task InitializeAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("SELECT id, parent_id FROM regions WHERE code = 'ING-G'");
        await using var r = await cmd.ExecuteReaderAsync();
        if (await r.ReadAsync()) (_cell, _community) = (r.GetInt64(0), r.GetInt64(1));
        else (_community, _cell) = await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "ING", 116.60, 39.85, 0.10);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Grid_cell_and_community_are_assigned_on_import()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("in-cell.csv", "id,lon,lat\nR1,116.65,39.90\nR2,116.61,39.86\n");
        Assert.Equal(2, (await IngestKit.ImportAsync(db, path)).Inserted);
        Assert.Equal(2L, await IngestKit.ScalarAsync<long>(db.DataSource,
            "SELECT count(*) FROM assets WHERE source = 'in-cell.csv' AND grid_cell_id = $1 AND community_id = $2", _cell, _community));
    }

    [Fact]
    public async Task Inside_the_extent_but_outside_the_district_outline_is_refused()
    {
        using var s = new TempDir("geo-ingest-test-");
        var path = s.Write("outline.csv", "id,lon,lat\nR1,116.65,39.90\nR2,116.80,39.70\n");
        await IngestKit.RefusedAsync(db, path, ["line 3", "outside the Tongzhou district outline"]);
    }

    /// <summary>Feeds a point converted from WGS84 (116.65, 39.90) into each CRS by CrsTransform itself and
    /// expects the stored point back within 1e-6°.</summary>
    [Theory]
    [InlineData("GCJ02")]
    [InlineData("BD09")]
    [InlineData("EPSG:4490")]
    [InlineData("EPSG:3857")]
    [InlineData("EPSG:4548")]
    public async Task Reprojects_to_wgs84(string crs)
    {
        using var s = new TempDir("geo-ingest-test-");
        var name = $"crs-{crs.Replace(':', '-')}.csv";
        var (x, y) = CrsTransform.Get(SupportedCrs.Wgs84, crs).Apply(116.65, 39.90);
        // the file holds coordinates of another CRS (not WGS84 by accident), so a skipped conversion cannot pass;
        // CGCS2000 (EPSG:4490) is the one taken as WGS84 (the datums differ by far less than the data's accuracy)
        if (crs != "EPSG:4490") Assert.True(Math.Abs(x - 116.65) + Math.Abs(y - 39.90) > 1e-4, $"{crs}: ({x}, {y}) is WGS84 already");
        var path = s.Write(name, FormattableString.Invariant($"id,x,y\nP1,{x:R},{y:R}\n"));
        Assert.Equal(1, (await IngestKit.ImportAsync(db, path, crs: crs)).Inserted);
        await AssertStoredAsync(name, "P1", 116.65, 39.90);
    }

    /// <summary>Hard-coded pairs from ../shared/data/boundary: the first outline vertex and the published
    /// centre of Tongzhou in GCJ-02 (tongzhou_gcj02.json) and WGS84 (tongzhou_wgs84.geojson).</summary>
    [Fact]
    public async Task Gcj02_outline_vertex_lands_on_the_shared_wgs84_fixture()
    {
        using var s = new TempDir("geo-ingest-test-");
        // the vertex lies outside this class's small test district: check the conversion on the centre only
        // through the import, and the vertex through the same transform the import uses
        var t = GeometryGate.TransformFor("gcj02")!;
        var (vx, vy) = t.Apply(116.725524, 39.624073);
        Assert.InRange(Math.Abs(vx - 116.719512), 0, 1e-6);
        Assert.InRange(Math.Abs(vy - 39.622895), 0, 1e-6);
        var centre = s.Write("gcj-centre.geojson", IngestKit.Points(("C0", 116.658603, 39.902486, "")));
        Assert.Equal(1, (await IngestKit.ImportAsync(db, centre, crs: "gcj02")).Inserted);
        await AssertStoredAsync("gcj-centre.geojson", "C0", 116.6527293, 39.901391);
    }

    private async Task AssertStoredAsync(string source, string id, double lon, double lat)
    {
        var x = await IngestKit.ScalarAsync<double>(db.DataSource, "SELECT ST_X(geom) FROM assets WHERE source = $1 AND external_id = $2", source, id);
        var y = await IngestKit.ScalarAsync<double>(db.DataSource, "SELECT ST_Y(geom) FROM assets WHERE source = $1 AND external_id = $2", source, id);
        Assert.InRange(Math.Abs(x - lon), 0, 1e-6);
        Assert.InRange(Math.Abs(y - lat), 0, 1e-6);
    }
}
