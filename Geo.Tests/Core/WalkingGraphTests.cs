using Geo.Core.Walking;

namespace Geo.Tests.Core;

public sealed class WalkingGraphTests
{
    /// <summary>Nodes at (116.6 + x·0.001, 39.9); edges as (id, source, target, cost, reverse_cost).</summary>
    internal static WalkingGraph Tiny(params (long Id, long S, long T, double Cost, double Rev)[] edges)
    {
        var offsets = new List<int> { 0 };
        var coords = new List<double>();
        foreach (var e in edges)
        {
            coords.AddRange([116.6 + e.S * 0.001, 39.9 + (e.S % 2) * 0.0005, 116.6 + e.T * 0.001, 39.9 + (e.T % 2) * 0.0005]);
            offsets.Add(coords.Count);
        }
        return new WalkingGraph(edges.Select(e => e.Id).ToArray(), edges.Select(e => e.S).ToArray(), edges.Select(e => e.T).ToArray(),
            edges.Select(e => e.Cost).ToArray(), edges.Select(e => e.Rev).ToArray(), edges.Select(e => Math.Max(e.Cost, e.Rev)).ToArray(),
            [.. offsets], [.. coords]);
    }

    private static Dictionary<long, double> ReachFrom(WalkingGraph g, long node, double cutoff)
    {
        Assert.True(g.TryGetNode(node, out var n));
        using var r = g.ReachFrom(n, cutoff);
        return r.ByNodeId().ToDictionary(x => x.NodeId, x => x.Cost);
    }

    [Fact]
    public void Line_graph_stops_at_the_cutoff()
    {
        var g = Tiny((1, 1, 2, 10, 10), (2, 2, 3, 10, 10), (3, 3, 4, 10, 10));
        Assert.Equal(new Dictionary<long, double> { [1] = 0, [2] = 10, [3] = 20 }, ReachFrom(g, 1, 25));
        Assert.Equal(new Dictionary<long, double> { [3] = 0, [2] = 10, [4] = 10, [1] = 20 }, ReachFrom(g, 3, 20)); // inclusive
    }

    [Fact]
    public void Diamond_takes_the_cheaper_side_and_one_way_edges_are_respected()
    {
        var g = Tiny((1, 1, 2, 5, 5), (2, 2, 4, 5, 5), (3, 1, 3, 2, 2), (4, 3, 4, 2, 2), (5, 4, 5, 3, -1));
        var from1 = ReachFrom(g, 1, 100);
        Assert.Equal(4, from1[4]);
        Assert.Equal(5, from1[2]);
        Assert.Equal(7, from1[5]);
        var from5 = ReachFrom(g, 5, 100);
        Assert.Single(from5); // 4→5 is one-way: nothing is reachable from 5
    }

    [Fact]
    public void Disconnected_components_are_not_reached_and_workspaces_are_reused_cleanly()
    {
        var g = Tiny((1, 1, 2, 1, 1), (2, 3, 4, 1, 1));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal([1L, 2L], ReachFrom(g, 1, 10).Keys.Order());
            Assert.Equal([3L, 4L], ReachFrom(g, 4, 10).Keys.Order());
        }
    }

    [Fact]
    public void A_longer_time_never_reaches_fewer_nodes_and_keeps_every_cost()
    {
        // property test as a seeded loop: random sparse graphs, random origins, random pairs of cutoffs
        var rnd = new Random(20261128);
        for (var trial = 0; trial < 200; trial++)
        {
            var n = rnd.Next(2, 40);
            var edges = Enumerable.Range(1, rnd.Next(1, 3 * n)).Select(i =>
                ((long)i, (long)rnd.Next(1, n + 1), (long)rnd.Next(1, n + 1), rnd.NextDouble() * 100, rnd.Next(5) == 0 ? -1 : rnd.NextDouble() * 100)).ToArray();
            var g = Tiny(edges);
            var origin = edges[rnd.Next(edges.Length)].Item2;
            var (c1, c2) = (rnd.NextDouble() * 300, rnd.NextDouble() * 300);
            if (c1 > c2) (c1, c2) = (c2, c1);
            var small = ReachFrom(g, origin, c1);
            var large = ReachFrom(g, origin, c2);
            Assert.True(small.Count <= large.Count, $"trial {trial}: {small.Count} > {large.Count}");
            foreach (var (node, cost) in small)
            {
                Assert.True(large.TryGetValue(node, out var c) && Math.Abs(c - cost) < 1e-9, $"trial {trial}: node {node}");
            }
            Assert.All(large.Values, c => Assert.True(c <= c2));
        }
    }

    [Fact]
    public void A_point_snaps_to_the_nearest_edge_with_a_straight_access_leg()
    {
        // one 2-segment street going east 1 km along 39.9 N, then a far one
        double[] lonLat = [116.60, 39.90, 116.605, 39.90, 116.6117, 39.90, 116.70, 39.95, 116.71, 39.95];
        var g = new WalkingGraph([1, 2], [1, 3], [2, 4], [570, 850], [570, 850], [570, 850], [0, 6, 10], lonLat);
        var snap = g.SnapPoint(116.6025, 39.9003)!.Value;
        Assert.Equal(0, snap.Edge);
        Assert.InRange(snap.AccessM, 33, 34); // 0.0003° of latitude ≈ 33.3 m
        Assert.InRange(snap.Fraction, 0.21, 0.22); // 0.0025° of 0.0117° along
        Assert.Null(g.SnapPoint(116.65, 39.80, maxDistanceM: 500));
    }

    [Fact]
    public void Isochrone_bands_grow_with_time_and_cover_only_the_reached_part_of_a_long_edge()
    {
        double[] lonLat = [116.60, 39.90, 116.6117, 39.90];
        var length = Geodesy.Length(lonLat);
        var g = new WalkingGraph([1], [1], [2], [length], [length], [length], [0, 4], lonLat);
        var origin = g.SnapPoint(116.60, 39.90)!.Value;
        using var reach = g.Run(g.Seeds(origin), 600);
        var builder = new IsochroneBuilder(corridorM: 20);
        var small = builder.Build(reach, origin, 2, 300);
        var large = builder.Build(reach, origin, 4, 600);
        Assert.True(large.Polygon.Contains(small.Polygon.Centroid));
        Assert.True(large.Polygon.Area > 1.8 * small.Polygon.Area);
        Assert.True(small.Polygon.Contains(Geo.Core.Spatial.GeoFactory.Point(116.6030, 39.90)));  // ~256 m
        Assert.False(small.Polygon.Contains(Geo.Core.Spatial.GeoFactory.Point(116.6050, 39.90))); // ~427 m
        Assert.Equal(4326, large.Polygon.SRID);
    }
}
