using System.Globalization;
using System.Text;

namespace Geo.Bench.Ingest;

/// <summary>Deterministic shapes for the ingest benchmark beyond points: residential buildings (rotated
/// rectangles, every 4th with a courtyard hole, every 10th a multipolygon of two wings, one of them holed),
/// written as RFC 7946 GeoJSON; and a street grid written as OpenStreetMap XML, the input of
/// <c>./geo network import</c>. Like <see cref="PointFiles"/>, independent of the demo-data generator.</summary>
internal static class ShapeFiles
{
    private const double MetresPerDegLat = 111_320, MetresPerDegLon = 111_320 * 0.7683; // cos 39.8°

    public readonly record struct BuildingStats(int Buildings, int MultiPolygons, int Holes, long Vertices);

    /// <summary>N buildings on a jittered square grid over the bench bbox; each ring closed, exteriors
    /// counterclockwise and holes clockwise (RFC 7946), coordinates rounded to 1e-7° (about 1 cm).</summary>
    public static BuildingStats WriteBuildings(string path, int count, int seed = 20261201)
    {
        var rng = new Random(seed);
        var side = (int)Math.Ceiling(Math.Sqrt(count));
        double cellLon = (PointFiles.East - PointFiles.West) / side, cellLat = (PointFiles.North - PointFiles.South) / side;
        int multis = 0, holes = 0;
        long vertices = 0;
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        w.Write("{\"type\":\"FeatureCollection\",\"features\":[\n");
        for (var i = 0; i < count; i++)
        {
            var cx = PointFiles.West + (i % side + 0.5) * cellLon + (rng.NextDouble() - 0.5) * cellLon * 0.3;
            var cy = PointFiles.South + (i / side + 0.5) * cellLat + (rng.NextDouble() - 0.5) * cellLat * 0.3;
            var angle = rng.NextDouble() * Math.PI;
            var length = 24 + rng.NextDouble() * 36; // metres
            var depth = 12 + rng.NextDouble() * 8;
            var courtyard = i % 4 == 0;
            var twoWings = i % 10 == 5;
            if (i > 0) w.Write(",\n");
            w.Write("{\"type\":\"Feature\",\"geometry\":");
            if (twoWings)
            {
                // two wings side by side along the long axis, 6 m apart; the second has a courtyard
                var half = (length - 6) / 2;
                w.Write("{\"type\":\"MultiPolygon\",\"coordinates\":[");
                vertices += Polygon(w, cx, cy, angle, -(half + 6) / 2, half, depth, hole: false);
                w.Write(',');
                vertices += Polygon(w, cx, cy, angle, (half + 6) / 2, half, depth, hole: true);
                w.Write("]}");
                multis++;
                holes++;
            }
            else
            {
                w.Write("{\"type\":\"Polygon\",\"coordinates\":");
                vertices += Polygon(w, cx, cy, angle, 0, length, depth, courtyard);
                w.Write('}');
                if (courtyard) holes++;
            }
            var households = 12 + i % 60;
            w.Write(Inv($",\"properties\":{{\"id\":\"B{i:D7}\",\"kind\":\"residential_building\",\"name\":\"{i % 97 + 1}号楼\",\"households\":{households},\"residents\":{households * 2 + i % 3},\"floors\":{3 + i % 15}}}}}"));
        }
        w.Write("\n]}\n");
        return new BuildingStats(count, multis, holes, vertices);
    }

    /// <summary>One rectangle (length × depth metres) centred <paramref name="offset"/> metres along the
    /// axis from (cx, cy), rotated by <paramref name="angle"/>; with a courtyard inset 4 m. Returns its vertex count.</summary>
    private static int Polygon(StreamWriter w, double cx, double cy, double angle, double offset, double length, double depth, bool hole)
    {
        w.Write('[');
        Ring(w, cx, cy, angle, offset, length / 2, depth / 2, clockwise: false);
        if (hole)
        {
            w.Write(',');
            Ring(w, cx, cy, angle, offset, length / 2 - 4, depth / 2 - 4, clockwise: true);
        }
        w.Write(']');
        return hole ? 10 : 5;
    }

    private static void Ring(StreamWriter w, double cx, double cy, double angle, double offset, double hx, double hy, bool clockwise)
    {
        (double X, double Y)[] corners = [(-hx, -hy), (hx, -hy), (hx, hy), (-hx, hy)]; // counterclockwise
        if (clockwise) Array.Reverse(corners);
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        w.Write('[');
        for (var k = 0; k <= 4; k++)
        {
            var (x, y) = corners[k % 4];
            x += offset;
            var lon = Math.Round(cx + (x * cos - y * sin) / MetresPerDegLon, 7);
            var lat = Math.Round(cy + (x * sin + y * cos) / MetresPerDegLat, 7);
            if (k > 0) w.Write(',');
            w.Write(Inv($"[{lon},{lat}]"));
        }
        w.Write(']');
    }

    /// <summary>A street grid of <paramref name="side"/> × <paramref name="side"/> intersections about 100 m
    /// apart, as OSM XML: <paramref name="side"/> east–west residential streets and as many north–south
    /// footways, every way running through every intersection on its line. Split at intersections that is
    /// side² nodes and 2·side·(side − 1) edges.</summary>
    public static void WriteStreetGrid(string path, int side)
    {
        const double Spacing = 100;
        double lon0 = 116.60, lat0 = 39.70;
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        w.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\" generator=\"geo-bench\">\n");
        for (var i = 0; i < side; i++)
        {
            for (var j = 0; j < side; j++)
            {
                var lat = Math.Round(lat0 + i * Spacing / MetresPerDegLat, 7);
                var lon = Math.Round(lon0 + j * Spacing / MetresPerDegLon, 7);
                w.Write(Inv($"  <node id=\"{(long)i * side + j + 1}\" version=\"1\" lat=\"{lat}\" lon=\"{lon}\"/>\n"));
            }
        }
        long way = 1;
        for (var i = 0; i < side; i++, way++)
        {
            w.Write(Inv($"  <way id=\"{way}\" version=\"1\">"));
            for (var j = 0; j < side; j++) w.Write(Inv($"<nd ref=\"{(long)i * side + j + 1}\"/>"));
            w.Write(Inv($"<tag k=\"highway\" v=\"residential\"/><tag k=\"name\" v=\"东西{i + 1}街\"/></way>\n"));
        }
        for (var j = 0; j < side; j++, way++)
        {
            w.Write(Inv($"  <way id=\"{way}\" version=\"1\">"));
            for (var i = 0; i < side; i++) w.Write(Inv($"<nd ref=\"{(long)i * side + j + 1}\"/>"));
            w.Write(Inv($"<tag k=\"highway\" v=\"footway\"/><tag k=\"name\" v=\"南北{j + 1}路\"/></way>\n"));
        }
        w.Write("</osm>\n");
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
