using Geo.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Buffer;

namespace Geo.Core.Walking;

/// <summary>A walking speed under a name (adult, elderly, …); minutes become network metres through it.</summary>
public sealed record WalkingProfile(string Name, double SpeedKmh)
{
    public double MetresPerMinute => SpeedKmh * 1000 / 60;
}

public sealed record IsochroneBand(int Minutes, double CutoffM, Geometry Polygon, int ReachedNodes, int Edges);

/// <summary>What a walk covers within a cutoff as planar line pieces: the access leg, the origin's own
/// edge walked both ways from the snap point, every fully reached edge and the reached ends of edges cut
/// by the limit. Both polygon builders (the raster one and the exact buffer-union) start from these.</summary>
public static class IsochronePieces
{
    internal static readonly GeometryFactory Plane = new(new PrecisionModel(), 0);
    private static readonly BufferParameters Corridor = new() { QuadrantSegments = 2, EndCapStyle = NetTopologySuite.Operation.Buffer.EndCapStyle.Round };

    public static (List<LineString> Lines, int Nodes) Collect(Reach reach, Snap origin, double cutoff, LocalPlane plane)
    {
        var g = reach.Graph;
        var lines = new List<LineString>();
        var nodes = 0;
        if (origin.AccessM <= cutoff)
        {
            lines.Add(Segment(plane, [origin.PointLon, origin.PointLat, origin.Lon, origin.Lat], 0, 1));
            // the origin's own edge, walked directly from the snap point in both directions
            var e = origin.Edge;
            var left = cutoff - origin.AccessM;
            var back = g.EdgeReverseCost(e) > 0 ? left / g.EdgeReverseCost(e) : (g.EdgeReverseCost(e) == 0 ? 1 : 0);
            var fwd = g.EdgeCost(e) > 0 ? left / g.EdgeCost(e) : (g.EdgeCost(e) == 0 ? 1 : 0);
            lines.Add(Segment(plane, g.EdgeLonLat(e), Math.Max(0, origin.Fraction - back), Math.Min(1, origin.Fraction + fwd)));
        }
        var mark = reach.NextEdgeMark();
        for (var i = 0; i < reach.Count && reach.Cost(i) <= cutoff; i++)
        {
            nodes++;
            var u = reach.Node(i);
            foreach (var e in g.EdgesOf(u))
            {
                if (!reach.MarkEdge(e, mark)) continue;
                AddReachedPart(lines, plane, reach, e, cutoff);
            }
        }
        return (lines, nodes);
    }

    /// <summary>The exact band: every piece buffered by the corridor and the buffers unioned (cascaded).
    /// Hundreds of milliseconds for a 15-minute band; kept as the reference the raster builder is tested
    /// against.</summary>
    public static IsochroneBand BufferUnion(Reach reach, Snap origin, int minutes, double cutoff, double corridorM)
    {
        var plane = new LocalPlane(origin.PointLon, origin.PointLat);
        var (lines, nodes) = Collect(reach, origin, cutoff, plane);
        Geometry polygon = lines.Count == 0
            ? Plane.CreatePolygon()
            : NetTopologySuite.Operation.Union.CascadedPolygonUnion.Union(lines.Select(l => l.Buffer(corridorM, Corridor)).ToList());
        return new IsochroneBand(minutes, cutoff, ToLonLat(polygon, plane), nodes, lines.Count);
    }

    /// <summary>The parts of edge e reached from its source ([0, a]) and from its target ([1 - b, 1]).</summary>
    private static void AddReachedPart(List<LineString> lines, LocalPlane plane, Reach reach, int e, double cutoff)
    {
        var g = reach.Graph;
        double a = 0, b = 0;
        if (g.EdgeCost(e) >= 0 && reach.TryGetCost(g.EdgeSource(e), out var du) && du <= cutoff)
            a = g.EdgeCost(e) > 0 ? Math.Min(1, (cutoff - du) / g.EdgeCost(e)) : 1;
        if (g.EdgeReverseCost(e) >= 0 && reach.TryGetCost(g.EdgeTarget(e), out var dv) && dv <= cutoff)
            b = g.EdgeReverseCost(e) > 0 ? Math.Min(1, (cutoff - dv) / g.EdgeReverseCost(e)) : 1;
        var pts = g.EdgeLonLat(e);
        if (a + b >= 1)
        {
            lines.Add(Segment(plane, pts, 0, 1));
            return;
        }
        if (a > 0) lines.Add(Segment(plane, pts, 0, a));
        if (b > 0) lines.Add(Segment(plane, pts, 1 - b, 1));
    }

    /// <summary>The part of a lon/lat polyline between two length fractions, in plane coordinates.</summary>
    internal static LineString Segment(LocalPlane plane, ReadOnlySpan<double> lonLat, double f0, double f1)
    {
        var n = lonLat.Length / 2;
        var cum = new double[n];
        var xy = new Coordinate[n];
        for (var i = 0; i < n; i++)
        {
            var (x, y) = plane.ToXY(lonLat[2 * i], lonLat[2 * i + 1]);
            xy[i] = new Coordinate(x, y);
            cum[i] = i == 0 ? 0 : cum[i - 1] + xy[i].Distance(xy[i - 1]);
        }
        var total = cum[n - 1];
        if (f0 <= 0 && f1 >= 1 || total == 0) return Plane.CreateLineString(xy);
        var (s0, s1) = (f0 * total, f1 * total);
        var outPts = new List<Coordinate> { At(s0) };
        for (var i = 1; i < n - 1; i++)
        {
            if (cum[i] > s0 && cum[i] < s1) outPts.Add(xy[i]);
        }
        outPts.Add(At(s1));
        return Plane.CreateLineString([.. outPts]);

        Coordinate At(double s)
        {
            var i = 1;
            while (i < n - 1 && cum[i] < s) i++;
            var seg = cum[i] - cum[i - 1];
            var t = seg > 0 ? Math.Clamp((s - cum[i - 1]) / seg, 0, 1) : 0;
            return new Coordinate(xy[i - 1].X + t * (xy[i].X - xy[i - 1].X), xy[i - 1].Y + t * (xy[i].Y - xy[i - 1].Y));
        }
    }

    internal static Geometry ToLonLat(Geometry planar, LocalPlane plane)
    {
        var g = GeoFactory.Wgs84.CreateGeometry(planar);
        g.Apply(new ToLonLatFilter(plane));
        g.GeometryChanged();
        g.SRID = GeoFactory.Srid;
        return g;
    }

    private sealed class ToLonLatFilter(LocalPlane plane) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var (lon, lat) = plane.ToLonLat(seq.GetX(i), seq.GetY(i));
                seq.SetX(i, lon);
                seq.SetY(i, lat);
            }
        }
    }
}
