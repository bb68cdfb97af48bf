namespace Geo.Core.Walking;

/// <summary>Where a point attaches to the network: the nearest edge, the position along it (0 at the
/// source, 1 at the target, by length) and the straight access leg from the point.</summary>
public readonly record struct Snap(int Edge, double Fraction, double AccessM, double Lon, double Lat, double PointLon, double PointLat);

public sealed partial class WalkingGraph
{
    private readonly EdgeGrid _grid;

    /// <summary>The nearest edge within <paramref name="maxDistanceM"/> of (lon, lat), or null.</summary>
    public Snap? SnapPoint(double lon, double lat, double maxDistanceM = 1000) => _grid.Nearest(lon, lat, maxDistanceM);

    /// <summary>Dijkstra seeds for a snapped origin: both ends of its edge, each at access leg plus the
    /// share of the edge walked to reach it (a closed direction, cost &lt; 0, gives no seed).</summary>
    public (int Node, double Cost)[] Seeds(Snap s)
    {
        var seeds = new List<(int, double)>(2);
        if (_edgeReverseCost[s.Edge] >= 0) seeds.Add((_edgeSource[s.Edge], s.AccessM + s.Fraction * _edgeReverseCost[s.Edge]));
        if (_edgeCost[s.Edge] >= 0) seeds.Add((_edgeTarget[s.Edge], s.AccessM + (1 - s.Fraction) * _edgeCost[s.Edge]));
        return [.. seeds];
    }

    /// <summary>Walking cost from the origin of <paramref name="reach"/> (snapped at <paramref name="origin"/>)
    /// to a snapped destination, access legs included; +∞ when not reached.</summary>
    public double CostTo(Reach reach, Snap origin, Snap dest)
    {
        var e = dest.Edge;
        var best = double.PositiveInfinity;
        if (_edgeCost[e] >= 0 && reach.TryGetCost(_edgeSource[e], out var du)) best = Math.Min(best, du + dest.Fraction * _edgeCost[e]);
        if (_edgeReverseCost[e] >= 0 && reach.TryGetCost(_edgeTarget[e], out var dv)) best = Math.Min(best, dv + (1 - dest.Fraction) * _edgeReverseCost[e]);
        if (origin.Edge == e)
        {
            var along = dest.Fraction >= origin.Fraction ? _edgeCost[e] : _edgeReverseCost[e];
            if (along >= 0) best = Math.Min(best, origin.AccessM + Math.Abs(dest.Fraction - origin.Fraction) * along);
        }
        return best + dest.AccessM;
    }

    /// <summary>A uniform grid of edge ids by bounding box in a plane over the whole graph: nearest-edge
    /// search looks at rings of cells until no closer edge can exist. Two int arrays, no tree of objects.</summary>
    private sealed class EdgeGrid
    {
        private const double CellM = 200;
        private readonly WalkingGraph _g;
        private readonly LocalPlane _plane;
        private readonly double _minX, _minY;
        private readonly int _cols, _rows;
        private readonly int[] _cellOffsets = [];
        private readonly int[] _cellEdges = [];

        public long MemoryBytes => (_cellOffsets.Length + _cellEdges.Length) * 4L;

        public EdgeGrid(WalkingGraph g)
        {
            _g = g;
            if (g.EdgeCount == 0) return;
            double minLon = double.MaxValue, minLat = double.MaxValue, maxLon = double.MinValue, maxLat = double.MinValue;
            for (var i = 0; i < g._lonLat.Length; i += 2)
            {
                minLon = Math.Min(minLon, g._lonLat[i]); maxLon = Math.Max(maxLon, g._lonLat[i]);
                minLat = Math.Min(minLat, g._lonLat[i + 1]); maxLat = Math.Max(maxLat, g._lonLat[i + 1]);
            }
            _plane = new LocalPlane((minLon + maxLon) / 2, (minLat + maxLat) / 2);
            (_minX, _minY) = _plane.ToXY(minLon, minLat);
            var (maxX, maxY) = _plane.ToXY(maxLon, maxLat);
            _cols = (int)((maxX - _minX) / CellM) + 1;
            _rows = (int)((maxY - _minY) / CellM) + 1;
            _cellOffsets = new int[_cols * _rows + 1];
            // two passes (count, fill) over each edge's cell range
            for (var pass = 0; pass < 2; pass++)
            {
                var fill = pass == 1 ? (int[])_cellOffsets.Clone() : null;
                for (var e = 0; e < g.EdgeCount; e++)
                {
                    var (c0, r0, c1, r1) = CellRange(e);
                    for (var r = r0; r <= r1; r++)
                    {
                        for (var c = c0; c <= c1; c++)
                        {
                            if (fill is null) _cellOffsets[r * _cols + c + 1]++;
                            else _cellEdges[fill[r * _cols + c]++] = e;
                        }
                    }
                }
                if (pass == 0)
                {
                    for (var k = 0; k < _cols * _rows; k++) _cellOffsets[k + 1] += _cellOffsets[k];
                    _cellEdges = new int[_cellOffsets[^1]];
                }
            }
        }

