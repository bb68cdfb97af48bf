using Geo.Core.Walking;
using Geo.Ingest.Network;
using Geo.Tests.Infrastructure;

namespace Geo.Tests.Core;

/// <summary>The multi-source life-circle search against one single-source search per building, and the
/// population-weighted roll-up against figures worked out by hand.</summary>
public sealed class LifeCircleTests
{
    private const double Cutoff = 1125;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Nearest_service_per_element_equals_a_single_source_walk_from_each_building(bool asymmetric)
    {
        var net = new StreetNetworkGenerator(new StreetNetworkOptions { Seed = 8, Rail = false, BridgeEveryRows = 10_000 })
            .Generate(WalkNetworks.Square());
        var g = WalkNetworks.InMemory(net);
        if (asymmetric)
        {
            // uphill one way, closed the other on some edges: the reverse search must differ from a forward one
            var cost = net.Edges.Select(e => e.LengthM).ToArray();
            var rev = cost.Select((c, i) => i % 7 == 3 ? -1 : i % 3 == 0 ? 1.6 * c : c).ToArray();
            var offsets = new List<int> { 0 };
            var coords = new List<double>();
            foreach (var e in net.Edges)
            {
                coords.AddRange(e.LonLat);
                offsets.Add(coords.Count);
            }
            g = new WalkingGraph(Enumerable.Range(1, cost.Length).Select(i => (long)i).ToArray(), net.Edges.Select(e => e.Source).ToArray(),
                net.Edges.Select(e => e.Target).ToArray(), cost, rev, cost, [.. offsets], [.. coords]);
            Assert.NotSame(g, g.Reversed());
        }
        var rnd = new Random(5);
        var buildings = Enumerable.Range(0, 120).Select(i => new LifeCircleBuilding(i, null, 10, 116.60 + rnd.NextDouble() * 0.02, 39.88 + rnd.NextDouble() * 0.02)).ToList();
        var services = Enumerable.Range(0, 35).Select(i => new LifeCircleService(i, i % 7, 116.60 + rnd.NextDouble() * 0.02, 39.88 + rnd.NextDouble() * 0.02)).ToList();
        // a few services right next to buildings, so that both snap onto the same edge
        services.AddRange(buildings.Take(10).Select((b, i) => new LifeCircleService(100 + i, i % 7, b.Lon + 0.00005, b.Lat + 0.00002)));

        var nearest = LifeCircleAnalysis.NearestByElement(g, buildings, services, Cutoff);

        var finite = 0;
        for (var b = 0; b < buildings.Count; b++)
        {
            var expected = Enumerable.Repeat(double.PositiveInfinity, 7).ToArray();
            if (g.SnapPoint(buildings[b].Lon, buildings[b].Lat, LifeCircleAnalysis.MaxSnapM) is { } origin)
            {
                using var reach = g.Run(g.Seeds(origin), Cutoff);
                foreach (var s in services)
                {
                    if (g.SnapPoint(s.Lon, s.Lat, LifeCircleAnalysis.MaxSnapM) is not { } dest) continue;
                    var c = g.CostTo(reach, origin, dest);
                    if (c <= Cutoff) expected[s.Element] = Math.Min(expected[s.Element], c);
                }
            }
            for (var e = 0; e < 7; e++)
            {
                var ours = nearest[b * 7 + e];
                if (double.IsInfinity(expected[e])) Assert.True(double.IsInfinity(ours), $"building {b} element {e}: {ours} but unreachable");
                else
                {
                    Assert.Equal(expected[e], ours, 6);
                    finite++;
                }
            }
        }
        Assert.InRange(finite, 200, 840); // most pairs reachable, not all: the cutoff bites
    }

    [Fact]
    public void Shares_roll_up_by_population_with_60_plus_from_the_community_share()
    {
        LifeCircleRegion[] regions =
        [
            new(1, "district", "D", "区", null, 200, 70),
            new(2, "subdistrict", "S", "街道", 1, 200, 70),
            new(3, "community", "C1", "一社区", 2, 100, 20),
            new(4, "community", "C2", "二社区", 2, 100, 50),
        ];
        LifeCircleBuilding[] buildings = [new(1, 3, 100, 0, 0), new(2, 3, 300, 0, 0), new(3, 4, 100, 0, 0)];
        var inf = double.PositiveInfinity;
        double[] nearest =
        [
            100, 100, 100, 100, 100, 100, 100, // all seven in 5 minutes
            100, 100, 100, 100, 100, 100, inf, // no health
            600, 600, 600, 600, 600, 600, 600, // all seven in 8 minutes
        ];
        var rows = LifeCircleSummary.Summarise(regions, buildings, nearest, 75, 50).ToDictionary(r => r.RegionId);

        var c1 = rows[3];
        Assert.Equal((400, 80), (c1.Residents, c1.Residents60));
        Assert.Equal(0.25, c1.ShareAll7);
        Assert.Equal(0.25, c1.ShareAll7Elderly);
        Assert.Equal(new ElementShares(0.25, 0.25, 0.25, 0.25), c1.PerElement["health"]);
        Assert.Equal(new ElementShares(1, 1, 1, 1), c1.PerElement["eat"]);
        Assert.Equal([new LifeCircleGap("health", 0.75, 300)], c1.Gaps);

        var c2 = rows[4];
        Assert.Equal(1, c2.ShareAll7);
        Assert.Equal(new ElementShares(0, 1, 1, 1), c2.PerElement["eat"]);
        Assert.Empty(c2.Gaps);

        foreach (var id in new long[] { 1, 2 })
        {
            Assert.Equal(500, rows[id].Residents);
            Assert.Equal(0.4, rows[id].ShareAll7);
            Assert.Equal(Math.Round(70 / 130.0, 4), rows[id].ShareAll7Elderly);
            Assert.Equal(0.8, rows[id].PerElement["eat"].Min5);
            Assert.Equal([new LifeCircleGap("health", 0.6, 300)], rows[id].Gaps);
        }
    }
}
