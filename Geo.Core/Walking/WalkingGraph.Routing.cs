namespace Geo.Core.Walking;

/// <summary>A stretch of one edge walked from fraction <see cref="F0"/> to <see cref="F1"/> (0 at the source, 1 at the
/// target, by length): F0 &gt; F1 walks it backwards.</summary>
public readonly record struct RoutePiece(int Edge, double F0, double F1);

/// <summary>The cheapest walk between two snapped points: the pieces of edges in walking order (the origin's edge first,
/// the destination's last), the network nodes passed, and the cost (effective metres, access legs included).</summary>
public sealed record RoutePath(Snap From, Snap To, double Cost, IReadOnlyList<RoutePiece> Pieces, IReadOnlyList<int> Nodes);

public sealed partial class WalkingGraph
{
    /// <summary>Point-to-point Dijkstra on the same arcs and costs as <see cref="Run"/> (so pgr_dijkstra on walk_edges
    /// gives the same cost between the same nodes), stopping once no cheaper arrival can exist; null when the
    /// destination is not reachable within <paramref name="maxCost"/>.</summary>
    public RoutePath? ShortestPath(Snap from, Snap to, double maxCost = double.PositiveInfinity)
    {
        if (!_workspaces.TryTake(out var ws)) ws = new DijkstraWorkspace(NodeCount, EdgeCount);
        try
        {
            ws.Begin();
            foreach (var (n, c) in Seeds(from))
            {
                if (c <= maxCost) ws.Improve(n, c, -1);
            }
            var e = to.Edge;
            var best = double.PositiveInfinity;
            var endNode = -1; // -1 with a finite best: along the shared edge without touching a node
            if (from.Edge == e)
            {
                var along = to.Fraction >= from.Fraction ? _edgeCost[e] : _edgeReverseCost[e];
                if (along >= 0) best = from.AccessM + Math.Abs(to.Fraction - from.Fraction) * along;
            }
            while (ws.TryPop(out var u, out var du))
            {
                if (du >= best) break;
                ws.Settle(u, du);
                if (u == _edgeSource[e] && _edgeCost[e] >= 0 && du + to.Fraction * _edgeCost[e] < best)
                    (best, endNode) = (du + to.Fraction * _edgeCost[e], u);
                if (u == _edgeTarget[e] && _edgeReverseCost[e] >= 0 && du + (1 - to.Fraction) * _edgeReverseCost[e] < best)
                    (best, endNode) = (du + (1 - to.Fraction) * _edgeReverseCost[e], u);
                for (var a = _offsets[u]; a < _offsets[u + 1]; a++)
                {
                    var nd = du + _arcCost[a];
                    if (nd <= maxCost && nd < best) ws.Improve(_arcTarget[a], nd, a);
                }
            }
            if (!double.IsFinite(best) || best > maxCost) return null;
            if (endNode < 0) return new RoutePath(from, to, best + to.AccessM, [new RoutePiece(e, from.Fraction, to.Fraction)], []);

            // back from the node where the destination's edge was entered to the seed the walk left from
            var pieces = new List<RoutePiece> { new(e, endNode == _edgeSource[e] ? 0 : 1, to.Fraction) };
            var nodes = new List<int> { endNode };
            var v = endNode;
            while (ws.Pred(v) is var arc and >= 0)
            {
                var edge = _arcEdge[arc];
                var tail = _edgeSource[edge] == v && _edgeTarget[edge] != v ? _edgeTarget[edge] : _edgeSource[edge];
                pieces.Add(tail == _edgeSource[edge] && _edgeTarget[edge] == v ? new RoutePiece(edge, 0, 1) : new RoutePiece(edge, 1, 0));
                nodes.Add(tail);
                v = tail;
            }
            pieces.Add(new RoutePiece(from.Edge, from.Fraction, v == _edgeSource[from.Edge] ? 0 : 1));
            pieces.Reverse();
            nodes.Reverse();
            return new RoutePath(from, to, best + to.AccessM, pieces, nodes);
        }
        finally
        {
            Return(ws);
        }
    }

    /// <summary>Cost of walking a piece (effective metres).</summary>
    public double PieceCost(RoutePiece p) => Math.Abs(p.F1 - p.F0) * (p.F1 >= p.F0 ? _edgeCost[p.Edge] : _edgeReverseCost[p.Edge]);

    /// <summary>Length of a piece in true metres (the edge's length_m times the share walked).</summary>
    public double PieceLength(RoutePiece p) => Math.Abs(p.F1 - p.F0) * _edgeLength[p.Edge];

    /// <summary>The polyline of a piece in walking order, interleaved lon, lat, cut at the fractions by geodesic length
    /// (the measure <see cref="SnapPoint"/> uses).</summary>
    public double[] PieceLonLat(RoutePiece p)
    {
        var pts = EdgeLonLat(p.Edge).ToArray();
        var n = pts.Length / 2;
        var cum = new double[n];
        for (var i = 1; i < n; i++) cum[i] = cum[i - 1] + Geodesy.Distance(pts[2 * i - 2], pts[2 * i - 1], pts[2 * i], pts[2 * i + 1]);
        var total = cum[^1];
        (double, double) At(double f)
        {
            var d = f * total;
            var i = 1;
            while (i < n - 1 && cum[i] < d) i++;
            var seg = cum[i] - cum[i - 1];
            var t = seg > 0 ? Math.Clamp((d - cum[i - 1]) / seg, 0, 1) : 0;
            return (pts[2 * i - 2] + t * (pts[2 * i] - pts[2 * i - 2]), pts[2 * i - 1] + t * (pts[2 * i + 1] - pts[2 * i - 1]));
        }
        double lo = Math.Min(p.F0, p.F1), hi = Math.Max(p.F0, p.F1);
        var line = new List<double>();
        var (x0, y0) = At(lo);
        line.Add(x0); line.Add(y0);
        for (var i = 1; i < n - 1; i++)
        {
            if (total <= 0 || cum[i] / total <= lo || cum[i] / total >= hi) continue;
            line.Add(pts[2 * i]); line.Add(pts[2 * i + 1]);
        }
        var (x1, y1) = At(hi);
        line.Add(x1); line.Add(y1);
        if (p.F1 < p.F0)
        {
            var rev = new double[line.Count];
            for (var i = 0; i < line.Count; i += 2) (rev[line.Count - 2 - i], rev[line.Count - 1 - i]) = (line[i], line[i + 1]);
            return rev;
        }
        return [.. line];
    }
}