        private (int, int, int, int) CellRange(int e)
        {
            var pts = _g.EdgeLonLat(e);
            double x0 = double.MaxValue, y0 = double.MaxValue, x1 = double.MinValue, y1 = double.MinValue;
            for (var i = 0; i < pts.Length; i += 2)
            {
                var (x, y) = _plane.ToXY(pts[i], pts[i + 1]);
                x0 = Math.Min(x0, x); x1 = Math.Max(x1, x); y0 = Math.Min(y0, y); y1 = Math.Max(y1, y);
            }
            return (Col(x0), Row(y0), Col(x1), Row(y1));
        }

        private int Col(double x) => Math.Clamp((int)((x - _minX) / CellM), 0, _cols - 1);
        private int Row(double y) => Math.Clamp((int)((y - _minY) / CellM), 0, _rows - 1);

        public Snap? Nearest(double lon, double lat, double maxM)
        {
            if (_g.EdgeCount == 0) return null;
            var (px, py) = _plane.ToXY(lon, lat);
            int pc = (int)Math.Floor((px - _minX) / CellM), pr = (int)Math.Floor((py - _minY) / CellM);
            var best = double.MaxValue;
            int bestEdge = -1, bestSeg = 0;
            double bestT = 0;
            var maxRing = (int)(maxM / CellM) + 2;
            for (var ring = 0; ring <= maxRing; ring++)
            {
                // every cell in ring k is at least (k-1) cells away from the point
                if (bestEdge >= 0 && best <= (ring - 1) * CellM) break;
                for (var r = pr - ring; r <= pr + ring; r++)
                {
                    for (var c = pc - ring; c <= pc + ring; c++)
                    {
                        if (Math.Max(Math.Abs(r - pr), Math.Abs(c - pc)) != ring || r < 0 || c < 0 || r >= _rows || c >= _cols) continue;
                        var cell = r * _cols + c;
                        for (var k = _cellOffsets[cell]; k < _cellOffsets[cell + 1]; k++)
                        {
                            var e = _cellEdges[k];
                            var pts = _g.EdgeLonLat(e);
                            for (var i = 2; i < pts.Length; i += 2)
                            {
                                var (ax, ay) = _plane.ToXY(pts[i - 2], pts[i - 1]);
                                var (bx, by) = _plane.ToXY(pts[i], pts[i + 1]);
                                var (d, t) = SegmentDistance(px, py, ax, ay, bx, by);
                                if (d < best) (best, bestEdge, bestSeg, bestT) = (d, e, i / 2 - 1, t);
                            }
                        }
                    }
                }
            }
            if (bestEdge < 0 || best > maxM) return null;
            return Locate(bestEdge, bestSeg, bestT, lon, lat);
        }

        /// <summary>Turns (segment, t) into a point and a length fraction measured geodesically, and the access leg.</summary>
        private Snap Locate(int e, int seg, double t, double lon, double lat)
        {
            var pts = _g.EdgeLonLat(e);
            double before = 0, total = Geodesy.Length(pts);
            for (var i = 0; i < seg; i++) before += Geodesy.Distance(pts[2 * i], pts[2 * i + 1], pts[2 * i + 2], pts[2 * i + 3]);
            var (alon, alat, blon, blat) = (pts[2 * seg], pts[2 * seg + 1], pts[2 * seg + 2], pts[2 * seg + 3]);
            var (slon, slat) = (alon + t * (blon - alon), alat + t * (blat - alat));
            before += Geodesy.Distance(alon, alat, slon, slat);
            var fraction = total > 0 ? Math.Clamp(before / total, 0, 1) : 0;
            return new Snap(e, fraction, Geodesy.Distance(lon, lat, slon, slat), slon, slat, lon, lat);
        }

        private static (double D, double T) SegmentDistance(double px, double py, double ax, double ay, double bx, double by)
        {
            var (dx, dy) = (bx - ax, by - ay);
            var l2 = dx * dx + dy * dy;
            var t = l2 > 0 ? Math.Clamp(((px - ax) * dx + (py - ay) * dy) / l2, 0, 1) : 0;
            var (qx, qy) = (ax + t * dx - px, ay + t * dy - py);
            return (Math.Sqrt(qx * qx + qy * qy), t);
        }
    }
}
