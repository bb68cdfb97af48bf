using Geo.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Geo.Core.Walking;

/// <summary>Isochrone polygons from what a walk actually covers (the reached edge pieces, see
/// <see cref="IsochronePieces"/>), widened by a walking corridor. Unlike a convex hull this leaves the far
/// bank of a river out when no crossing is within reach.
///
/// Why a raster: buffering and unioning hundreds of pieces took ~850 ms a response. Here every piece marks
/// the cells of a metric grid whose centre lies within the corridor, and the cell outline is traced into
/// rings (shells and holes). A cell-sized error (≤ cell·√2/2) is far below what a corridor width means,
/// and the whole thing is a few milliseconds. All bands share one grid holding, per cell, the smallest
/// band that covers it, so band k is {level ≤ k} and the bands nest by construction.
///
/// No staircase: cell corners alone give 90° steps that show at street zoom. Every traced corner is
/// moved onto the true corridor outline, the point at exactly the corridor's distance from its nearest reached
/// piece along the line from that piece (an index of the pieces' segments answers "nearest"), then near-collinear
/// corners are dropped. The outline then follows the round ends and the diagonal streets of the buffer at a
/// corner every cell, while the raster still decides topology (which pieces merge, where holes are). Where two
/// bands' outlines run together their corners are refined against different pieces and may cross slightly: the
/// smaller band is then clipped to the larger (nested up to the overlay's rounding, far below a millimetre).</summary>
public sealed class IsochroneBuilder(double corridorM = 40, double cellM = 10)
{
    private const byte None = byte.MaxValue;


    public double CorridorM => corridorM;
    public double CellM => cellM;

    public IsochroneBand Build(Reach reach, Snap origin, int minutes, double cutoff) => BuildBands(reach, origin, [(minutes, cutoff)])[0];

    /// <summary>One polygon per band, in the order given; each band contains every smaller one.</summary>
    public IsochroneBand[] BuildBands(Reach reach, Snap origin, IReadOnlyList<(int Minutes, double Cutoff)> bands)
    {
        var order = Enumerable.Range(0, bands.Count).OrderBy(i => bands[i].Cutoff).ToArray();
        var plane = new LocalPlane(origin.PointLon, origin.PointLat);
        var pieces = new (List<LineString> Lines, int Nodes)[bands.Count];
        var env = new Envelope();
        foreach (var i in order)
        {
            pieces[i] = IsochronePieces.Collect(reach, origin, bands[i].Cutoff, plane);
            foreach (var l in pieces[i].Lines) env.ExpandToInclude(l.EnvelopeInternal);
        }
        var result = new IsochroneBand[bands.Count];
        if (env.IsNull)
        {
            for (var i = 0; i < bands.Count; i++) result[i] = new IsochroneBand(bands[i].Minutes, bands[i].Cutoff, Empty(), 0, 0);
            return result;
        }

        var margin = corridorM + 3 * cellM;
        var grid = new CellGrid(env.MinX - margin, env.MinY - margin,
            (int)Math.Ceiling((env.Width + 2 * margin) / cellM), (int)Math.Ceiling((env.Height + 2 * margin) / cellM), cellM);
        for (var k = order.Length - 1; k >= 0; k--)
        {
            foreach (var line in pieces[order[k]].Lines) grid.Mark(line.CoordinateSequence, corridorM, (byte)k);
        }

        bool[]? larger = null;
        for (var k = order.Length - 1; k >= 0; k--)
        {
            var mask = grid.Mask((byte)k);
            grid.FillSaddles(mask, larger);
            var i = order[k];
            var outline = grid.Trace(mask, plane, new SegmentIndex(pieces[i].Lines, corridorM + 2 * cellM), corridorM);
            result[i] = new IsochroneBand(bands[i].Minutes, bands[i].Cutoff, outline, pieces[i].Nodes, pieces[i].Lines.Count);
            larger = mask;
        }
        // refined outlines that run together may cross by a fraction of a metre: clip each band to the next larger one
        // (largest first), only where a prepared Covers finds it sticking out
        for (var k = order.Length - 2; k >= 0; k--)
        {
            var (small, big) = (result[order[k]], result[order[k + 1]]);
            if (small.Polygon.IsEmpty || big.Polygon.IsEmpty) continue;
            if (NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(big.Polygon).Covers(small.Polygon)) continue;
            var clipped = small.Polygon.Intersection(big.Polygon);
            clipped.SRID = GeoFactory.Srid;
            result[order[k]] = small with { Polygon = clipped };
        }
        return result;
    }

