using Geo.Core.Spatial;
using Geo.Core.Walking;
using Geo.Ingest.Network;
using Geo.Tests.Infrastructure;
using NetTopologySuite.Geometries;

namespace Geo.Tests.Core;

/// <summary>Isochrone outlines without staircase edges (issue 16): the traced cell corners are moved onto the true
/// corridor outline. Checked against an independent buffer of the same reached pieces (NTS, 8 segments a quadrant)
/// in the local metric plane: reached nodes inside, far unreached nodes outside, the outline within metres of the
/// buffer's, and its corners at any angle rather than at multiples of 90°.</summary>
public sealed class IsochroneOutlineTests
{
    private static readonly Polygon Outline = WalkNetworks.Square();

    private static Geometry ToPlane(Geometry lonLat, LocalPlane plane)
    {
        var g = lonLat.Copy();
        g.Apply(new PlaneFilter(plane));
        g.GeometryChanged();
        return g;
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
    [InlineData(3, false)]
    [InlineData(12, true)]
    public void Outlines_follow_the_corridor_buffer_hold_the_reached_nodes_and_have_no_staircase(int seed, bool river)
    {
        const double corridor = 40, cell = 10;
        var g = WalkNetworks.InMemory(new StreetNetworkOptions { Seed = seed, River = river, Rail = !river, BridgeEveryRows = 10_000 }, Outline);
        var builder = new IsochroneBuilder(corridor, cell);
        var rnd = new Random(seed);
        var (checkedOutside, corners, rightAngles) = (0, 0, 0);
        for (var k = 0; k < 3; k++)
        {
            var (lon, lat) = g.NodeLonLat(rnd.Next(g.NodeCount));
            var origin = g.SnapPoint(lon + 0.0002, lat + 0.0001)!.Value;
            using var reach = g.Run(g.Seeds(origin), 1125);
            var bands = builder.BuildBands(reach, origin, [(5, 375), (10, 750), (15, 1125)]);
            var plane = new LocalPlane(origin.PointLon, origin.PointLat);
            for (var b = 0; b < 3; b++)
            {
                var band = bands[b];
                Assert.True(band.Polygon.IsValid, $"start {k} band {b}: invalid");
                var ours = ToPlane(band.Polygon, plane);
                var (lines, _) = IsochronePieces.Collect(reach, origin, band.CutoffM, plane);
                var pieces = IsochronePieces.Plane.CreateMultiLineString([.. lines]);
                var buffer = pieces.Buffer(corridor, 8);
                // the outline lies on the corridor buffer's outline: 95% of our corners within 1.5 m of it (the staircase was
                // up to a half cell diagonal off everywhere); the worst where the raster bridged a notch narrower than a cell
                var ourDistances = Corners(ours).Select(c => buffer.Boundary.Distance(ours.Factory.CreatePoint(c))).Order().ToList();
                Assert.True(ourDistances[(int)(ourDistances.Count * 0.95)] < 1.5, $"start {k} band {b}: p95 {ourDistances[(int)(ourDistances.Count * 0.95)]:F1} m");
                Assert.True(ourDistances[^1] < 1.5 * cell, $"start {k} band {b}: a corner {ourDistances[^1]:F1} m off the buffer's outline");
                // and little lies between the two outlines: the mean gap (symmetric difference over the buffer's outline length) is
                // under a metre. Holes and inlets narrower than a cell are where they differ: topology is decided at cell resolution
                var meanGap = ours.SymmetricDifference(buffer).Area / buffer.Boundary.Length;
                Assert.True(meanGap < 1, $"start {k} band {b}: mean gap {meanGap:F2} m");
                Assert.InRange(ours.Area / buffer.Area, 0.985, 1.015);

                var reached = new HashSet<int>();
                for (var i = 0; i < reach.Count && reach.Cost(i) <= band.CutoffM; i++)
                {
                    reached.Add(reach.Node(i));
                    var (nx, ny) = g.NodeLonLat(reach.Node(i));
                    Assert.True(band.Polygon.Contains(GeoFactory.Point(nx, ny)), $"start {k} band {b}: reached node {g.NodeId(reach.Node(i))} outside");
                }
                // nodes not reached and more than the corridor plus a margin away from every reached piece are outside
                for (var n = 0; n < g.NodeCount; n++)
                {
                    if (reached.Contains(n)) continue;
                    var (nx, ny) = g.NodeLonLat(n);
                    var (px, py) = plane.ToXY(nx, ny);
                    if (pieces.Distance(IsochronePieces.Plane.CreatePoint(new Coordinate(px, py))) <= corridor + 5) continue;
                    Assert.False(band.Polygon.Contains(GeoFactory.Point(nx, ny)), $"start {k} band {b}: unreached node {g.NodeId(n)} inside");
                    checkedOutside++;
                }

                // no staircase: the turning angle at each corner of the outline is rarely a multiple of 90°
                foreach (var ring in Rings(ours))
                {
                    var c = ring.Coordinates;
                    for (var v = 0; v < c.Length - 1; v++)
                    {
                        var (a, p, q) = (c[(v - 1 + c.Length - 1) % (c.Length - 1)], c[v], c[v + 1]);
                        var turn = Math.Abs(Math.Atan2(q.Y - p.Y, q.X - p.X) - Math.Atan2(p.Y - a.Y, p.X - a.X)) * 180 / Math.PI % 90;
                        corners++;
                        if (turn < 1 || turn > 89) rightAngles++;
                    }
                }
            }
        }
        Assert.True(checkedOutside > 100, $"only {checkedOutside} unreached nodes checked");
        Assert.True(corners > 500, $"only {corners} corners");
        Assert.True(rightAngles < corners * 0.1, $"{rightAngles} of {corners} corners turn by a multiple of 90°: a staircase");
    }

    private static IEnumerable<Coordinate> Corners(Geometry g) => Rings(g).SelectMany(r => r.Coordinates.Skip(1));

    private static Geometry WithoutTinyHoles(Geometry g, double minArea)
    {
        var polys = Enumerable.Range(0, g.NumGeometries).Select(i => (Polygon)g.GetGeometryN(i))
            .Select(p => g.Factory.CreatePolygon(p.Shell, [.. p.Holes.Where(h => g.Factory.CreatePolygon(h).Area >= minArea)])).ToArray();
        return polys.Length == 1 ? polys[0] : g.Factory.CreateMultiPolygon(polys);
    }

    private static IEnumerable<LineString> Rings(Geometry g)
    {
        for (var i = 0; i < g.NumGeometries; i++)
        {
            var p = (Polygon)g.GetGeometryN(i);
            yield return p.Shell;
            foreach (var h in p.Holes) yield return h;
        }
    }

    [Fact]
    public void The_former_raster_outline_would_fail_the_staircase_check()
    {
        // the same check on a plain cell trace (a 3-cell L-shape): every corner turns by 90°
        var l = new GeometryFactory().CreatePolygon([new(0, 0), new(30, 0), new(30, 10), new(10, 10), new(10, 30), new(0, 30), new(0, 0)]);
        var c = l.Shell.Coordinates;
        var right = 0;
        for (var v = 0; v < c.Length - 1; v++)
        {
            var (a, p, q) = (c[(v - 1 + c.Length - 1) % (c.Length - 1)], c[v], c[v + 1]);
            var turn = Math.Abs(Math.Atan2(q.Y - p.Y, q.X - p.X) - Math.Atan2(p.Y - a.Y, p.X - a.X)) * 180 / Math.PI % 90;
            if (turn < 1 || turn > 89) right++;
        }
        Assert.Equal(c.Length - 1, right);
    }
}
