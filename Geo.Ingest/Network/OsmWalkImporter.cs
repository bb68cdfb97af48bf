using Geo.Core.Walking;
using OsmSharp;
using OsmSharp.Streams;
using OsmSharp.Tags;

namespace Geo.Ingest.Network;

/// <summary>Reads walkable ways from OpenStreetMap (.osm XML or .osm.pbf) and splits them at every node
/// shared by two or more kept ways, so each edge runs intersection to intersection.</summary>
public static class OsmWalkImporter
{
    private static readonly HashSet<string> AlwaysWalkable =
        ["footway", "path", "pedestrian", "steps", "living_street", "residential", "service", "unclassified", "tertiary", "tertiary_link", "track", "cycleway"];

    // Big roads are walkable only where mapped with a sidewalk (or foot=yes/designated).
    private static readonly HashSet<string> WithSidewalkOnly = ["secondary", "secondary_link", "primary", "primary_link"];

    public static WalkNetwork Read(string path)
    {
        using var stream = File.OpenRead(path);
        using OsmStreamSource source = path.EndsWith(".pbf", StringComparison.OrdinalIgnoreCase)
            ? new PBFOsmStreamSource(stream)
            : new XmlOsmStreamSource(stream);
        return Read(source);
    }

    public static WalkNetwork Read(IEnumerable<OsmGeo> source)
    {
        // One pass: OSM files list nodes before ways, so keep every node's position and every kept way.
        var coords = new Dictionary<long, (double Lon, double Lat)>();
        var ways = new List<(long Id, long[] Nodes, string Highway, double Factor, string? Name)>();
        foreach (var g in source)
        {
            switch (g)
            {
                case Node { Id: { } id, Longitude: { } lon, Latitude: { } lat }:
                    coords[id] = (lon, lat);
                    break;
                case Way { Id: { } wid, Nodes: { Length: >= 2 } nodes } w when IsWalkable(w.Tags, out var highway):
                    ways.Add((wid, nodes, highway, highway == "steps" ? 1.5 : 1.0, Name(w.Tags)));
                    break;
            }
        }

        // A node used more than once (by two ways, or twice by one way) is an intersection.
        var uses = new Dictionary<long, int>();
        foreach (var w in ways)
        {
            foreach (var n in w.Nodes) uses[n] = uses.GetValueOrDefault(n) + 1;
        }

        var network = new WalkNetwork { Synthetic = false };
        var ids = new Dictionary<long, long>();
        long Id(long osmNode)
        {
            if (!ids.TryGetValue(osmNode, out var id))
            {
                var (lon, lat) = coords[osmNode];
                ids[osmNode] = id = network.AddNode(lon, lat);
            }
            return id;
        }

        foreach (var w in ways)
        {
            var present = w.Nodes.Where(coords.ContainsKey).ToArray(); // extracts clip ways at the bbox
            var start = 0;
            for (var k = 1; k < present.Length; k++)
            {
                if (k < present.Length - 1 && uses[present[k]] < 2) continue;
                if (k - start >= 1)
                {
                    var line = new double[2 * (k - start + 1)];
                    for (var p = start; p <= k; p++)
                    {
                        (line[2 * (p - start)], line[2 * (p - start) + 1]) = coords[present[p]];
                    }
                    if (present[start] != present[k] || k - start > 1) // drop zero-length self loops
                    {
                        network.AddEdge(Id(present[start]), Id(present[k]), w.Highway, line, w.Factor, w.Id, w.Name);
                    }
                }
                start = k;
            }
        }
        return network;
    }

    /// <summary>The way's street name: <c>name</c>, else <c>name:zh</c> (Chinese extracts carry both, usually equal).</summary>
    public static string? Name(TagsCollectionBase? tags)
    {
        if (tags is null) return null;
        foreach (var key in (string[])["name", "name:zh"])
        {
            if (tags.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v)) return v.Trim();
        }
        return null;
    }

    /// <summary>The rule: walkable highway classes; big roads only with sidewalks; never motorway
    /// or trunk; foot=no and access=private (without an explicit foot permission) exclude a way.</summary>
    public static bool IsWalkable(TagsCollectionBase? tags, out string highway)
    {
        highway = "";
        if (tags is null || !tags.TryGetValue("highway", out var hw) || hw is null) return false;
        highway = hw;
        var foot = tags.TryGetValue("foot", out var f) ? f : null;
        if (foot is "no") return false;
        var footAllowed = foot is "yes" or "designated" or "permissive";
        if (tags.TryGetValue("access", out var access) && access is "private" or "no" && !footAllowed) return false;
        if (hw is "motorway" or "motorway_link" or "trunk" or "trunk_link" or "construction" or "proposed") return false;
        if (AlwaysWalkable.Contains(hw)) return true;
        if (WithSidewalkOnly.Contains(hw))
        {
            var sidewalk = tags.TryGetValue("sidewalk", out var sw) ? sw : null;
            return footAllowed || sidewalk is "both" or "left" or "right" or "yes" or "separate";
        }
        return false;
    }
}