    private static Geometry Empty()
    {
        var p = GeoFactory.Wgs84.CreatePolygon();
        p.SRID = GeoFactory.Srid;
        return p;
    }

    /// <summary>Cells (i, j) cover [x0 + i·c, x0 + (i+1)·c] × [y0 + j·c, …]; vertex (i, j) is the south-west
    /// corner of cell (i, j).</summary>
    private sealed class CellGrid
    {
        private readonly double _x0, _y0, _c;
        private readonly int _cols, _rows;
        private readonly byte[] _level;

        public CellGrid(double x0, double y0, int cols, int rows, double cell)
        {
            (_x0, _y0, _cols, _rows, _c) = (x0, y0, cols, rows, cell);
            _level = new byte[cols * rows];
            Array.Fill(_level, None);
        }

        /// <summary>Lowers to <paramref name="band"/> the level of every cell whose centre is within r of the polyline.</summary>
        public void Mark(CoordinateSequence seq, double r, byte band)
        {
            var r2 = r * r;
            // a one-point piece (degenerate access leg) still marks a disk
            for (var s = 0; s == 0 || s + 1 < seq.Count; s++)
            {
                var (ax, ay) = (seq.GetX(s), seq.GetY(s));
                var (bx, by) = s + 1 < seq.Count ? (seq.GetX(s + 1), seq.GetY(s + 1)) : (ax, ay);
                var (dx, dy) = (bx - ax, by - ay);
                var l2 = dx * dx + dy * dy;
                int i0 = Col(Math.Min(ax, bx) - r), i1 = Col(Math.Max(ax, bx) + r);
                int j0 = Row(Math.Min(ay, by) - r), j1 = Row(Math.Max(ay, by) + r);
                for (var j = j0; j <= j1; j++)
                {
                    var cy = _y0 + (j + 0.5) * _c;
                    var row = j * _cols;
                    for (var i = i0; i <= i1; i++)
                    {
                        if (_level[row + i] <= band) continue;
                        var cx = _x0 + (i + 0.5) * _c;
                        var t = l2 > 0 ? Math.Clamp(((cx - ax) * dx + (cy - ay) * dy) / l2, 0, 1) : 0;
                        var (qx, qy) = (ax + t * dx - cx, ay + t * dy - cy);
                        if (qx * qx + qy * qy <= r2) _level[row + i] = band;
                    }
                }
            }
        }

        private int Col(double x) => Math.Clamp((int)Math.Floor((x - _x0) / _c), 0, _cols - 1);
        private int Row(double y) => Math.Clamp((int)Math.Floor((y - _y0) / _c), 0, _rows - 1);

        public bool[] Mask(byte band)
        {
            var m = new bool[_level.Length];
            for (var k = 0; k < m.Length; k++) m[k] = _level[k] <= band;
            return m;
        }

        /// <summary>Removes diagonal-only contacts (a 2×2 block with inside cells on one diagonal only) by filling
        /// one outside cell of the block, preferring a cell of the next larger band so nesting survives. Without
        /// such saddles every grid vertex has at most one outgoing boundary edge: tracing is unambiguous and
        /// rings neither touch themselves nor each other, which keeps the polygons valid.</summary>
        public void FillSaddles(bool[] m, bool[]? larger)
        {
            bool changed;
            do
            {
                changed = false;
                for (var j = 0; j + 1 < _rows; j++)
                {
                    for (var i = 0; i + 1 < _cols; i++)
                    {
                        int a = j * _cols + i, b = a + 1, c = a + _cols, d = c + 1;
                        int o1, o2;
                        if (m[a] && m[d] && !m[b] && !m[c]) (o1, o2) = (b, c);
                        else if (m[b] && m[c] && !m[a] && !m[d]) (o1, o2) = (a, d);
                        else continue;
                        m[larger is null || larger[o1] ? o1 : o2] = true;
                        changed = true;
                    }
                }
            } while (changed);
        }

