using System.Globalization;
using System.Text;

namespace Geo.Bench.Ingest;

/// <summary>Deterministic benchmark points inside Tongzhou's bbox (116.514–116.948 E, 39.592–40.031 N),
/// four asset kinds in turn, written as GeoJSON and CSV. Deliberately tiny and local: the benchmark must
/// not depend on the full synthetic-data generator.</summary>
internal static class PointFiles
{
    public const double West = 116.514, East = 116.948, South = 39.592, North = 40.031;

    public readonly record struct Row(int I, string Kind, double Lon, double Lat)
    {
        public string Id => "P" + I.ToString("D7", CultureInfo.InvariantCulture);
        public string Name => Kind switch { "wifi_hotspot" => "热点", "camera" => "摄像头", "sensor" => "烟感", _ => "超市" } + I.ToString(CultureInfo.InvariantCulture);
        public string Ssid => "TZ-Free-" + (I % 500).ToString(CultureInfo.InvariantCulture);
        public int Heading => I % 360;
        public string Category => (I % 7) switch { 0 => "eat", 1 => "live", 2 => "travel", 3 => "leisure", 4 => "shop", 5 => "entertainment", _ => "health" };
    }

    private static readonly string[] Kinds = ["wifi_hotspot", "camera", "sensor", "shop"];

    public static IEnumerable<Row> Rows(int count, int seed = 20261128)
    {
        var rng = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var lon = Math.Round(West + rng.NextDouble() * (East - West), 6);
            var lat = Math.Round(South + rng.NextDouble() * (North - South), 6);
            yield return new Row(i, Kinds[i % Kinds.Length], lon, lat);
        }
    }

    public static void WriteGeoJson(string path, int count)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        w.Write("{\"type\":\"FeatureCollection\",\"features\":[\n");
        foreach (var r in Rows(count))
        {
            if (r.I > 0) w.Write(",\n");
            w.Write(Inv($"{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{r.Lon},{r.Lat}]}},\"properties\":{{\"id\":\"{r.Id}\",\"kind\":\"{r.Kind}\",\"name\":\"{r.Name}\""));
            w.Write(r.Kind switch
            {
                "wifi_hotspot" => Inv($",\"ssid\":\"{r.Ssid}\",\"coverage_radius_m\":80"),
                "camera" => Inv($",\"camera_type\":\"surveillance\",\"heading_deg\":{r.Heading},\"range_m\":40"),
                "sensor" => ",\"sensor_type\":\"smoke\"",
                _ => Inv($",\"category\":\"{r.Category}\",\"shop_type\":\"supermarket\""),
            });
            w.Write("}}");
        }
        w.Write("\n]}\n");
    }

    public static void WriteCsv(string path, int count)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        w.Write("id,kind,name,lon,lat,ssid,coverage_radius_m,camera_type,heading_deg,range_m,sensor_type,category,shop_type\n");
        foreach (var r in Rows(count))
        {
            w.Write(Inv($"{r.Id},{r.Kind},{r.Name},{r.Lon},{r.Lat},"));
            w.Write(r.Kind switch
            {
                "wifi_hotspot" => Inv($"{r.Ssid},80,,,,,,\n"),
                "camera" => Inv($",,surveillance,{r.Heading},40,,,\n"),
                "sensor" => ",,,,,smoke,,\n",
                _ => Inv($",,,,,,{r.Category},supermarket\n"),
            });
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
