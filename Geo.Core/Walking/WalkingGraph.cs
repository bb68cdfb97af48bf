using System.Collections.Concurrent;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Geo.Core.Walking;

/// <summary>The walking network in memory as flat arrays (compressed sparse rows): no object per node or
/// edge, so 250,000 edges fit in a few tens of megabytes and Dijkstra walks contiguous memory. Costs are
/// effective walking metres, the same numbers pgr_drivingDistance sees in walk_edges.cost/reverse_cost.</summary>
public sealed partial class WalkingGraph
{
    // nodes: dense index 0..N-1 ↔ database id
    private readonly long[] _nodeIds;
    private readonly Dictionary<long, int> _nodeIndex;

    // adjacency (CSR): arcs of node u are [_offsets[u], _offsets[u+1]); each arc knows its edge
    private readonly int[] _offsets;
    private readonly int[] _arcTarget;
    private readonly double[] _arcCost;
    private readonly int[] _arcEdge;

    // edges: endpoints, costs and the polyline (interleaved lon, lat in _lonLat[_geomOffsets[e].._geomOffsets[e+1]])
    private readonly long[] _edgeIds;
    private readonly int[] _edgeSource, _edgeTarget;
    private readonly double[] _edgeCost, _edgeReverseCost, _edgeLength;
    private readonly int[] _geomOffsets;
    private readonly double[] _lonLat;
    // street names per edge (null where unnamed; one string instance per name), or null for a network without names
    private readonly string?[]? _edgeName;

    private readonly ConcurrentBag<DijkstraWorkspace> _workspaces = [];

    public int NodeCount => _nodeIds.Length;
    public int EdgeCount => _edgeIds.Length;
    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;

    /// <param name="lonLat">all polylines back to back, interleaved lon, lat</param>
    /// <param name="geomOffsets">E+1 offsets into <paramref name="lonLat"/> (in doubles)</param>
    /// <param name="names">each edge's street name (null entries where unnamed), or null for none</param>
    public WalkingGraph(long[] edgeIds, long[] sources, long[] targets, double[] cost, double[] reverseCost, double[] lengthM, int[] geomOffsets, double[] lonLat,
        string?[]? names = null)
    {
        var e = edgeIds.Length;
        _edgeIds = edgeIds;
        _edgeCost = cost;
        _edgeReverseCost = reverseCost;
        _edgeLength = lengthM;
        _geomOffsets = geomOffsets;
        _lonLat = lonLat;
        _edgeName = names;
        _nodeIndex = new Dictionary<long, int>();
        var ids = new List<long>();
        _edgeSource = new int[e];
        _edgeTarget = new int[e];
        int Index(long id)
        {
            if (!_nodeIndex.TryGetValue(id, out var i))
            {
                _nodeIndex[id] = i = ids.Count;
                ids.Add(id);
            }
            return i;
        }
        for (var k = 0; k < e; k++)
        {
            _edgeSource[k] = Index(sources[k]);
            _edgeTarget[k] = Index(targets[k]);
        }
        _nodeIds = ids.ToArray();

        // Counting sort of arcs by tail node: forward arcs where cost >= 0, backward where reverse_cost >= 0
        // (pgRouting's convention for a closed direction).
        _offsets = new int[_nodeIds.Length + 1];
        for (var k = 0; k < e; k++)
        {
            if (cost[k] >= 0) _offsets[_edgeSource[k] + 1]++;
            if (reverseCost[k] >= 0) _offsets[_edgeTarget[k] + 1]++;
        }
        for (var n = 0; n < _nodeIds.Length; n++) _offsets[n + 1] += _offsets[n];
        var arcs = _offsets[^1];
        _arcTarget = new int[arcs];
        _arcCost = new double[arcs];
        _arcEdge = new int[arcs];
        var fill = (int[])_offsets.Clone();
        for (var k = 0; k < e; k++)
        {
            if (cost[k] >= 0) AddArc(_edgeSource[k], _edgeTarget[k], cost[k], k);
            if (reverseCost[k] >= 0) AddArc(_edgeTarget[k], _edgeSource[k], reverseCost[k], k);
        }
        void AddArc(int from, int to, double c, int edge)
        {
            var a = fill[from]++;
            _arcTarget[a] = to;
            _arcCost[a] = c;
            _arcEdge[a] = edge;
        }
        _grid = new EdgeGrid(this);
    }

