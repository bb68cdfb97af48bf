using System.Globalization;
using System.Text.Json;
using Geo.Core.Domain;
using Geo.Tests.Api.Ogc;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Api;

/// <summary>附近 by category and walking time: the order and minutes /api/nearby gives equal pgr_dijkstraCost from the
/// snapped origin node on the same walk_edges; places beyond the minutes are left out; the other category stays out.</summary>
public sealed class NearbyWalkingTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static string S(double d) => d.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Nearby_by_walking_time_equals_pgRouting_order_and_minutes_at_the_elderly_pace()
    {
        await WalkNetworks.SquareAsync(db.DataSource, seed: 23);
        var nodes = await WalkNetworks.ConnectedNodesAsync(db.DataSource);
        Assert.True(nodes.Count > 200);
        var origin = nodes[nodes.Count / 2];
        var step = nodes.Count / 40;
        var clinics = new Dictionary<long, long>(); // asset id → node id
        for (var i = 0; i < 40; i++)
        {
            var n = nodes[(i * step + step / 3) % nodes.Count];
            if (n.Id == origin.Id || clinics.ContainsValue(n.Id)) continue;
            clinics[await GridFixtures.AssetAsync(db, $"诊所{i}", n.Lon, n.Lat, new ShopAttributes(LifeElement.Health, "clinic"))] = n.Id;
        }
        var eat = nodes[nodes.Count / 2 + 1];
        var restaurant = await GridFixtures.AssetAsync(db, "餐馆", eat.Lon, eat.Lat, new ShopAttributes(LifeElement.Eat, "restaurant"));

        // the independent computation: pgRouting from the origin node, elderly pace (3 km/h) for 10 minutes = 500 m
        const double mpm = 3.0 * 1000 / 60, cutoff = 10 * mpm;
        var pg = new Dictionary<long, double>();
        await using (var cmd = db.DataSource.CreateCommand("""
            SELECT end_vid, agg_cost FROM pgr_dijkstraCost('SELECT id, source, target, cost, reverse_cost FROM walk_edges', $1, $2, true)
            """))
        {
            cmd.Parameters.AddWithValue(origin.Id);
            cmd.Parameters.AddWithValue(clinics.Values.Distinct().ToArray());
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) pg[r.GetInt64(0)] = r.GetDouble(1);
        }
        var expected = clinics.Where(c => pg.TryGetValue(c.Value, out var d) && d <= cutoff)
            .Select(c => (Id: c.Key, Cost: pg[c.Value])).OrderBy(x => Math.Round(x.Cost, 1)).ThenBy(x => x.Id).ToList();
        Assert.InRange(expected.Count, 2, clinics.Count - 1); // some within the walk, some beyond it

        await using var app = new GeoWebFactory(db.ConnectionString);
        var http = app.CreateClient();
        var doc = await ApiAssert.JsonAsync(await http.GetAsync($"/api/nearby?lon={S(origin.Lon)}&lat={S(origin.Lat)}&category=health&pace=elderly&minutes=10&limit=100"));
        var features = doc.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(expected.Select(e => e.Id), features.Select(f => f.GetProperty("id").GetInt64()));
        for (var i = 0; i < features.Count; i++)
        {
            var p = features[i].GetProperty("properties");
            Assert.Equal(expected[i].Cost, p.GetProperty("walk_m").GetDouble(), 0.051);
            Assert.Equal(expected[i].Cost / mpm, p.GetProperty("minutes").GetDouble(), 0.051);
            Assert.True(p.GetProperty("distance_m").GetDouble() <= p.GetProperty("walk_m").GetDouble() + 0.5);
            Assert.Equal("health", p.GetProperty("category").GetString());
        }
        Assert.DoesNotContain(restaurant, features.Select(f => f.GetProperty("id").GetInt64()));

        // the adult pace walks further in the same minutes: a superset, still in walking order
        var adult = await ApiAssert.JsonAsync(await http.GetAsync($"/api/nearby?lon={S(origin.Lon)}&lat={S(origin.Lat)}&category=health&pace=adult&minutes=10&limit=100"));
        var adultIds = adult.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetInt64()).ToList();
        Assert.Superset(expected.Select(e => e.Id).ToHashSet(), adultIds.ToHashSet());
        var mins = adult.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("minutes").GetDouble()).ToList();
        Assert.Equal(mins.Order(), mins);

        await ApiAssert.ProblemAsync(await http.GetAsync($"/api/nearby?lon={S(origin.Lon)}&lat={S(origin.Lat)}&pace=run"), "pace");
        await ApiAssert.ProblemAsync(await http.GetAsync($"/api/nearby?lon={S(origin.Lon)}&lat={S(origin.Lat)}&pace=adult&minutes=0"), "minutes");
        await ApiAssert.ProblemAsync(await http.GetAsync($"/api/nearby?lon={S(origin.Lon)}&lat={S(origin.Lat)}&category=nap&pace=adult"), "category");
    }
}
