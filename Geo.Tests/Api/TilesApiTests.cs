using Geo.Core.Data.Sql;
using System.Net;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Core.Tiles;
using Geo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Geo.Tests.Api.TileTestSupport;

namespace Geo.Tests.Api;

/// <summary>Each test works in its own z16 tile column of the shared class database.</summary>
public sealed class TilesApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static TileAddress Column(int i) => Z16 with { X = Z16.X + 3 * i };

    private async Task AddAsync(params Asset[] assets)
    {
        await using var ctx = db.CreateContext();
        ctx.AddRange(assets);
        await ctx.SaveChangesAsync();
    }

    [Fact]
    public async Task Tile_holds_every_asset_in_it_and_none_outside()
    {
        var t = Column(0);
        var inside = Enumerable.Range(0, 5).Select(i => Inside(t, 0.1 + 0.15 * i, 0.5)).ToList();
        var shelterAsset = AssetFixtures.Point(AssetKind.Shelter, "避难场所甲", inside[0].Lon, inside[0].Lat + 0.0005);
        await AddAsync([.. inside.Select((p, i) => AssetFixtures.Point(AssetKind.WifiHotspot, $"热点{i}", p.Lon, p.Lat)),
            shelterAsset,
            AssetFixtures.Point(AssetKind.Kiosk, "远处终端", 116.60, 39.80)]);
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();

        var res = await http.GetAsync($"/tiles/assets/{t}.pbf");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal(TilesApiMvt, res.Content.Headers.ContentType?.MediaType);
        var features = Features(await res.Content.ReadAsByteArrayAsync(), t, "assets");
        Assert.Equal(6, features.Count);
        // z16: one feature per asset here (none within 8 pixels of another of its kind), named by its id (details from the API)
        Assert.Contains(features, f => FeatureId(f) == shelterAsset.Id && (string)f.Attributes["kind"] == "shelter");
        Assert.All(features, f => Assert.True((bool)f.Attributes["synthetic"]));

        var wifi = Decode(await http.GetByteArrayAsync($"/tiles/wifi_hotspot/{t}.pbf"), t);
        Assert.Equal(5, wifi["wifi_hotspot"]);
    }

    private const string TilesApiMvt = "application/vnd.mapbox-vector-tile";

    [Fact]
    public async Task Head_etag_and_cache_control()
    {
        var t = Column(1);
        var p = Inside(t, 0.5, 0.5);
        await AddAsync(AssetFixtures.Point(AssetKind.Kiosk, "终端", p.Lon, p.Lat));
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();

        var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/tiles/assets/{t}.pbf"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        var etag = head.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Contains("max-age=", head.Headers.CacheControl!.ToString());

        var get = await http.GetAsync($"/tiles/assets/{t}.pbf");
        Assert.Equal(etag, get.Headers.ETag);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);

        var conditional = new HttpRequestMessage(HttpMethod.Get, $"/tiles/assets/{t}.pbf");
        conditional.Headers.IfNoneMatch.Add(etag!);
        var notModified = await http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task Cache_serves_repeats_and_forgets_a_tile_when_its_assets_change()
    {
        var t = Column(2);
        var p = Inside(t, 0.3, 0.3);
        await AddAsync(AssetFixtures.Point(AssetKind.Shop, "小卖部", p.Lon, p.Lat));
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        await ListeningAsync(app.Services);
        var url = $"/tiles/assets/{t}.pbf";

        var first = await http.GetAsync(url);
        var second = await http.GetAsync(url);
        Assert.Equal("render", first.Headers.GetValues("X-Tile-Origin").Single());
        Assert.Equal("cache", second.Headers.GetValues("X-Tile-Origin").Single());
        var neighbour = await http.GetAsync($"/tiles/assets/{t with { X = t.X + 2 }}.pbf"); // cached too, untouched below

        var q = Inside(t, 0.7, 0.7);
        await AddAsync(AssetFixtures.Point(AssetKind.Shop, "新开的店", q.Lon, q.Lat));
        var after = await EventuallyAsync(async () => Decode(await http.GetByteArrayAsync(url), t), d => d.GetValueOrDefault("assets") == 2);
        Assert.Equal(2, after["assets"]);
        var again = await http.GetAsync($"/tiles/assets/{t with { X = t.X + 2 }}.pbf");
        Assert.Equal("cache", again.Headers.GetValues("X-Tile-Origin").Single());
        Assert.Equal(neighbour.Headers.ETag, again.Headers.ETag);

        await using (var ctx = db.CreateContext())
        {
            await ctx.Set<Asset>().Where(a => a.Name == "新开的店").ExecuteDeleteAsync();
        }
        var deleted = await EventuallyAsync(async () => Decode(await http.GetByteArrayAsync(url), t), d => d.GetValueOrDefault("assets") == 1);
        Assert.Equal(1, deleted["assets"]);
    }

    [Fact]
    public async Task Sensitive_kinds_are_hidden_unless_exposed()
    {
        var t = Column(3);
        var p = Inside(t, 0.5, 0.5);
        await AddAsync(AssetFixtures.Point(AssetKind.Camera, "摄像头", p.Lon, p.Lat), AssetFixtures.Point(AssetKind.Kiosk, "终端", p.Lon + 1e-4, p.Lat));
        await using (var app = new GeoWebFactory(db.ConnectionString))
        {
            var http = app.CreateClient();
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/tiles/camera/{t}.pbf")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/tiles/camera.json")).StatusCode);
            var kinds = Features(await http.GetByteArrayAsync($"/tiles/assets/{t}.pbf"), t, "assets").Select(f => (string)f.Attributes["kind"]);
            Assert.Equal(["kiosk"], kinds);
        }
        await using (var exposed = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { ["Geo:ExposeSensitiveLayers"] = "true" }))
        {
            var http = exposed.CreateClient();
            Assert.Equal(1, Decode(await http.GetByteArrayAsync($"/tiles/camera/{t}.pbf"), t)["camera"]);
            Assert.Equal(2, Decode(await http.GetByteArrayAsync($"/tiles/assets/{t}.pbf"), t)["assets"]);
        }
    }

    [Fact]
    public async Task Low_zooms_count_every_asset_of_every_kind()
    {
        // 600 kiosks and 3 shelters in one z16 tile: every zoom accounts for all 603 (thinning used to keep
        // one kiosk in 4096 at z10); up to z14 as bins with a count, z15–z16 as 8-pixel clusters with a count
        var t = Column(4);
        var rnd = new Random(7);
        var kiosks = Enumerable.Range(0, 600).Select(i => { var p = Inside(t, 0.05 + 0.9 * rnd.NextDouble(), 0.05 + 0.9 * rnd.NextDouble()); return AssetFixtures.Point(AssetKind.Kiosk, $"K{i}", p.Lon, p.Lat); });
        var shelters = Enumerable.Range(0, 3).Select(i => { var p = Inside(t, 0.2 + 0.3 * i, 0.5); return AssetFixtures.Point(AssetKind.Shelter, $"S{i}", p.Lon, p.Lat); });
        await AddAsync([.. kiosks, .. shelters]);
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var (lon, lat) = Inside(t, 0.5, 0.5);
        foreach (var z in new[] { 8, 10, 12, 13, 14, 15, 16 })
        {
            var tz = Tile(lon, lat, z);
            var features = Features(await http.GetByteArrayAsync($"/tiles/assets/{tz}.pbf"), tz, "assets");
            // the database's own count of what lies in the tile (PostGIS, not the bins)
            await using var cmd = db.DataSource.CreateCommand("""
                SELECT kind, count(*) FROM assets WHERE ST_Intersects(geom, ST_Transform(ST_TileEnvelope($1, $2, $3), 4326))
                  AND kind NOT IN ('camera', 'sensor') GROUP BY kind ORDER BY kind
                """);
            cmd.Parameters.AddWithValue(tz.Z); cmd.Parameters.AddWithValue(tz.X); cmd.Parameters.AddWithValue(tz.Y);
            var expected = new Dictionary<string, long>();
            await using (var r = await cmd.ExecuteReaderAsync())
                while (await r.ReadAsync()) expected[r.GetString(0)] = r.GetInt64(1);
            var got = features.GroupBy(f => (string)f.Attributes["kind"])
                .ToDictionary(g => g.Key, g => g.Sum(f => z <= AssetCells.MaxTileZoom ? Convert.ToInt64(f.Attributes["count"], System.Globalization.CultureInfo.InvariantCulture) : 1L));
            Assert.True(expected.OrderBy(e => e.Key).SequenceEqual(got.OrderBy(e => e.Key)),
                $"z{z}: tile {string.Join(", ", got.Select(e => $"{e.Key}={e.Value}"))}; database {string.Join(", ", expected.Select(e => $"{e.Key}={e.Value}"))}");
            // other tests of this class add their own assets nearby: at least ours, exactly the database's
            Assert.InRange(got["kiosk"], 600, 10_000);
            Assert.InRange(got["shelter"], 3, 10_000);
            if (z <= AssetCells.MaxTileZoom) Assert.True(features.Count < 603, $"z{z}: {features.Count} features, not aggregated");
            var shelter = Features(await http.GetByteArrayAsync($"/tiles/shelter/{tz}.pbf"), tz, "shelter");
            Assert.Equal(expected["shelter"], shelter.Sum(f => z <= AssetCells.MaxTileZoom ? Convert.ToInt64(f.Attributes["count"], System.Globalization.CultureInfo.InvariantCulture) : 1L));
        }
    }

    [Fact]
    public async Task The_bins_follow_updates_and_deletes()
    {
        var t = Column(5);
        var (lon, lat) = Inside(t, 0.5, 0.5);
        var b1 = AssetFixtures.Point(AssetKind.Shop, "B1", lon, lat);
        var b2 = AssetFixtures.Point(AssetKind.Shop, "B2", lon, lat);
        await AddAsync([b1, b2]);
        var tz = Tile(lon, lat, 12);
        async Task<long> ShopsAsync()
        {
            await using var cmd = db.DataSource.CreateCommand("SELECT coalesce(sum(n), 0) FROM asset_bins WHERE z = 16 AND kind = 'shop' AND x >> 4 = $1 AND y >> 4 = $2");
            cmd.Parameters.AddWithValue(tz.X); cmd.Parameters.AddWithValue(tz.Y);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        var before = await ShopsAsync();
        Assert.True(before >= 2);
        await using (var cmd = db.DataSource.CreateCommand("UPDATE assets SET kind = 'kiosk', attributes = jsonb_set(attributes, '{kind}', '\"kiosk\"') WHERE external_id = $1"))
        {
            cmd.Parameters.AddWithValue(b1.ExternalId);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }
        Assert.Equal(before - 1, await ShopsAsync());
        await using (var cmd = db.DataSource.CreateCommand("DELETE FROM assets WHERE external_id = $1"))
        {
            cmd.Parameters.AddWithValue(b2.ExternalId);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }
        Assert.Equal(before - 2, await ShopsAsync());
    }

    [Fact]
    public async Task The_cache_reports_its_hit_rate()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        await ListeningAsync(app.Services);
        var http = app.CreateClient();
        var t = Column(6);
        for (var i = 0; i < 3; i++) await http.GetByteArrayAsync($"/tiles/assets/{t}.pbf");
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/tiles/cache"));
        var r = doc.RootElement;
        Assert.True(r.GetProperty("enabled").GetBoolean());
        Assert.True(r.GetProperty("hits").GetInt64() >= 2, r.ToString());
        Assert.True(r.GetProperty("misses").GetInt64() >= 1, r.ToString());
        Assert.InRange(r.GetProperty("hit_rate").GetDouble(), 0.01, 1.0);
    }

    [Fact]
    public async Task TileJson_3_0_0_describes_the_layer()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/tiles/basemap.json"));
        var r = doc.RootElement;
        Assert.Equal("3.0.0", r.GetProperty("tilejson").GetString());
        Assert.EndsWith("/tiles/basemap/{z}/{x}/{y}.pbf", r.GetProperty("tiles")[0].GetString());
        Assert.StartsWith("http", r.GetProperty("tiles")[0].GetString());
        var layers = r.GetProperty("vector_layers").EnumerateArray().Select(l => l.GetProperty("id").GetString()).ToList();
        Assert.Equal(["district", "streets", "subdistricts", "communities", "grid_cells", "labels", "landmarks"], layers);
        Assert.Equal(4, r.GetProperty("bounds").GetArrayLength());
        using var list = JsonDocument.Parse(await http.GetStringAsync("/tiles"));
        Assert.Contains(list.RootElement.EnumerateArray(), l => l.GetProperty("id").GetString() == "wifi_hotspot");
    }

    [Fact]
    public async Task Bad_addresses_and_unknown_layers_are_rejected()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/tiles/assets/3/8/1.pbf")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/tiles/assets/23/0/0.pbf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/tiles/nope/3/1/1.pbf")).StatusCode);
        var empty = await http.GetAsync("/tiles/assets/3/0/0.pbf");
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal(0, empty.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Basemap_draws_the_region_hierarchy_with_labels()
    {
        var t = Column(5);
        var b = t.Bounds();
        await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "BM", b.MinX + b.Width * 0.1, b.MinY + b.Height * 0.1, b.Width * 0.5);
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var layers = Decode(await http.GetByteArrayAsync($"/tiles/basemap/{t}.pbf"), t);
        Assert.Equal(1, layers["district"]);
        Assert.Equal(1, layers["communities"]);
        Assert.Equal(1, layers["grid_cells"]);
        Assert.Equal(2, layers["labels"]); // community and grid cell names at z16
        var t10 = Tile(b.Centre.X, b.Centre.Y, 10);
        var low = Decode(await http.GetByteArrayAsync($"/tiles/basemap/{t10}.pbf"), t10);
        Assert.False(low.ContainsKey("grid_cells"));
        Assert.False(low.ContainsKey("communities"));
    }

    [Fact]
    public async Task Basemap_draws_the_walking_streets_from_street_zoom()
    {
        var t = Column(7); // z16
        var b = t.Bounds();
        await WalkNetworks.SquareAsync(db.DataSource, seed: 4, b.MinX + b.Width * 0.2, b.MinY + b.Height * 0.2, b.Width * 0.6);
        long inside;
        await using (var cmd = db.DataSource.CreateCommand("SELECT count(*) FROM walk_edges WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))"))
        {
            cmd.Parameters.AddWithValue(b.MinX);
            cmd.Parameters.AddWithValue(b.MinY);
            cmd.Parameters.AddWithValue(b.MaxX);
            cmd.Parameters.AddWithValue(b.MaxY);
            inside = (long)(await cmd.ExecuteScalarAsync())!;
        }
        Assert.True(inside > 10);
        // replacing the network publishes its extent, so every node drops the basemap (and isochrone) results there
        await using (var feed = db.DataSource.CreateCommand("SELECT payload FROM change_feed WHERE topic = 'geo_tiles' AND payload LIKE 'walk_edges %' ORDER BY seq DESC LIMIT 1"))
        {
            var box = ((string)(await feed.ExecuteScalarAsync())!).Split(' ')[1..].Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            await using var ext = db.DataSource.CreateCommand("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM walk_edges) x");
            await using var r = await ext.ExecuteReaderAsync();
            await r.ReadAsync();
            Assert.True(box[0] <= r.GetDouble(0) && box[1] <= r.GetDouble(1) && box[2] >= r.GetDouble(2) && box[3] >= r.GetDouble(3), string.Join(" ", box));
        }
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        // every street crossing the tile is in it (plus those only in its pixel buffer)
        var layers = Decode(await http.GetByteArrayAsync($"/tiles/basemap/{t}.pbf"), t);
        Assert.InRange(layers["streets"], inside, inside + 40);
        // below street zoom the basemap stays outlines only
        var t14 = Tile(b.Centre.X, b.Centre.Y, 14);
        Assert.False(Decode(await http.GetByteArrayAsync($"/tiles/basemap/{t14}.pbf"), t14).ContainsKey("streets"));
    }
}

public sealed class SensitiveTileLayerTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task Camera_tiles_are_served_to_staff_and_hidden_from_everyone_else()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var anonymous = app.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await anonymous.GetAsync("/tiles/camera/14/13501/6208.pbf")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await anonymous.GetAsync("/tiles/camera.json")).StatusCode);
        Assert.DoesNotContain("\"camera\"", await anonymous.GetStringAsync("/tiles"));

        var manager = await GridFixtures.ClientAsync(app, db, "grid_manager", "测试网格员");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await manager.GetAsync("/tiles/camera/14/13501/6208.pbf")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await manager.GetAsync("/tiles/camera.json")).StatusCode);
        Assert.Contains("\"camera\"", await manager.GetStringAsync("/tiles"));
    }
}
