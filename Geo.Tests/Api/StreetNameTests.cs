using System.Text.Json;
using Geo.Core.Domain;
using Geo.Core.Tiles;
using Geo.Core.Walking;
using Geo.Tests.Infrastructure;
using Npgsql;
using static Geo.Tests.Api.TileTestSupport;

namespace Geo.Tests.Api;

/// <summary>Street names (walk_edges.name) in route steps and, with place and landmark names, in the basemap tiles:
/// checked against what the database holds (pgr_dijkstra's path and its edges' names; the rows inside the tile).</summary>
public sealed class StreetNameTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    [Fact]
    public async Task Route_steps_name_the_streets_of_the_shortest_path_and_say_the_turn_into_them()
    {
        // an L of two named streets and an unnamed lane: 示范一街 east, 运河大街 north, a lane east again
        var net = new WalkNetwork { Synthetic = false };
        var a = net.AddNode(116.600, 39.900);
        var b = net.AddNode(116.602, 39.900);
        var c = net.AddNode(116.604, 39.900);
        var d = net.AddNode(116.604, 39.902);
        var e = net.AddNode(116.604, 39.904);
        var g = net.AddNode(116.606, 39.904);
        var side = net.AddNode(116.602, 39.898); // a side street off the first one: not on the way
        void Edge(long s, long t, string? name, string highway = "residential")
        {
            var (sx, sy) = net.Node(s);
            var (tx, ty) = net.Node(t);
            net.AddEdge(s, t, highway, [sx, sy, tx, ty], name: name);
        }
        Edge(a, b, "示范一街");
        Edge(b, c, "示范一街");
        Edge(b, side, "果园二路");
        Edge(c, d, "运河大街", "primary");
        Edge(d, e, "运河大街", "primary");
        Edge(e, g, null, "service");
        await WalkNetworkWriter.ReplaceAsync(db.DataSource, net);

        // the independent answer: pgr_dijkstra's edges from a to g, their names in walking order, repeats folded
        var expected = new List<string?>();
        await using (var cmd = db.DataSource.CreateCommand("""
            SELECT w.name FROM pgr_dijkstra('SELECT id, source, target, cost, reverse_cost FROM walk_edges', $1, $2, true) p
            JOIN walk_edges w ON w.id = p.edge ORDER BY p.seq
            """))
        {
            cmd.Parameters.AddWithValue(a);
            cmd.Parameters.AddWithValue(g);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                var name = r.IsDBNull(0) ? null : r.GetString(0);
                if (expected.Count == 0 || expected[^1] != name) expected.Add(name);
            }
        }
        Assert.Equal(["示范一街", "运河大街", null], expected);

        await using var app = new GeoWebFactory(db.ConnectionString);
        using var doc = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/api/route?from=116.6,39.9&to=116.606,39.904"));
        var steps = doc.RootElement.GetProperty("properties").GetProperty("steps").EnumerateArray().ToList();
        string? Street(JsonElement s) => s.GetProperty("street").ValueKind == JsonValueKind.Null ? null : s.GetProperty("street").GetString();
        Assert.Equal(expected, steps.SkipLast(1).Select(Street));
        Assert.Equal(["depart", "left", "right", "arrive"], steps.Select(s => s.GetProperty("turn").GetString()));
        // each step's metres and wording: the lengths of its street's edges as PostGIS measures them
        var metres = new Dictionary<string, double>();
        await using (var len = db.DataSource.CreateCommand("SELECT coalesce(name, ''), sum(ST_Length(geom::geography)) FROM walk_edges WHERE name IS DISTINCT FROM '果园二路' GROUP BY 1"))
        await using (var r = await len.ExecuteReaderAsync())
            while (await r.ReadAsync()) metres[r.GetString(0)] = r.GetDouble(1);
        Assert.Equal(metres["示范一街"], steps[0].GetProperty("meters").GetDouble(), 0.5);
        Assert.Equal(metres["运河大街"], steps[1].GetProperty("meters").GetDouble(), 0.5);
        Assert.Equal(metres[""], steps[2].GetProperty("meters").GetDouble(), 0.5);
        string M(string key) => Math.Round(metres[key]).ToString("0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([$"向东沿示范一街步行 {M("示范一街")} 米", $"左转进入运河大街，步行 {M("运河大街")} 米", $"右转，步行 {M("")} 米", "到达终点"],
            steps.Select(s => s.GetProperty("text").GetString()));
        Assert.Equal("Turn left onto 运河大街, walk 444 m", RouteStepText.Describe(new RouteStep("left", "运河大街", 444.2, 0, 0, 0), english: true));
    }

    [Fact]
    public async Task Basemap_tile_carries_street_names_place_names_and_public_landmarks_as_the_database_has_them()
    {
        var t = Z16 with { X = Z16.X + 40 };
        var bounds = t.Bounds();
        await RegionFixtures.AddSquareHierarchyAsync(db.DataSource, "NM", bounds.MinX + bounds.Width * 0.1, bounds.MinY + bounds.Height * 0.1, bounds.Width * 0.8);
        await WalkNetworks.SquareAsync(db.DataSource, seed: 8, bounds.MinX - bounds.Width * 0.2, bounds.MinY - bounds.Height * 0.2, bounds.Width * 1.4);
        var (lx, ly) = Inside(t, 0.3, 0.4);
        var (sx, sy) = Inside(t, 0.6, 0.7);
        var (cx, cy) = Inside(t, 0.5, 0.5);
        await using (var ctx = db.CreateContext())
        {
            ctx.AddRange(
                AssetFixtures.Point(AssetKind.Shelter, "运河公园应急避难场所", lx, ly),
                AssetFixtures.Point(AssetKind.ServiceStation, "示范社区养老驿站", sx, sy),
                AssetFixtures.Point(AssetKind.Camera, "路口摄像头甲", cx, cy),
                AssetFixtures.Point(AssetKind.Sensor, "积水传感器乙", cx, cy + 0.0001),
                AssetFixtures.Point(AssetKind.Shop, "便民超市", cx + 0.0001, cy));
            await ctx.SaveChangesAsync();
        }
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var mvt = await http.GetByteArrayAsync($"/tiles/basemap/{t}.pbf");

        // streets: every named street crossing the tile is named in it, and every name in it is a street of the database
        var streets = Features(mvt, t, "streets");
        var tileNames = streets.Where(f => f.Attributes.Exists("name")).Select(f => (string)f.Attributes["name"]).ToHashSet();
        var inTile = await NamesAsync("SELECT DISTINCT name FROM walk_edges WHERE name IS NOT NULL AND ST_Intersects(geom, ST_Transform(ST_TileEnvelope($1, $2, $3), 4326))", t);
        var all = await NamesAsync("SELECT DISTINCT name FROM walk_edges WHERE name IS NOT NULL", t);
        Assert.True(inTile.Count >= 4, $"{inTile.Count} named streets in the tile");
        Assert.Superset(inTile, tileNames);
        Assert.Subset(all, tileNames);
        Assert.All(streets, f => Assert.True((bool)f.Attributes["synthetic"]));
        // cul-de-sacs (service) have no name in the database and none in the tile
        Assert.All(streets.Where(f => (string)f.Attributes["highway"] == "service"), f => Assert.False(f.Attributes.Exists("name")));

        // place names: the community and grid cell at z16, as stored
        var labels = Features(mvt, t, "labels");
        var regionNames = await NamesAsync("SELECT name FROM regions WHERE level IN ('community', 'grid_cell') AND code LIKE 'NM-%'", t);
        Assert.Equal(regionNames, labels.Select(f => (string)f.Attributes["name"]).ToHashSet());

        // landmarks: the named shelter and service station, never a camera or a sensor, not a shop
        var landmarks = Features(mvt, t, "landmarks");
        var expected = await NamesAsync("""
            SELECT name FROM assets WHERE kind IN ('shelter', 'service_station', 'civil_defence', 'vegetable_garden')
              AND ST_Intersects(geom, ST_Transform(ST_TileEnvelope($1, $2, $3), 4326))
            """, t);
        Assert.Equal(expected, landmarks.Select(f => (string)f.Attributes["name"]).ToHashSet());
        Assert.Equal(new HashSet<string> { "运河公园应急避难场所", "示范社区养老驿站" }, expected);
        Assert.All(landmarks, f => Assert.False(AssetKinds.IsSensitive(AssetKinds.Parse((string)f.Attributes["kind"]))));
        Assert.All(TileSql.LandmarkKinds, k => Assert.False(AssetKinds.IsSensitive(k)));
        // even a staff-exposed deployment's basemap names no camera (the basemap is one public layer)
        await using var exposed = new GeoWebFactory(db.ConnectionString, new Dictionary<string, string?> { ["Geo:ExposeSensitiveLayers"] = "true" });
        var staffTile = Features(await exposed.CreateClient().GetByteArrayAsync($"/tiles/basemap/{t}.pbf"), t, "landmarks");
        Assert.DoesNotContain(staffTile, f => (string)f.Attributes["kind"] is "camera" or "sensor");

        // below street zoom: no streets, no landmarks
        var t14 = Tile(bounds.Centre.X, bounds.Centre.Y, 14);
        var low = Decode(await http.GetByteArrayAsync($"/tiles/basemap/{t14}.pbf"), t14);
        Assert.False(low.ContainsKey("streets") || low.ContainsKey("landmarks"));
    }

    [Fact]
    public async Task A_new_landmark_evicts_the_cached_basemap_tile_under_it()
    {
        var t = Z16 with { X = Z16.X + 44 };
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        await ListeningAsync(app.Services);
        var url = $"/tiles/basemap/{t}.pbf";
        await http.GetAsync(url);
        Assert.Equal("cache", (await http.GetAsync(url)).Headers.GetValues("X-Tile-Origin").Single());
        Assert.Empty(Features(await http.GetByteArrayAsync(url), t, "landmarks"));

        var (x, y) = Inside(t, 0.5, 0.5);
        await using (var ctx = db.CreateContext())
        {
            ctx.Add(AssetFixtures.Point(AssetKind.Shelter, "新建的避难场所", x, y));
            await ctx.SaveChangesAsync();
        }
        var after = await EventuallyAsync(async () => Features(await http.GetByteArrayAsync(url), t, "landmarks"), f => f.Count == 1);
        Assert.Equal("新建的避难场所", (string)Assert.Single(after).Attributes["name"]);
    }

    private async Task<HashSet<string>> NamesAsync(string sql, TileAddress t)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        if (sql.Contains("$1", StringComparison.Ordinal))
        {
            cmd.Parameters.AddWithValue(t.Z);
            cmd.Parameters.AddWithValue(t.X);
            cmd.Parameters.AddWithValue(t.Y);
        }
        var names = new HashSet<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) names.Add(r.GetString(0));
        return names;
    }
}
