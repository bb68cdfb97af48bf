using Geo.Core.Spatial;
using Geo.Core.Walking;
using Geo.Ingest.Network;
using Geo.Tests.Infrastructure;
using NetTopologySuite.Geometries;

namespace Geo.Tests.Core;

/// <summary>The raster isochrone builder against the exact buffer-union on generated networks (in memory).</summary>
public sealed class IsochroneRasterTests
{
    private static readonly Polygon Outline = WalkNetworks.Square();

    private static Geometry ToPlane(Geometry lonLat, LocalPlane plane)
    {
        var g = lonLat.Copy();
        g.Apply(new PlaneFilter(plane));
        g.GeometryChanged();
        return g;
    }

    private static double AreaM2(Geometry lonLat, LocalPlane plane)
    {
        var g = lonLat.Copy();
        g.Apply(new PlaneFilter(plane));
        g.GeometryChanged();
        return g.Area;
    }

    private sealed class PlaneFilter(LocalPlane plane) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var (x, y) = plane.ToXY(seq.GetX(i), seq.GetY(i));
                seq.SetX(i, x);
                seq.SetY(i, y);
            }
        }
    }

    [Theory]
    [InlineData(7, false)]
    [InlineData(8, true)]
    public void Bands_are_valid_nested_hold_every_reached_node_and_match_the_exact_area(int seed, bool river)
    {
        var g = WalkNetworks.InMemory(new StreetNetworkOptions { Seed = seed, River = river, Rail = !river, BridgeEveryRows = 10_000 }, Outline);
        var builder = new IsochroneBuilder(corridorM: 40, cellM: 10);
        var rnd = new Random(seed);
        for (var k = 0; k < 3; k++)
        {
            var (lon, lat) = g.NodeLonLat(rnd.Next(g.NodeCount));
            var origin = g.SnapPoint(lon + 0.0002, lat + 0.0001)!.Value;
            using var reach = g.Run(g.Seeds(origin), 1125);
            var bands = builder.BuildBands(reach, origin, [(5, 375), (10, 750), (15, 1125)]);
            var plane = new LocalPlane(origin.PointLon, origin.PointLat);
            for (var b = 0; b < 3; b++)
            {
                var poly = bands[b].Polygon;
                Assert.True(poly.IsValid, $"start {k} band {b}: invalid");
                Assert.Equal(4326, poly.SRID);
                // every reached node lies well inside (40 m corridor minus half a cell diagonal > 30 m)
                for (var i = 0; i < reach.Count && reach.Cost(i) <= bands[b].CutoffM; i++)
                {
                    var (nx, ny) = g.NodeLonLat(reach.Node(i));
                    Assert.True(poly.Contains(GeoFactory.Point(nx, ny)), $"start {k} band {b}: node {g.NodeId(reach.Node(i))} outside");
                }
                // nested (up to the clipping overlay's rounding: a millimetre of tolerance) (issue 16)
                if (b > 0) Assert.True(ToPlane(poly, plane).Buffer(0.001).Covers(ToPlane(bands[b - 1].Polygon, plane)),
                    $"start {k}: band {b} does not cover band {b - 1}: {AreaM2(bands[b - 1].Polygon.Difference(poly), plane):F2} m² outside");
                var exact = IsochronePieces.BufferUnion(reach, origin, bands[b].Minutes, bands[b].CutoffM, 40);
                var (ours, theirs) = (AreaM2(poly, plane), AreaM2(exact.Polygon, plane));
                Assert.InRange(ours / theirs, 0.96, 1.04);
            }
        }
    }

    [Fact]
    public void A_single_street_gives_one_hole_free_capsule_cut_at_the_limit()
    {
        double[] lonLat = [116.60, 39.90, 116.6117, 39.90];
        var length = Geodesy.Length(lonLat);
        var g = new WalkingGraph([1], [1], [2], [length], [length], [length], [0, 4], lonLat);
        var origin = g.SnapPoint(116.60, 39.90)!.Value;
        using var reach = g.Run(g.Seeds(origin), 600);
        var band = new IsochroneBuilder(corridorM: 20, cellM: 5).Build(reach, origin, 4, 600);
        var poly = Assert.IsType<Polygon>(band.Polygon);
        Assert.Empty(poly.Holes);
        Assert.True(poly.Contains(GeoFactory.Point(116.6066, 39.90)));  // ~566 m
        Assert.False(poly.Contains(GeoFactory.Point(116.6080, 39.90))); // ~685 m
        Assert.False(poly.Contains(GeoFactory.Point(116.603, 39.9004))); // 44 m off the street
    }
}
