using System.Text.Json;
using Geo.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Geo.Ingest.Importers;

/// <summary>Reads an RFC 7946 geometry object from a reader positioned on its StartObject. Hand-written
/// rather than a serializer converter so that a string among the coordinates becomes a row error with a
/// reason, and so that a million points cost one small allocation each. Coordinates stay in the source
/// CRS; the SRID is set after reprojection.</summary>
internal static class GeoJsonGeometry
{
    /// <summary>A parsed "coordinates" value: a position (IsPosition) or a list of children.</summary>
    private sealed class Node
    {
        public double X, Y;
        public List<Node>? Children;
        public bool IsPosition => Children is null;
    }

    public static Geometry? Read(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null) return null;
        if (r.TokenType != JsonTokenType.StartObject) throw new FormatException("geometry must be an object or null");
        string? type = null;
        Node? coords = null;
        List<Geometry>? members = null;
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            var name = r.GetString();
            r.Read();
            switch (name)
            {
                case "type": type = r.TokenType == JsonTokenType.String ? r.GetString() : throw new FormatException("geometry type must be a string"); break;
                case "coordinates": coords = ReadNode(ref r); break;
                case "geometries":
                    if (r.TokenType != JsonTokenType.StartArray) throw new FormatException("geometries must be an array");
                    members = [];
                    while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                        members.Add(Read(ref r) ?? throw new FormatException("null inside geometries"));
                    break;
                default: r.Skip(); break;
            }
        }
        var f = GeoFactory.Wgs84;
        if (type == "GeometryCollection") return f.CreateGeometryCollection((members ?? []).ToArray());
        if (coords is null) throw new FormatException($"geometry {type ?? "(no type)"} has no coordinates");
        return type switch
        {
            "Point" => f.CreatePoint(Position(coords)),
            "MultiPoint" => f.CreateMultiPoint(List(coords).Select(n => f.CreatePoint(Position(n))).ToArray()),
            "LineString" => f.CreateLineString(Positions(coords)),
            "MultiLineString" => f.CreateMultiLineString(List(coords).Select(n => f.CreateLineString(Positions(n))).ToArray()),
            "Polygon" => Polygon(coords),
            "MultiPolygon" => f.CreateMultiPolygon(List(coords).Select(Polygon).ToArray()),
            null => throw new FormatException("geometry has no type"),
            _ => throw new FormatException($"unknown geometry type '{type}'"),
        };
    }

    private static Polygon Polygon(Node n)
    {
        var rings = List(n).Select(r => GeoFactory.Wgs84.CreateLinearRing(Ring(r))).ToArray();
        if (rings.Length == 0) return GeoFactory.Wgs84.CreatePolygon();
        return GeoFactory.Wgs84.CreatePolygon(rings[0], rings[1..]);
    }

    private static Coordinate[] Ring(Node n)
    {
        var c = Positions(n);
        if (c.Length < 4 || !c[0].Equals2D(c[^1]))
            throw new FormatException("a polygon ring needs at least 4 positions and must be closed");
        return c;
    }

    private static List<Node> List(Node n) => n.Children ?? throw new FormatException("expected an array of positions, got a position");

    private static Coordinate Position(Node n) =>
        n.IsPosition ? new Coordinate(n.X, n.Y) : throw new FormatException("expected a position [x, y]");

    private static Coordinate[] Positions(Node n) => List(n).Select(Position).ToArray();

    private static Node ReadNode(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.StartArray) throw new FormatException($"coordinates must be arrays, got {Describe(ref r)}");
        if (!r.Read()) throw new FormatException("truncated coordinates");
        if (r.TokenType == JsonTokenType.Number || r.TokenType == JsonTokenType.String)
        {
            // a position: [x, y] or [x, y, z]; z is dropped (the column is 2D)
            var node = new Node { X = Number(ref r, "x") };
            if (!r.Read() || r.TokenType == JsonTokenType.EndArray) throw new FormatException("a position needs two numbers [x, y]");
            node.Y = Number(ref r, "y");
            while (r.Read() && r.TokenType != JsonTokenType.EndArray) Number(ref r, "z");
            return node;
        }
        var list = new Node { Children = [] };
        while (r.TokenType != JsonTokenType.EndArray)
        {
            list.Children.Add(ReadNode(ref r));
            if (!r.Read()) throw new FormatException("truncated coordinates");
        }
        return list;
    }

    private static double Number(ref Utf8JsonReader r, string axis)
    {
        if (r.TokenType != JsonTokenType.Number)
            throw new FormatException($"non-numeric coordinate {axis} = {Describe(ref r)}");
        var v = r.GetDouble();
        return double.IsFinite(v) ? v : throw new FormatException($"coordinate {axis} is not finite");
    }

    private static string Describe(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.String => $"\"{r.GetString()}\"",
        JsonTokenType.Number => r.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => r.TokenType.ToString().ToLowerInvariant(),
    };
}
