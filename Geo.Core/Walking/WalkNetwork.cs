namespace Geo.Core.Walking;

/// <summary>One street segment between two intersections (or an intersection and a dead end), as the
/// generator and the OSM importer produce it. <see cref="LonLat"/> is the polyline, interleaved lon, lat,
/// running from <see cref="Source"/> to <see cref="Target"/>.
/// <see cref="Name"/> is the street's name (OSM's <c>name</c> tag, or a synthetic name), null where it has none.</summary>
public readonly record struct WalkEdgeRow(long Source, long Target, double LengthM, double CostFactor, string Highway, long? OsmWayId, double[] LonLat,
    string? Name = null);

/// <summary>A walking network under construction: node ids are 1-based positions in <see cref="NodeLonLat"/>,
/// edge ids 1-based positions in <see cref="Edges"/>. Both tables are replaced from it in one transaction.</summary>
public sealed class WalkNetwork
{
    /// <summary>Reference walking speed behind <c>cost_s</c>: the adult profile.</summary>
    public const double ReferenceSpeedMps = WalkingOptions.AdultKmh / 3.6;

    private readonly List<double> _nodes = [];

    public List<WalkEdgeRow> Edges { get; } = [];

    public int NodeCount => _nodes.Count / 2;

    public IReadOnlyList<double> NodeLonLat => _nodes;

    public bool Synthetic { get; init; }

    public long AddNode(double lon, double lat)
    {
        _nodes.Add(lon);
        _nodes.Add(lat);
        return NodeCount;
    }

    public (double Lon, double Lat) Node(long id) => (_nodes[(int)(2 * (id - 1))], _nodes[(int)(2 * (id - 1) + 1)]);

    public void AddEdge(long source, long target, string highway, double[] lonLat, double costFactor = 1.0, long? osmWayId = null, string? name = null) =>
        Edges.Add(new WalkEdgeRow(source, target, Geodesy.Length(lonLat), costFactor, highway, osmWayId, lonLat, string.IsNullOrWhiteSpace(name) ? null : name.Trim()));
}
