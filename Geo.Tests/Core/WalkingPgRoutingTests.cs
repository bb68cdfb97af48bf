using Geo.Core.Walking;
using Geo.Ingest.Network;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Core;

/// <summary>Our Dijkstra against pgr_drivingDistance on the same walk_edges table: same nodes, same costs.</summary>
public sealed class WalkingPgRoutingTests(PostgisFixture db) : IClassFixture<PostgisFixture>
{
    private static async Task AssertSameAsPgRoutingAsync(PostgisFixture db, WalkingGraph graph, int starts, double cutoff, int seed)
    {
        var rnd = new Random(seed);
        for (var k = 0; k < starts; k++)
        {
            var node = rnd.Next(graph.NodeCount);
            using var reach = graph.ReachFrom(node, cutoff);
            var ours = reach.ByNodeId().ToDictionary(x => x.NodeId, x => x.Cost);
            var pgr = await WalkNetworks.PgrDrivingDistanceAsync(db.DataSource, graph.NodeId(node), cutoff);
            Assert.Equal(pgr.Keys.Order(), ours.Keys.Order());
            foreach (var (id, cost) in pgr) Assert.Equal(cost, ours[id], 6);
        }
    }

    [Fact]
    public async Task Reachable_nodes_and_costs_equal_pgr_drivingDistance_on_a_generated_grid_and_on_a_river_with_one_bridge()
    {
        // 1: grid with cul-de-sacs, bends and a rail line (several level crossings)
        var outline = WalkNetworks.Square();
        await WalkNetworks.GenerateAsync(db.DataSource, new StreetNetworkOptions { Seed = 7, River = false, RailCrossingEveryColumns = 6 }, outline);
        var grid = await WalkingGraph.LoadAsync(db.DataSource);
        Assert.InRange(grid.EdgeCount, 800, 6000);
        await AssertSameAsPgRoutingAsync(db, grid, 12, 700, seed: 1);

        // 2: a river with exactly one bridge (in the middle row) and no rail
        await WalkNetworks.GenerateAsync(db.DataSource, new StreetNetworkOptions { Seed = 8, Rail = false, BridgeEveryRows = 10_000 }, outline);
        var river = await WalkingGraph.LoadAsync(db.DataSource);
        await AssertSameAsPgRoutingAsync(db, river, 12, 1200, seed: 2);

        // the barrier is real: near the south edge, the far bank is a long detour via the bridge
        var west = river.SnapPoint(116.60 + 0.02 * 0.62 - 0.0012, 39.8815)!.Value;
        var east = river.SnapPoint(116.60 + 0.02 * 0.62 + 0.0012, 39.8815)!.Value;
        using var reach = river.Run(river.Seeds(west), 5000);
        var walk = river.CostTo(reach, west, east);
        var straight = Geodesy.Distance(west.PointLon, west.PointLat, east.PointLon, east.PointLat);
        Assert.True(walk > 5 * straight, $"walk {walk:F0} m vs straight {straight:F0} m");
        Assert.True(double.IsFinite(walk));

        // and the isochrone follows it: the far bank is left out although a straight-line radius would hold it
        var band = new IsochroneBuilder(corridorM: 30).Build(reach, west, 10, 750);
        Assert.True(band.Polygon.Contains(Geo.Core.Spatial.GeoFactory.Point(west.PointLon, west.PointLat)));
        Assert.False(band.Polygon.Contains(Geo.Core.Spatial.GeoFactory.Point(east.PointLon, east.PointLat)));
        Assert.True(straight < 300);
    }
}