        public Geometry Trace(bool[] m, LocalPlane plane, SegmentIndex? pieces = null, double corridor = 0)
        {
            var vcols = _cols + 1;
            var next = new int[vcols * (_rows + 1)];
            Array.Fill(next, -1);
            bool In(int i, int j) => i >= 0 && j >= 0 && i < _cols && j < _rows && m[j * _cols + i];
            for (var j = 0; j < _rows; j++)
            {
                for (var i = 0; i < _cols; i++)
                {
                    if (!m[j * _cols + i]) continue;
                    // directed with the inside on the left: shells come out counter-clockwise, holes clockwise
                    if (!In(i, j - 1)) next[j * vcols + i] = j * vcols + i + 1;
                    if (!In(i + 1, j)) next[j * vcols + i + 1] = (j + 1) * vcols + i + 1;
                    if (!In(i, j + 1)) next[(j + 1) * vcols + i + 1] = (j + 1) * vcols + i;
                    if (!In(i - 1, j)) next[(j + 1) * vcols + i] = j * vcols + i;
                }
            }
            var shells = new List<(List<(int I, int J)> Ring, double Area)>();
            var holes = new List<List<(int I, int J)>>();
            for (var v0 = 0; v0 < next.Length; v0++)
            {
                if (next[v0] < 0) continue;
                var ring = new List<(int I, int J)>();
                var v = v0;
                var prevDir = -1;
                do
                {
                    var w = next[v];
                    next[v] = -1;
                    var dir = w - v; // ±1 or ±vcols: the direction of travel
                    // refined outlines need every corner (each becomes a point of the round outline)
                    if (dir != prevDir || pieces is not null) ring.Add((v % vcols, v / vcols));
                    prevDir = dir;
                    v = w;
                } while (v != v0);
                // the start vertex may sit mid-way along a straight run: drop it then
                if (pieces is null && ring.Count > 4 && Collinear(ring[^1], ring[0], ring[1])) ring.RemoveAt(0);
                var area = SignedArea(ring);
                if (area > 0) shells.Add((ring, area));
                else holes.Add(ring);
            }

            var holesOf = shells.Select(_ => new List<LinearRing>()).ToArray();
            foreach (var hole in holes)
            {
                var (px, py) = (hole[0].I + 0.25, hole[0].J + 0.25);
                var best = -1;
                for (var s = 0; s < shells.Count; s++)
                {
                    if ((best < 0 || shells[s].Area < shells[best].Area) && Inside(shells[s].Ring, px, py)) best = s;
                }
                if (best >= 0 && ToRing(hole, plane, pieces, corridor) is { } h) holesOf[best].Add(h);
            }
            var polygons = shells.Select((s, k) => (Shell: ToRing(s.Ring, plane, pieces, corridor), k)).Where(s => s.Shell is not null)
                .Select(s => GeoFactory.Wgs84.CreatePolygon(s.Shell, [.. holesOf[s.k]])).ToArray();
            Geometry g = polygons.Length == 1 ? polygons[0] : GeoFactory.Wgs84.CreateMultiPolygon(polygons);
            // moved corners of two rings a cell apart can touch or overlap; the fixer merges them (rare, and cheap then)
            if (pieces is not null && !g.IsValid) g = NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(g);
            g.SRID = GeoFactory.Srid;
            return g;
        }

        private static bool Collinear((int I, int J) a, (int I, int J) b, (int I, int J) c) =>
            (b.I - a.I) * (c.J - b.J) - (b.J - a.J) * (c.I - b.I) == 0;

        private static double SignedArea(List<(int I, int J)> r)
        {
            double sum = 0;
            for (var k = 0; k < r.Count; k++)
            {
                var (a, b) = (r[k], r[(k + 1) % r.Count]);
                sum += (double)a.I * b.J - (double)b.I * a.J;
            }
            return sum / 2;
        }

        private static bool Inside(List<(int I, int J)> r, double x, double y)
        {
            var inside = false;
            for (int k = 0, l = r.Count - 1; k < r.Count; l = k++)
            {
                var (a, b) = (r[k], r[l]);
                if ((a.J > y) != (b.J > y) && x < (b.I - a.I) * (y - a.J) / (double)(b.J - a.J) + a.I) inside = !inside;
            }
            return inside;
        }

