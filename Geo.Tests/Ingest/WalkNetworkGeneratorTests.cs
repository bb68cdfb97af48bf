using Geo.Core.Walking;
using Geo.Ingest.Network;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Ingest;

public sealed class WalkNetworkGeneratorTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static readonly NetTopologySuite.Geometries.Polygon Outline = WalkNetworks.Square(116.70, 39.80, 0.015);

    [Fact]
    public void Same_seed_gives_the_same_network_and_another_seed_a_different_one()
    {
        static string Fingerprint(WalkNetwork n) => string.Join(";", n.Edges.Select(e => $"{e.Source}-{e.Target}-{e.LengthM:F3}-{e.Highway}"));
        var a = new StreetNetworkGenerator(new StreetNetworkOptions { Seed = 3 }).Generate(Outline);
        var b = new StreetNetworkGenerator(new StreetNetworkOptions { Seed = 3 }).Generate(Outline);
        var c = new StreetNetworkGenerator(new StreetNetworkOptions { Seed = 4 }).Generate(Outline);
        Assert.Equal(Fingerprint(a), Fingerprint(b));
        Assert.NotEqual(Fingerprint(a), Fingerprint(c));
        Assert.Contains(a.Edges, e => e.Highway == "service"); // cul-de-sacs
        Assert.Contains(a.Edges, e => e.Highway == "primary"); // arterials
    }

    [Fact]
    public async Task Stored_edges_are_synthetic_metric_split_at_intersections_and_connected_to_their_nodes()
    {
        await WalkNetworks.GenerateAsync(db.DataSource, new StreetNetworkOptions { Seed = 5 }, Outline);
        await using var cmd = db.DataSource.CreateCommand("""
            SELECT
              (SELECT count(*) FROM walk_edges),
              (SELECT count(*) FROM walk_edges WHERE NOT synthetic),
              (SELECT max(abs(length_m / ST_Length(geom::geography) - 1)) FROM walk_edges),
              (SELECT count(*) FROM walk_edges a JOIN walk_edges b ON a.id < b.id AND a.geom && b.geom AND ST_Crosses(a.geom, b.geom)),
              (SELECT count(*) FROM walk_edges e JOIN walk_nodes s ON s.id = e.source JOIN walk_nodes t ON t.id = e.target
                WHERE ST_DWithin(ST_StartPoint(e.geom), s.geom, 1e-9) AND ST_DWithin(ST_EndPoint(e.geom), t.geom, 1e-9)),
              (SELECT abs(avg(cost_s * 4.5 / 3.6 / cost) - 1) FROM walk_edges)
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        var edges = r.GetInt64(0);
        Assert.InRange(edges, 400, 6000);
        Assert.Equal(0, r.GetInt64(1));
        Assert.True(r.GetDouble(2) < 1e-4, $"length error {r.GetDouble(2)}"); // true metres, not degrees
        Assert.Equal(0, r.GetInt64(3));      // no two streets cross without a shared node
        Assert.Equal(edges, r.GetInt64(4));  // every edge starts at its source and ends at its target
        Assert.True(r.GetDouble(5) < 1e-9);
    }

    [Fact]
    public void Each_grid_line_is_one_named_street_east_west_or_north_south_and_cul_de_sacs_are_unnamed()
    {
        var net = new StreetNetworkGenerator(new StreetNetworkOptions { Seed = 6 }).Generate(Outline);
        Assert.All(net.Edges.Where(e => e.Highway == "service"), e => Assert.Null(e.Name));
        var named = net.Edges.Where(e => e.Highway != "service").ToList();
        Assert.All(named, e => Assert.False(string.IsNullOrWhiteSpace(e.Name)));
        var streets = named.GroupBy(e => e.Name!).ToList();
        // a name per street, not per edge: the square is about 20 lines each way, each many edges long
        Assert.InRange(streets.Count, 10, named.Count / 5);
        foreach (var street in streets)
        {
            // one direction: 街/大街 run east–west, 路/大道 north–south (by the ends' offsets)
            var eastWest = street.Key.EndsWith('街');
            Assert.True(eastWest || street.Key.EndsWith('路') || street.Key.EndsWith("大道"), street.Key);
            Assert.All(street, e =>
            {
                var (dx, dy) = (Math.Abs(e.LonLat[^2] - e.LonLat[0]) * 0.77, Math.Abs(e.LonLat[^1] - e.LonLat[1])); // cos(39.8°) ≈ 0.77
                Assert.True(eastWest ? dx > dy : dy > dx, $"{street.Key}: an edge runs the other way");
            });
            // a line, not a tree: no node has more than two edges of the same street
            var degree = street.SelectMany(e => new[] { e.Source, e.Target }).GroupBy(n => n).Max(g => g.Count());
            Assert.InRange(degree, 1, 2);
        }
        Assert.Equal(SyntheticStreetNames.EastWest(20, 10), SyntheticStreetNames.EastWest(20, 10));
        Assert.NotEqual(SyntheticStreetNames.EastWest(21, 10), SyntheticStreetNames.EastWest(22, 10));
        Assert.NotEqual(SyntheticStreetNames.NorthSouth(3, 10), SyntheticStreetNames.EastWest(3, 10));
    }
}