    /// <summary>Loads walk_edges. An empty table gives an empty graph (callers decide whether to retry later).</summary>
    public static async Task<WalkingGraph> LoadAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        var ids = new List<long>(); var src = new List<long>(); var dst = new List<long>();
        var cost = new List<double>(); var rev = new List<double>(); var len = new List<double>();
        var offsets = new List<int> { 0 }; var coords = new List<double>();
        var names = new List<string?>(); var distinct = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var cmd = dataSource.CreateCommand("SELECT id, source, target, cost, reverse_cost, length_m, geom, name FROM walk_edges ORDER BY id");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            ids.Add(r.GetInt64(0)); src.Add(r.GetInt64(1)); dst.Add(r.GetInt64(2));
            cost.Add(r.GetDouble(3)); rev.Add(r.GetDouble(4)); len.Add(r.GetDouble(5));
            foreach (var c in r.GetFieldValue<LineString>(6).Coordinates)
            {
                coords.Add(c.X);
                coords.Add(c.Y);
            }
            offsets.Add(coords.Count);
            if (r.IsDBNull(7)) names.Add(null);
            else
            {
                var n = r.GetString(7);
                names.Add(distinct.TryGetValue(n, out var same) ? same : distinct[n] = n);
            }
        }
        return new WalkingGraph([.. ids], [.. src], [.. dst], [.. cost], [.. rev], [.. len], [.. offsets], [.. coords],
            distinct.Count > 0 ? [.. names] : null);
    }

    public long NodeId(int node) => _nodeIds[node];
    public bool TryGetNode(long id, out int node) => _nodeIndex.TryGetValue(id, out node);
    public long EdgeId(int edge) => _edgeIds[edge];
    public int EdgeSource(int edge) => _edgeSource[edge];
    public int EdgeTarget(int edge) => _edgeTarget[edge];
    public double EdgeCost(int edge) => _edgeCost[edge];
    public double EdgeReverseCost(int edge) => _edgeReverseCost[edge];
    public double EdgeLength(int edge) => _edgeLength[edge];
    /// <summary>The edge's street name, null where the network has none.</summary>
    public string? EdgeName(int edge) => _edgeName?[edge];
    public ReadOnlySpan<double> EdgeLonLat(int edge) => _lonLat.AsSpan(_geomOffsets[edge], _geomOffsets[edge + 1] - _geomOffsets[edge]);

    /// <summary>Bytes held by the graph's arrays (the node-id dictionary estimated at 24 bytes an entry).</summary>
    public long MemoryBytes =>
        _nodeIds.Length * 8L + _nodeIndex.Count * 24L + _offsets.Length * 4L
        + _arcTarget.Length * (4L + 8 + 4)
        + _edgeIds.Length * (8L + 4 + 4 + 8 + 8 + 8) + _geomOffsets.Length * 4L + _lonLat.Length * 8L + (_edgeName?.Length ?? 0) * 8L
        + _grid.MemoryBytes;

    /// <summary>Shortest walking cost from one node to every node within <paramref name="cutoff"/>.</summary>
    public Reach ReachFrom(int node, double cutoff) => Run([(node, 0.0)], cutoff);

    /// <summary>Shortest walking cost from several seeds with initial costs (a snapped origin seeds both
    /// ends of its edge) to every node within <paramref name="cutoff"/> (inclusive, like pgRouting).</summary>
    public Reach Run(ReadOnlySpan<(int Node, double Cost)> seeds, double cutoff)
    {
        if (!_workspaces.TryTake(out var ws)) ws = new DijkstraWorkspace(NodeCount, EdgeCount);
        ws.Begin();
        foreach (var (n, c) in seeds)
        {
            if (c <= cutoff) ws.Improve(n, c);
        }
        while (ws.TryPop(out var u, out var du))
        {
            ws.Settle(u, du);
            for (var a = _offsets[u]; a < _offsets[u + 1]; a++)
            {
                var nd = du + _arcCost[a];
                if (nd <= cutoff) ws.Improve(_arcTarget[a], nd);
            }
        }
        return new Reach(this, ws);
    }

    /// <summary>Position of a node, read off the end of one of its edges.</summary>
    public (double Lon, double Lat) NodeLonLat(int node)
    {
        if (_offsets[node] == _offsets[node + 1]) throw new InvalidOperationException($"node {_nodeIds[node]} has no walkable edge");
        var e = _arcEdge[_offsets[node]];
        var pts = EdgeLonLat(e);
        return _edgeSource[e] == node ? (pts[0], pts[1]) : (pts[^2], pts[^1]);
    }

    /// <summary>Edges leaving or entering node u (each once per arc: a two-way edge appears once).</summary>
    public IEnumerable<int> EdgesOf(int u)
    {
        for (var a = _offsets[u]; a < _offsets[u + 1]; a++) yield return _arcEdge[a];
    }

    private WalkingGraph? _reversed;

    /// <summary>The graph with every arc turned round (cost and reverse_cost swapped, same node and edge
    /// indices): a search on it from destinations gives each node its walking cost *to* them. A symmetric
    /// network (the writers make every edge two-way at one cost) is its own reverse and costs nothing.</summary>
    public WalkingGraph Reversed()
    {
        if (_reversed is { } r) return r;
        var symmetric = true;
        for (var k = 0; k < _edgeCost.Length && symmetric; k++) symmetric = _edgeCost[k] == _edgeReverseCost[k];
        r = symmetric ? this : new WalkingGraph(_edgeIds, [.. _edgeSource.Select(i => _nodeIds[i])], [.. _edgeTarget.Select(i => _nodeIds[i])],
            _edgeReverseCost, _edgeCost, _edgeLength, _geomOffsets, _lonLat, _edgeName);
        return Interlocked.CompareExchange(ref _reversed, r, null) ?? r;
    }

    internal void Return(DijkstraWorkspace ws) => _workspaces.Add(ws);
}