        private LinearRing? ToRing(List<(int I, int J)> r, LocalPlane plane, SegmentIndex? pieces = null, double corridor = 0)
        {
            var xy = new List<(double X, double Y)>(r.Count);
            foreach (var (i, j) in r)
            {
                var (x, y) = (_x0 + i * _c, _y0 + j * _c);
                // onto the corridor outline, along the line from the nearest piece point; where two corridors meet (a
                // concave corner) the point then lies nearer the other piece, and a few more steps walk it out to the cusp
                for (var step = 0; pieces is not null && step < 4 && pieces.Nearest(x, y) is { D: > 1e-6 } n && Math.Abs(n.D - corridor) > 0.05; step++)
                {
                    var f = corridor / n.D;
                    (x, y) = (n.X + (x - n.X) * f, n.Y + (y - n.Y) * f);
                }
                xy.Add((x, y));
            }
            if (pieces is not null) xy = DropNearlyStraight(xy, 0.25);
            if (xy.Count < 3) return null;
            var coords = new Coordinate[xy.Count + 1];
            for (var k = 0; k < xy.Count; k++)
            {
                var (lon, lat) = plane.ToLonLat(xy[k].X, xy[k].Y);
                coords[k] = new Coordinate(lon, lat);
            }
            coords[^1] = coords[0].Copy();
            return GeoFactory.Wgs84.CreateLinearRing(coords);
        }

        /// <summary>Douglas–Peucker at <paramref name="tolM"/>: straight stretches along a street need two points, not
        /// one per cell, while round ends keep theirs.</summary>
        private static List<(double X, double Y)> DropNearlyStraight(List<(double X, double Y)> p, double tolM)
        {
            if (p.Count <= 4) return p;
            var closed = p.Select(q => new Coordinate(q.X, q.Y)).Append(new Coordinate(p[0].X, p[0].Y)).ToArray();
            var kept = NetTopologySuite.Simplify.DouglasPeuckerLineSimplifier.Simplify(closed, tolM);
            return kept.Length >= 4 ? [.. kept.Take(kept.Length - 1).Select(c => (c.X, c.Y))] : p;
        }
    }

    /// <summary>The segments of the reached pieces in a uniform bucket grid, for "nearest point on any piece" from a
    /// traced corner (which lies within the corridor plus a cell of some piece, hence the bucket size).</summary>
    internal sealed class SegmentIndex
    {
        private readonly List<(double Ax, double Ay, double Bx, double By)> _segs = [];
        private readonly Dictionary<(int, int), List<int>> _buckets = [];
        private readonly double _size;

        public SegmentIndex(IEnumerable<LineString> lines, double bucketM)
        {
            _size = bucketM;
            foreach (var line in lines)
            {
                var seq = line.CoordinateSequence;
                for (var s = 0; s == 0 || s + 1 < seq.Count; s++)
                {
                    var (ax, ay) = (seq.GetX(s), seq.GetY(s));
                    var (bx, by) = s + 1 < seq.Count ? (seq.GetX(s + 1), seq.GetY(s + 1)) : (ax, ay);
                    var id = _segs.Count;
                    _segs.Add((ax, ay, bx, by));
                    for (var i = Key(Math.Min(ax, bx)); i <= Key(Math.Max(ax, bx)); i++)
                        for (var j = Key(Math.Min(ay, by)); j <= Key(Math.Max(ay, by)); j++)
                        {
                            if (!_buckets.TryGetValue((i, j), out var list)) _buckets[(i, j)] = list = [];
                            list.Add(id);
                        }
                }
            }
        }

        private int Key(double v) => (int)Math.Floor(v / _size);

        /// <summary>The nearest point of any segment within about one bucket, and its distance; null when none is that close.</summary>
        public (double X, double Y, double D)? Nearest(double x, double y)
        {
            var (bi, bj) = (Key(x), Key(y));
            (double X, double Y, double D)? best = null;
            for (var i = bi - 1; i <= bi + 1; i++)
                for (var j = bj - 1; j <= bj + 1; j++)
                {
                    if (!_buckets.TryGetValue((i, j), out var list)) continue;
                    foreach (var id in list)
                    {
                        var (ax, ay, bx, by) = _segs[id];
                        var (dx, dy) = (bx - ax, by - ay);
                        var l2 = dx * dx + dy * dy;
                        var t = l2 > 0 ? Math.Clamp(((x - ax) * dx + (y - ay) * dy) / l2, 0, 1) : 0;
                        var (qx, qy) = (ax + t * dx, ay + t * dy);
                        var d = Math.Sqrt((qx - x) * (qx - x) + (qy - y) * (qy - y));
                        if (best is null || d < best.Value.D) best = (qx, qy, d);
                    }
                }
            return best;
        }
    }
}
