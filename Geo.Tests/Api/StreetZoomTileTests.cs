using System.Globalization;
using System.Text.Json;
using Geo.Core.Data.Sql;
using Geo.Core.Domain;
using Geo.Core.Tiles;
using Geo.Tests.Infrastructure;
using static Geo.Tests.Api.TileTestSupport;

namespace Geo.Tests.Api;

/// <summary>Street zoom (z14) asset tiles are counted bins, not one feature per asset (issue 15: they were a
/// median 689 KiB): light, yet every asset in the tile is in some bin's count, checked against PostGIS's own
/// count of what lies in the tile; and TileJSON says what each zoom carries.</summary>
public sealed class StreetZoomTileTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task A_z14_tile_counts_every_asset_in_it_in_at_most_8x8_bins_per_kind_and_stays_small()
    {
        // a dense street-zoom tile of its own (west of the other tile tests): 6,000 assets of five public kinds,
        // 300 cameras (hidden from the shared composite layer), a building polygon; and some just outside
        var t = Tile(116.640, 39.905, 14);
        var rnd = new Random(14);
        (double, double) Somewhere() => Inside(t, 0.01 + 0.98 * rnd.NextDouble(), 0.01 + 0.98 * rnd.NextDouble());
        AssetKind[] kinds = [AssetKind.Shop, AssetKind.WifiHotspot, AssetKind.Kiosk, AssetKind.DisplayScreen, AssetKind.PaymentTerminal];
        var assets = Enumerable.Range(0, 6000).Select(i => { var (x, y) = Somewhere(); return AssetFixtures.Point(kinds[i % kinds.Length], $"A{i}", x, y); })
            .Concat(Enumerable.Range(0, 300).Select(i => { var (x, y) = Somewhere(); return AssetFixtures.Point(AssetKind.Camera, $"C{i}", x, y); }))
            .Concat(Enumerable.Range(0, 50).Select(i => { var (x, y) = Inside(t, 1.02 + 0.01 * (i % 5), 0.5); return AssetFixtures.Point(AssetKind.Shop, $"O{i}", x, y); }))
            .ToList();
        var (bx, by) = Inside(t, 0.42, 0.58);
        var building = AssetFixtures.Point(AssetKind.ResidentialBuilding, "楼", bx, by);
        building.Geom = Geo.Core.Spatial.GeoFactory.Wgs84.CreatePolygon([new(bx, by), new(bx + 0.0004, by), new(bx + 0.0004, by + 0.0003), new(bx, by + 0.0003), new(bx, by)]);
        assets.Add(building);
        await using (var ctx = db.CreateContext())
        {
            ctx.AddRange(assets);
            await ctx.SaveChangesAsync();
        }

        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var bytes = await http.GetByteArrayAsync($"/tiles/assets/{t}.pbf");
        var features = Features(bytes, t, "assets");

        // PostGIS's count of what lies in the tile (not the bins), public kinds only
        await using var cmd = db.DataSource.CreateCommand("""
            SELECT kind, count(*) FROM assets WHERE ST_Intersects(geom, ST_Transform(ST_TileEnvelope($1, $2, $3), 4326))
              AND kind NOT IN ('camera', 'sensor') GROUP BY kind
            """);
        cmd.Parameters.AddWithValue(t.Z); cmd.Parameters.AddWithValue(t.X); cmd.Parameters.AddWithValue(t.Y);
        var expected = new Dictionary<string, long>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) expected[r.GetString(0)] = r.GetInt64(1);
        var got = features.GroupBy(f => (string)f.Attributes["kind"])
            .ToDictionary(g => g.Key, g => g.Sum(f => Convert.ToInt64(f.Attributes["count"], CultureInfo.InvariantCulture)));
        Assert.Equal(expected.OrderBy(e => e.Key), got.OrderBy(e => e.Key));
        Assert.Equal(6001L, got.Values.Sum()); // ours: 6,000 points and the building; not the 50 outside, not the cameras
        Assert.DoesNotContain("camera", got.Keys);

        // light: at most one feature per kind in each of the 8 × 8 bins, no per-asset attributes, a few KiB
        Assert.All(features.GroupBy(f => (string)f.Attributes["kind"]), g => Assert.InRange(g.Count(), 1, 64));
        Assert.All(features, f => Assert.False(f.Attributes.Exists("id") || f.Attributes.Exists("name")));
        Assert.True(bytes.Length < 16 * 1024, $"z14 tile is {bytes.Length} bytes");
        // the same assets one feature each (what z14 served before, and z15+ serve) weigh far more
        var perAsset = 0;
        for (var dx = 0; dx < 2; dx++)
            for (var dy = 0; dy < 2; dy++)
                perAsset += (await http.GetByteArrayAsync($"/tiles/assets/{new TileAddress(15, 2 * t.X + dx, 2 * t.Y + dy)}.pbf")).Length;
        Assert.True(perAsset > 10 * bytes.Length, $"z15 children {perAsset} bytes vs z14 {bytes.Length}");

        // the staff layer of a hidden kind is binned the same way
        await using var staff = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { ["Geo:ExposeSensitiveLayers"] = "true" });
        var cameras = Features(await staff.CreateClient().GetByteArrayAsync($"/tiles/camera/{t}.pbf"), t, "camera");
        Assert.Equal(300L, cameras.Sum(f => Convert.ToInt64(f.Attributes["count"], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task TileJson_says_what_each_zoom_carries()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        using var doc = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/tiles/assets.json"));
        var description = doc.RootElement.GetProperty("description").GetString()!;
        Assert.Equal(14, AssetBins.MaxAggregatedZoom);
        Assert.Contains("zoom 14 (street zoom): 8 × 8 bins per tile", description);
        Assert.Contains("Zoom 13 and below: 16 × 16 bins per tile", description);
        Assert.Contains("From zoom 15: one feature per asset", description);
        Assert.Contains("第 14 级（街道级）8×8 格", description);
        var fields = doc.RootElement.GetProperty("vector_layers")[0].GetProperty("fields");
        Assert.Contains("z14 and below", fields.GetProperty("count").GetString());
        Assert.Contains("z15+", fields.GetProperty("id").GetString());
    }
}
