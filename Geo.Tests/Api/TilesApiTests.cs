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
        await AddAsync([.. inside.Select((p, i) => AssetFixtures.Point(AssetKind.WifiHotspot, $"热点{i}", p.Lon, p.Lat)),
            AssetFixtures.Point(AssetKind.Shelter, "避难场所甲", inside[0].Lon, inside[0].Lat + 0.0005),
            AssetFixtures.Point(AssetKind.Kiosk, "远处终端", 116.60, 39.80)]);
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();

        var res = await http.GetAsync($"/tiles/assets/{t}.pbf");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal(TilesApiMvt, res.Content.Headers.ContentType?.MediaType);
        var features = Features(await res.Content.ReadAsByteArrayAsync(), t, "assets");
        Assert.Equal(6, features.Count);
        Assert.Contains(features, f => (string)f.Attributes["name"] == "避难场所甲" && (string)f.Attributes["kind"] == "shelter");
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
    public async Task Low_zooms_thin_common_kinds_but_keep_every_rare_one()
    {
        // 600 kiosks and 3 shelters in one z16 tile; at z10 the kiosks thin to 1 in 4096 ids, shelters to 1 in 64;
        // from z13 every shelter is drawn
        var t = Column(4);
        var rnd = new Random(7);
        var kiosks = Enumerable.Range(0, 600).Select(i => { var p = Inside(t, 0.05 + 0.9 * rnd.NextDouble(), 0.05 + 0.9 * rnd.NextDouble()); return AssetFixtures.Point(AssetKind.Kiosk, $"K{i}", p.Lon, p.Lat); });
        var shelters = Enumerable.Range(0, 3).Select(i => { var p = Inside(t, 0.2 + 0.3 * i, 0.5); return AssetFixtures.Point(AssetKind.Shelter, $"S{i}", p.Lon, p.Lat); });
        await AddAsync([.. kiosks, .. shelters]);
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var (lon, lat) = Inside(t, 0.5, 0.5);
        foreach (var z in new[] { 10, 12, 14, 16 })
        {
            var tz = Tile(lon, lat, z);
            var got = Decode(await http.GetByteArrayAsync($"/tiles/assets/{tz}.pbf"), tz).GetValueOrDefault("assets");
            var m = TileSql.ThinningModulus(z);
            await using var cmd = db.DataSource.CreateCommand("""
                SELECT count(*) FROM assets WHERE geom && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)
                  AND (id % $4 = 0 OR (kind = 'shelter' AND id % $5 = 0)) AND kind NOT IN ('camera', 'sensor')
                """);
            cmd.Parameters.AddWithValue(tz.Z); cmd.Parameters.AddWithValue(tz.X); cmd.Parameters.AddWithValue(tz.Y);
            cmd.Parameters.AddWithValue((long)m); cmd.Parameters.AddWithValue((long)Math.Max(1, m / 64));
            var expected = (long)(await cmd.ExecuteScalarAsync())!;
            Assert.True(expected == got, $"z{z}: tile has {got}, database {expected}");
            if (z == 16) Assert.Equal(603, got);
            var rare = Features(await http.GetByteArrayAsync($"/tiles/shelter/{tz}.pbf"), tz, "shelter").Count;
            if (z >= 13) Assert.Equal(3, rare);
        }
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
        Assert.Equal(["district", "subdistricts", "communities", "grid_cells", "labels"], layers);
        Assert.Equal(4, r.GetProperty("bounds").GetArrayLength());
        using var list = JsonDocument.Parse(await http.GetStringAsync("/tiles"));
        Assert.Contains(list.RootElement.EnumerateArray(), l => l.GetProperty("id").GetString() == "wifi_hotspot");
    }

    [Fact]
    public async Task TileJson_states_the_thinning_rule_and_tiles_say_what_each_feature_represents()
    {
        var t = TileTestSupport.Z16 with { X = TileTestSupport.Z16.X + 40 };
        await using (var ctx = db.CreateContext())
        {
            ctx.AddRange(Enumerable.Range(0, 300).Select(i =>
            {
                var p = TileTestSupport.Inside(t, 0.05 + 0.003 * i, 0.5);
                return AssetFixtures.Point(i % 10 == 0 ? AssetKind.Shelter : AssetKind.Shop, $"点{i}", p.Lon, p.Lat);
            }));
            await ctx.SaveChangesAsync();
        }
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/tiles/assets.json"));
        var description = doc.RootElement.GetProperty("description").GetString()!;
        Assert.Contains("z16", description);
        Assert.Contains("id % m = 0", description);
        var fields = doc.RootElement.GetProperty("vector_layers")[0].GetProperty("fields");
        Assert.True(fields.TryGetProperty("represents", out _));

        foreach (var z in new[] { 16, 14 })
        {
            var (lon, lat) = TileTestSupport.Inside(t, 0.5, 0.5);
            var tz = TileTestSupport.Tile(lon, lat, z);
            var features = TileTestSupport.Features(await http.GetByteArrayAsync($"/tiles/assets/{tz}.pbf"), tz, "assets");
            Assert.NotEmpty(features);
            foreach (var feature in features)
            {
                var represents = Convert.ToInt64(feature.Attributes["represents"], System.Globalization.CultureInfo.InvariantCulture);
                var m = Geo.Core.Tiles.TileSql.ThinningModulus(z);
                var expected = feature.Attributes["kind"] as string == "shelter" ? Math.Max(1, m / 64) : m;
                Assert.Equal(expected, represents);
            }
        }
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
