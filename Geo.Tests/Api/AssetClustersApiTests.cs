using System.Globalization;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Tests.Api.Ogc;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

/// <summary>GET /api/assets/clusters: the counts of the bubbles add up to PostGIS's count of the assets in the covered box
/// (the view grown to whole cells), for every kind filter and role; no two bubbles' boxes overlap on the screen; anonymous
/// callers never get cameras or sensors, counted or not; bad bbox/zoom/kinds are 400 problems naming the parameter.</summary>
public sealed class AssetClustersApiTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static string S(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static readonly AssetKind[] Kinds = [AssetKind.WifiHotspot, AssetKind.Shop, AssetKind.Shelter, AssetKind.Kiosk, AssetKind.Camera, AssetKind.Sensor];

    /// <summary>Blobs of assets (so bubbles crowd and merge) plus a scatter, around (lon, lat).</summary>
    private async Task SeedAsync(int seed, double lon, double lat, int n)
    {
        var rnd = new Random(seed);
        var blobs = Enumerable.Range(0, 12).Select(_ => (lon + (rnd.NextDouble() - 0.5) * 0.16, lat + (rnd.NextDouble() - 0.5) * 0.12)).ToList();
        await using var ctx = db.CreateContext();
        for (var i = 0; i < n; i++)
        {
            var (x, y) = i % 3 == 0
                ? (lon + (rnd.NextDouble() - 0.5) * 0.2, lat + (rnd.NextDouble() - 0.5) * 0.15)
                : (blobs[i % blobs.Count].Item1 + Gauss(rnd) * 0.004, blobs[i % blobs.Count].Item2 + Gauss(rnd) * 0.003);
            ctx.Add(AssetFixtures.Point(Kinds[rnd.Next(Kinds.Length)], $"簇{seed}-{i}", x, y));
        }
        await ctx.SaveChangesAsync();
    }

    private static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    // Web Mercator screen pixels at a zoom (256 px tiles), written out here rather than taken from the code under test
    private static double Px(double lon, int z) => (lon + 180) / 360 * 256 * Math.Pow(2, z);
    private static double Py(double lat, int z) => (1 - Math.Log(Math.Tan(Math.PI / 4 + lat * Math.PI / 360)) / Math.PI) / 2 * 256 * Math.Pow(2, z);
    private static double Lon(double px, int z) => px / (256 * Math.Pow(2, z)) * 360 - 180;
    private static double Lat(double py, int z) => Math.Atan(Math.Sinh(Math.PI * (1 - 2 * py / (256 * Math.Pow(2, z))))) * 180 / Math.PI;

    /// <summary>The box a 390 × 844 phone shows at zoom z around (lon, lat).</summary>
    private static double[] Phone(double lon, double lat, int z)
    {
        var (cx, cy) = (Px(lon, z), Py(lat, z));
        return [Lon(cx - 195, z), Lat(cy + 422, z), Lon(cx + 195, z), Lat(cy - 422, z)];
    }

    /// <summary>PostGIS's count in the box. ST_Intersects, not a bare <c>&amp;&amp;</c>: the operator compares float4 boxes (rounded
    /// outwards, about 1e-5° here), so it also counts points a metre outside the edge (seen: 1,731 against the exact 1,730).</summary>
    private async Task<long> PostgisCountAsync(double[] box, string[]? kinds)
    {
        await using var cmd = db.DataSource.CreateCommand(
            "SELECT count(*) FROM assets WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))" + (kinds is null ? "" : " AND kind = ANY($5)"));
        foreach (var v in box) cmd.Parameters.AddWithValue(v);
        if (kinds is not null) cmd.Parameters.AddWithValue(kinds);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Checks one answer against PostGIS and the screen; returns it.</summary>
    private async Task<JsonElement> CheckAsync(HttpClient http, double[] box, int z, string[]? kinds, string[] expectedKinds)
    {
        var url = $"/api/assets/clusters?bbox={string.Join(",", box.Select(S))}&zoom={z}" + (kinds is null ? "" : "&kinds=" + string.Join(",", kinds));
        var doc = await ApiAssert.JsonAsync(await http.GetAsync(url));
        var covered = doc.GetProperty("covered").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        // the covered box holds the view and is at most one 64 px cell larger on each side
        Assert.True(covered[0] <= box[0] && covered[1] <= box[1] && covered[2] >= box[2] && covered[3] >= box[3], $"covered {string.Join(",", covered)} must hold {string.Join(",", box)}");
        Assert.True(Px(box[0], z) - Px(covered[0], z) <= 64.001 && Px(covered[2], z) - Px(box[2], z) <= 64.001, "covered grows by at most a cell in x");
        Assert.True(Py(covered[1], z) - Py(box[1], z) <= 64.001 && Py(box[3], z) - Py(covered[3], z) <= 64.001, "covered grows by at most a cell in y");

        var clusters = doc.GetProperty("clusters").EnumerateArray().ToList();
        var sum = clusters.Sum(c => c.GetProperty("count").GetInt64());
        Assert.Equal(sum, doc.GetProperty("total").GetInt64());
        Assert.Equal(await PostgisCountAsync(covered, expectedKinds), sum);
        Assert.True(clusters.Count <= 300, $"{clusters.Count} bubbles on a phone screen");
        foreach (var c in clusters)
        {
            var byKind = c.GetProperty("kinds").EnumerateArray().ToList();
            Assert.Equal(c.GetProperty("count").GetInt32(), byKind.Sum(k => k.GetProperty("count").GetInt32()));
            Assert.All(byKind, k => Assert.Contains(k.GetProperty("kind").GetString(), expectedKinds));
            Assert.Equal(byKind.MaxBy(k => k.GetProperty("count").GetInt32())!.GetProperty("count").GetInt32(),
                byKind.Single(k => k.GetProperty("kind").GetString() == c.GetProperty("dominant").GetString()).GetProperty("count").GetInt32());
            Assert.True(c.GetProperty("size").GetInt32() >= 44, "a bubble is a 44 px tap target");
        }
        // no two bubbles' boxes overlap on the screen
        var boxes = clusters.Select(c => (X: Px(c.GetProperty("lon").GetDouble(), z), Y: Py(c.GetProperty("lat").GetDouble(), z), H: c.GetProperty("size").GetInt32() / 2.0)).ToList();
        for (var i = 0; i < boxes.Count; i++)
        {
            for (var j = i + 1; j < boxes.Count; j++)
            {
                var (a, b) = (boxes[i], boxes[j]);
                Assert.False(Math.Abs(a.X - b.X) < a.H + b.H && Math.Abs(a.Y - b.Y) < a.H + b.H, $"bubbles {i} and {j} overlap at zoom {z}");
            }
        }
        return doc;
    }

    private static readonly string[] Public = ["wifi_hotspot", "shop", "shelter", "kiosk"];
    private static readonly string[] Everything = [.. Kinds.Select(k => k.Code())];

    [Fact]
    public async Task Counts_add_up_to_postgis_at_every_zoom_and_bubbles_never_overlap_and_roles_are_kept()
    {
        const double lon = 116.68, lat = 39.90;
        await SeedAsync(21, lon, lat, 3000);
        await using var app = new GeoWebFactory(db.ConnectionString);
        var anonymous = app.CreateClient();
        var staff = await GridFixtures.ClientAsync(app, db, "planner");
        foreach (var z in new[] { 8, 10, 11, 12, 13, 14 })
        {
            foreach (var (dx, dy) in new[] { (0.0, 0.0), (0.03, -0.02), (-0.05, 0.04) })
            {
                var box = Phone(lon + dx, lat + dy, z);
                // anonymous: without kinds, every kind but cameras and sensors; with kinds, exactly those
                var all = await CheckAsync(anonymous, box, z, null, Public);
                await CheckAsync(anonymous, box, z, ["shop", "kiosk"], ["shop", "kiosk"]);
                // staff see (and count) cameras and sensors
                var staffAll = await CheckAsync(staff, box, z, null, Everything);
                await CheckAsync(staff, box, z, ["camera"], ["camera"]);
                Assert.True(staffAll.GetProperty("total").GetInt64() >= all.GetProperty("total").GetInt64());
            }
        }

        // a hidden kind is reported as an unknown one
        var box12 = Phone(lon, lat, 12);
        await ApiAssert.ProblemAsync(await anonymous.GetAsync($"/api/assets/clusters?bbox={string.Join(",", box12.Select(S))}&zoom=12&kinds=camera"), "kinds");
    }

    [Fact]
    public async Task A_lone_group_is_one_bubble_at_its_mean_position_with_its_dominant_kind()
    {
        // far from the other test's assets: two shops and a kiosk 30 m apart
        (double, double)[] at = [(116.5201, 39.7801), (116.5204, 39.7802), (116.5202, 39.7804)];
        await using (var ctx = db.CreateContext())
        {
            ctx.AddRange(AssetFixtures.Point(AssetKind.Shop, "甲店", at[0].Item1, at[0].Item2), AssetFixtures.Point(AssetKind.Shop, "乙店", at[1].Item1, at[1].Item2),
                AssetFixtures.Point(AssetKind.Kiosk, "终端", at[2].Item1, at[2].Item2));
            await ctx.SaveChangesAsync();
        }
        await using var app = new GeoWebFactory(db.ConnectionString);
        var doc = await CheckAsync(app.CreateClient(), Phone(116.5202, 39.7802, 13), 13, ["shop", "kiosk"], ["shop", "kiosk"]);
        var c = Assert.Single(doc.GetProperty("clusters").EnumerateArray());
        Assert.Equal(3, c.GetProperty("count").GetInt32());
        Assert.Equal("shop", c.GetProperty("dominant").GetString());
        Assert.Equal(at.Average(p => p.Item1), c.GetProperty("lon").GetDouble(), 9);
        Assert.Equal(at.Average(p => p.Item2), c.GetProperty("lat").GetDouble(), 9);
        var bounds = c.GetProperty("bounds").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.True(bounds[0] < 116.5201 && bounds[2] > 116.5204 && bounds[1] < 39.7801 && bounds[3] > 39.7804, "a tap zooms to the cells holding the group");
    }

    [Fact]
    public async Task Bad_bbox_zoom_and_kinds_are_problems_naming_the_parameter()
    {
        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        const string ok = "116.6,39.85,116.7,39.95";
        await ApiAssert.ProblemAsync(await http.GetAsync("/api/assets/clusters?zoom=12"), "bbox");
        await ApiAssert.ProblemAsync(await http.GetAsync("/api/assets/clusters?bbox=116.6,39.85,x,39.95&zoom=12"), "bbox");
        await ApiAssert.ProblemAsync(await http.GetAsync("/api/assets/clusters?bbox=116.7,39.85,116.6,39.95&zoom=12"), "bbox");
        await ApiAssert.ProblemAsync(await http.GetAsync($"/api/assets/clusters?bbox={ok}"), "zoom");
        await ApiAssert.ProblemAsync(await http.GetAsync($"/api/assets/clusters?bbox={ok}&zoom=15"), "zoom"); // street zoom: single assets
        await ApiAssert.ProblemAsync(await http.GetAsync($"/api/assets/clusters?bbox={ok}&zoom=-1"), "zoom");
        await ApiAssert.ProblemAsync(await http.GetAsync($"/api/assets/clusters?bbox={ok}&zoom=twelve"), "zoom");
        await ApiAssert.ProblemAsync(await http.GetAsync($"/api/assets/clusters?bbox={ok}&zoom=12&kinds=spaceship"), "kinds");
        // the view's size is limited in pixels at its zoom: half a degree is 5,825 px wide at zoom 14
        await ApiAssert.ProblemAsync(await http.GetAsync("/api/assets/clusters?bbox=116.4,39.8,116.9,39.9&zoom=14"), "bbox");
        await ApiAssert.JsonAsync(await http.GetAsync("/api/assets/clusters?bbox=116.4,39.8,116.9,39.9&zoom=12"));
    }
}
