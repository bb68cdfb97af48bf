using System.Globalization;
using System.Text.Json;
using Geo.Core.Data.Sql;
using Geo.Core.Domain;
using Geo.Core.Tiles;
using Geo.Tests.Infrastructure;
using static Geo.Tests.Api.TileTestSupport;

namespace Geo.Tests.Api;

/// <summary>Street zoom asset tiles are counted bins (z14) and 8-pixel clusters (z15–z16), not one feature per asset
/// (issue 15: z14 was a median 689 KiB; issue 25: z15 263 KiB): light, yet every asset in the tile is in some
/// feature's count, checked against PostGIS's own count of what lies in the tile; single assets keep their id;
/// HTTP caching by ETag; and TileJSON says what each zoom carries.</summary>
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
        Assert.All(features, f => Assert.False(FeatureId(f) is not null || f.Attributes.Exists("name")));
        Assert.True(bytes.Length < 16 * 1024, $"z14 tile is {bytes.Length} bytes");
        // its four z15 children (8-pixel clusters) are finer, so heavier, yet count the same assets
        var children = 0L;
        for (var dx = 0; dx < 2; dx++)
            for (var dy = 0; dy < 2; dy++)
            {
                var c = new TileAddress(15, 2 * t.X + dx, 2 * t.Y + dy);
                children += Features(await http.GetByteArrayAsync($"/tiles/assets/{c}.pbf"), c, "assets").Sum(f => Convert.ToInt64(f.Attributes["count"], CultureInfo.InvariantCulture));
            }
        Assert.Equal(got.Values.Sum(), children);

        // the staff layer of a hidden kind is binned the same way
        await using var staff = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { ["Geo:ExposeSensitiveLayers"] = "true" });
        var cameras = Features(await staff.CreateClient().GetByteArrayAsync($"/tiles/camera/{t}.pbf"), t, "camera");
        Assert.Equal(300L, cameras.Sum(f => Convert.ToInt64(f.Attributes["count"], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Z15_and_z16_tiles_count_every_asset_in_8_pixel_clusters_and_name_single_assets_by_id()
    {
        // a dense z15 tile of its own (west of the z14 test's tile): 6,000 assets of five public kinds spread over it,
        // 200 shops on one spot, 300 cameras (staff only), and 50 shops just outside
        var t = Tile(116.600, 39.905, 15);
        var rnd = new Random(15);
        (double, double) Somewhere() => Inside(t, 0.01 + 0.98 * rnd.NextDouble(), 0.01 + 0.98 * rnd.NextDouble());
        AssetKind[] kinds = [AssetKind.Shop, AssetKind.WifiHotspot, AssetKind.Kiosk, AssetKind.DisplayScreen, AssetKind.PaymentTerminal];
        var (sx, sy) = Inside(t, 0.3, 0.6);
        var assets = Enumerable.Range(0, 6000).Select(i => { var (x, y) = Somewhere(); return AssetFixtures.Point(kinds[i % kinds.Length], $"S{i}", x, y); })
            .Concat(Enumerable.Range(0, 200).Select(i => AssetFixtures.Point(AssetKind.Shop, $"P{i}", sx, sy)))
            .Concat(Enumerable.Range(0, 300).Select(i => { var (x, y) = Somewhere(); return AssetFixtures.Point(AssetKind.Camera, $"C{i}", x, y); }))
            .Concat(Enumerable.Range(0, 50).Select(i => { var (x, y) = Inside(t, 1.02 + 0.01 * (i % 5), 0.5); return AssetFixtures.Point(AssetKind.Shop, $"O{i}", x, y); }))
            .ToList();
        await using (var ctx = db.CreateContext())
        {
            ctx.AddRange(assets);
            await ctx.SaveChangesAsync();
        }

        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        TileAddress[] tiles = [t, .. from dx in new[] { 0, 1 } from dy in new[] { 0, 1 } select new TileAddress(16, 2 * t.X + dx, 2 * t.Y + dy)];
        foreach (var tz in tiles)
        {
            var bytes = await http.GetByteArrayAsync($"/tiles/assets/{tz}.pbf");
            var features = Features(bytes, tz, "assets");
            // PostGIS's count of what lies in the tile, public kinds only
            var expected = await CountInTileAsync(tz, "kind NOT IN ('camera', 'sensor')");
            var got = features.GroupBy(f => (string)f.Attributes["kind"]).ToDictionary(g => g.Key, g => g.Sum(Count));
            Assert.True(expected.OrderBy(e => e.Key).SequenceEqual(got.OrderBy(e => e.Key)),
                $"z{tz.Z}: tile {string.Join(", ", got.Select(e => $"{e.Key}={e.Value}"))}; database {string.Join(", ", expected.Select(e => $"{e.Key}={e.Value}"))}");
            Assert.DoesNotContain("camera", got.Keys);
            Assert.True(features.Count < got.Values.Sum(), $"z{tz.Z}: {features.Count} features for {got.Values.Sum()} assets: not aggregated");
            // at most one feature per kind in each of the 32 × 32 clusters; no names or status
            Assert.All(features.GroupBy(f => (string)f.Attributes["kind"]), g => Assert.InRange(g.Count(), 1, 32 * 32));
            Assert.All(features, f => Assert.False(f.Attributes.Exists("name") || f.Attributes.Exists("status")));
            Assert.All(features, f => Assert.True((bool)f.Attributes["synthetic"]));
            // a feature of one asset carries that asset's id (an asset of that kind in this tile, each once); a cluster none
            var singles = features.Where(f => Count(f) == 1).ToList();
            var clusters = features.Where(f => Count(f) > 1).ToList();
            Assert.NotEmpty(singles);
            Assert.NotEmpty(clusters);
            Assert.All(clusters, f => Assert.Null(FeatureId(f)));
            var ids = singles.Select(f => FeatureId(f) ?? 0).ToArray();
            Assert.Equal(ids.Length, ids.Distinct().Count());
            await using var check = db.DataSource.CreateCommand("""
                SELECT id, kind FROM assets WHERE id = ANY($4) AND ST_Intersects(geom, ST_Transform(ST_TileEnvelope($1, $2, $3), 4326))
                """);
            check.Parameters.AddWithValue(tz.Z); check.Parameters.AddWithValue(tz.X); check.Parameters.AddWithValue(tz.Y); check.Parameters.AddWithValue(ids);
            var found = new Dictionary<long, string>();
            await using (var r = await check.ExecuteReaderAsync())
                while (await r.ReadAsync()) found[r.GetInt64(0)] = r.GetString(1);
            Assert.All(singles, f => Assert.Equal((string)f.Attributes["kind"], found.GetValueOrDefault(FeatureId(f) ?? 0)));
            // the 200 shops on one spot are one feature
            if (tz.Z == 15) Assert.Contains(features, f => (string)f.Attributes["kind"] == "shop" && Count(f) >= 200);
            Assert.True(bytes.Length < 96 * 1024, $"z{tz.Z} tile is {bytes.Length} bytes"); // 6,200 assets in the z15 tile: about 12 bytes a feature
        }

        // the staff layer of a hidden kind is clustered the same way
        await using var staff = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { ["Geo:ExposeSensitiveLayers"] = "true" });
        var cameras = Features(await staff.CreateClient().GetByteArrayAsync($"/tiles/camera/{t}.pbf"), t, "camera");
        Assert.Equal(300L, cameras.Sum(Count));
    }

    [Fact]
    public async Task A_z15_tile_is_not_fetched_twice_and_a_change_gives_it_a_new_etag()
    {
        var t = Tile(116.590, 39.880, 15);
        var (x, y) = Inside(t, 0.4, 0.4);
        await using (var ctx = db.CreateContext())
        {
            ctx.Add(AssetFixtures.Point(AssetKind.Kiosk, "终端", x, y));
            await ctx.SaveChangesAsync();
        }
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        await ListeningAsync(app.Services);
        var url = $"/tiles/assets/{t}.pbf";
        var first = await http.GetAsync(url);
        var etag = first.Headers.ETag!;
        Assert.Contains("public", first.Headers.CacheControl!.ToString());
        Assert.True(first.Headers.CacheControl.MaxAge > TimeSpan.Zero);
        async Task<HttpResponseMessage> ConditionalAsync()
        {
            var req = new HttpRequestMessage(HttpMethod.Get, url);
            req.Headers.IfNoneMatch.Add(etag);
            return await http.SendAsync(req);
        }
        var again = await ConditionalAsync();
        Assert.Equal(System.Net.HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal("cache", again.Headers.GetValues("X-Tile-Origin").Single());

        // a new asset in the tile: the cached tile goes, the old ETag no longer matches, the new tile counts it
        await using (var ctx = db.CreateContext())
        {
            ctx.Add(AssetFixtures.Point(AssetKind.Kiosk, "新终端", x + 0.002, y));
            await ctx.SaveChangesAsync();
        }
        var changed = await EventuallyAsync(ConditionalAsync, r => r.StatusCode == System.Net.HttpStatusCode.OK);
        Assert.Equal(System.Net.HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Equal(2L, Features(await changed.Content.ReadAsByteArrayAsync(), t, "assets").Sum(Count));
    }

    private static long Count(NetTopologySuite.Features.IFeature f) => Convert.ToInt64(f.Attributes["count"], CultureInfo.InvariantCulture);

    private async Task<Dictionary<string, long>> CountInTileAsync(TileAddress t, string filter)
    {
        await using var cmd = db.DataSource.CreateCommand($"""
            SELECT kind, count(*) FROM assets WHERE ST_Intersects(geom, ST_Transform(ST_TileEnvelope($1, $2, $3), 4326))
              AND {filter} GROUP BY kind
            """);
        cmd.Parameters.AddWithValue(t.Z); cmd.Parameters.AddWithValue(t.X); cmd.Parameters.AddWithValue(t.Y);
        var counts = new Dictionary<string, long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) counts[r.GetString(0)] = r.GetInt64(1);
        return counts;
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
        Assert.Contains("Zoom 15–16: assets of one kind closer than 8 pixels are one feature", description);
        Assert.Contains("From zoom 17: one feature per asset", description);
        Assert.Contains("第 14 级（街道级）8×8 格", description);
        var fields = doc.RootElement.GetProperty("vector_layers")[0].GetProperty("fields");
        Assert.Contains("z16 and below", fields.GetProperty("count").GetString());
        Assert.Contains("z17+", fields.GetProperty("id").GetString());
    }
}
