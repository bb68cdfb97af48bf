namespace Geo.Core.Walking;

/// <summary>Per-query scratch space for Dijkstra, pooled by the graph: distances and heap positions are
/// validated by a generation stamp, so a query touching 400 nodes does not clear arrays of 140,000.</summary>
internal sealed class DijkstraWorkspace(int nodes, int edges)
{
    private readonly double[] _dist = new double[nodes];
    private readonly int[] _stamp = new int[nodes];
    private readonly int[] _pos = new int[nodes];     // heap position, Settled once final
    private readonly int[] _heap = new int[nodes];    // binary min-heap of nodes keyed by _dist
    private readonly int[] _edgeStamp = new int[edges];
    private readonly int[] _pred = new int[nodes];    // arc by which a node was last improved (-1: a seed); routes only
    private int _heapSize, _generation, _edgeGeneration;
    private const int Settled = -1;

    public readonly List<int> SettledNodes = [];
    public readonly List<double> SettledCosts = [];

    public void Begin()
    {
        if (++_generation == int.MaxValue)
        {
            Array.Clear(_stamp);
            _generation = 1;
        }
        _heapSize = 0;
        SettledNodes.Clear();
        SettledCosts.Clear();
    }

    /// <summary>A fresh mark for "seen this edge" during one pass over the result.</summary>
    public int NextEdgeMark()
    {
        if (++_edgeGeneration == int.MaxValue)
        {
            Array.Clear(_edgeStamp);
            _edgeGeneration = 1;
        }
        return _edgeGeneration;
    }

    public bool MarkEdge(int edge, int mark)
    {
        if (_edgeStamp[edge] == mark) return false;
        _edgeStamp[edge] = mark;
        return true;
    }

    public bool TryGetSettled(int node, out double cost)
    {
        if (_stamp[node] == _generation && _pos[node] == Settled)
        {
            cost = _dist[node];
            return true;
        }
        cost = double.PositiveInfinity;
        return false;
    }

    public void Improve(int v, double d)
    {
        if (_stamp[v] != _generation)
        {
            _stamp[v] = _generation;
            _dist[v] = d;
            _pos[v] = _heapSize;
            _heap[_heapSize++] = v;
            SiftUp(_pos[v]);
        }
        else if (_pos[v] != Settled && d < _dist[v])
        {
            _dist[v] = d;
            SiftUp(_pos[v]);
        }
    }

    /// <summary><see cref="Improve"/> that remembers the arc when it lowers the cost (for a path back to a seed).</summary>
    public void Improve(int v, double d, int arc)
    {
        if (_stamp[v] != _generation || (_pos[v] != Settled && d < _dist[v]))
        {
            Improve(v, d);
            _pred[v] = arc;
        }
    }

    public int Pred(int node) => _pred[node];

    public bool TryPop(out int node, out double cost)
    {
        if (_heapSize == 0)
        {
            node = -1;
            cost = 0;
            return false;
        }
        node = _heap[0];
        cost = _dist[node];
        var last = _heap[--_heapSize];
        if (_heapSize > 0)
        {
            _heap[0] = last;
            _pos[last] = 0;
            SiftDown(0);
        }
        return true;
    }

    public void Settle(int node, double cost)
    {
        _pos[node] = Settled;
        SettledNodes.Add(node);
        SettledCosts.Add(cost);
    }

    private void SiftUp(int i)
    {
        var v = _heap[i];
        var d = _dist[v];
        while (i > 0)
        {
            var p = (i - 1) >> 1;
            var pv = _heap[p];
            if (_dist[pv] <= d) break;
            _heap[i] = pv;
            _pos[pv] = i;
            i = p;
        }
        _heap[i] = v;
        _pos[v] = i;
    }

    private void SiftDown(int i)
    {
        var v = _heap[i];
        var d = _dist[v];
        while (true)
        {
            var c = 2 * i + 1;
            if (c >= _heapSize) break;
            if (c + 1 < _heapSize && _dist[_heap[c + 1]] < _dist[_heap[c]]) c++;
            var cv = _heap[c];
            if (_dist[cv] >= d) break;
            _heap[i] = cv;
            _pos[cv] = i;
            i = c;
        }
        _heap[i] = v;
        _pos[v] = i;
    }
}

/// <summary>The nodes a walk reaches within a cutoff, in settling (non-decreasing cost) order. Holds a
/// pooled workspace until disposed: cost lookups by node are then O(1) without copying.</summary>
public sealed class Reach : IDisposable
{
    private readonly WalkingGraph _graph;
    private DijkstraWorkspace? _ws;

    internal Reach(WalkingGraph graph, DijkstraWorkspace ws)
    {
        _graph = graph;
        _ws = ws;
    }

    private DijkstraWorkspace Ws => _ws ?? throw new ObjectDisposedException(nameof(Reach));

    public WalkingGraph Graph => _graph;
    public int Count => Ws.SettledNodes.Count;
    public int Node(int i) => Ws.SettledNodes[i];
    public double Cost(int i) => Ws.SettledCosts[i];
    public bool TryGetCost(int node, out double cost) => Ws.TryGetSettled(node, out cost);

    internal int NextEdgeMark() => Ws.NextEdgeMark();
    internal bool MarkEdge(int edge, int mark) => Ws.MarkEdge(edge, mark);

    /// <summary>(database node id, cost) pairs: the shape pgr_drivingDistance returns.</summary>
    public IEnumerable<(long NodeId, double Cost)> ByNodeId()
    {
        for (var i = 0; i < Count; i++) yield return (_graph.NodeId(Node(i)), Cost(i));
    }

    public void Dispose()
    {
        if (_ws is { } ws)
        {
            _ws = null;
            _graph.Return(ws);
        }
    }
}
