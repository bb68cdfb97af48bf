using System.Globalization;
using System.Text.Json;
using Geo.Core.Spatial;
using NetTopologySuite.Geometries;

namespace Geo.Ingest.Generation;

internal sealed record RealSubdistrict(string Code, string Name, string UnitType);

internal sealed record RealCommunity(string Code, string Name, string UnitType, string ParentCode)
{
    /// <summary>"悟仙观社区居委会" → "悟仙观社区", "大营村委会" → "大营村": short enough for synthetic asset names.</summary>
    public string ShortName { get; } = Shorten(Name);

    private static string Shorten(string name)
    {
        foreach (var (suffix, keep) in new[] { ("村民委员会", ""), ("村委会", "村"), ("社区居民委员会", "社区"), ("社区居委会", "社区"), ("居民委员会", "社区") })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal)) return name[..^suffix.Length] + keep;
        }
        return name;
    }
}

/// <summary>One real shelter place: the geocoding duplicates (same coordinate) collapsed into one.</summary>
internal sealed record RealShelter(string ExternalId, double Lon, double Lat);

/// <summary>The real layers in data/ (see data/README.md for provenance): outline, division codes, shelters.</summary>
internal sealed class RealLayers
{
    public const string DistrictCode = "110112";
    public const string DistrictName = "通州区";

    public required MultiPolygon Outline { get; init; }
    public required IReadOnlyList<RealSubdistrict> Subdistricts { get; init; }
    public required IReadOnlyList<RealCommunity> Communities { get; init; }
    public required IReadOnlyList<RealShelter> Shelters { get; init; }

    public static RealLayers Load(string dataDir)
    {
        var outline = ReadOutline(Path.Combine(dataDir, "boundary", "tongzhou_wgs84.geojson"));
        var streets = ReadCsv(Path.Combine(dataDir, "admin_codes", "tongzhou_streets.csv"))
            .Select(r => new RealSubdistrict(r["code"], r["name"], SubdistrictType(r["name"])))
            .OrderBy(s => s.Code, StringComparer.Ordinal).ToList();
        var communities = ReadCsv(Path.Combine(dataDir, "admin_codes", "tongzhou_communities.csv"))
            .Select(r => new RealCommunity(r["code"], r["name"], CommunityType(r["name"]), r["streetCode"]))
            .OrderBy(c => c.Code, StringComparer.Ordinal).ToList();
        var shelters = ReadShelters(Path.Combine(dataDir, "shelters", "tongzhou_shelters_wgs84.geojson"));
        return new RealLayers { Outline = outline, Subdistricts = streets, Communities = communities, Shelters = shelters };
    }

    /// <summary>data/ is found by walking up from the working directory and from the binaries, so the
    /// CLI (run from the checkout) and the tests (run from bin/) both see the committed files.</summary>
    public static string FindDataDirectory()
    {
        if (Environment.GetEnvironmentVariable("GEO_DATA_DIR") is { Length: > 0 } env) return env;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var candidate = Path.Combine(d.FullName, "data");
                if (File.Exists(Path.Combine(candidate, "boundary", "tongzhou_wgs84.geojson"))) return candidate;
            }
        }
        throw new DirectoryNotFoundException("data/boundary/tongzhou_wgs84.geojson not found above the working directory; set GEO_DATA_DIR");
    }

    public static string SubdistrictType(string name) =>
        name.EndsWith("街道", StringComparison.Ordinal) ? "街道" : name.EndsWith("镇", StringComparison.Ordinal) ? "镇" :
        name.EndsWith("乡", StringComparison.Ordinal) ? "乡" : throw new InvalidDataException($"unknown township type: {name}");

    // 村委会 / 村民委员会 are village committees; everything else in the list is a residents' committee
    // (社区居委会, 居民委员会, 工作站社区, 虚拟社区)
    public static string CommunityType(string name) =>
        name.EndsWith("村委会", StringComparison.Ordinal) || name.EndsWith("村民委员会", StringComparison.Ordinal) ? "村" : "社区";

    private static MultiPolygon ReadOutline(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var geom = doc.RootElement.GetProperty("features")[0].GetProperty("geometry");
        var f = GeoFactory.Wgs84;
        var polygons = geom.GetProperty("coordinates").EnumerateArray().Select(poly =>
        {
            var rings = poly.EnumerateArray().Select(ring => f.CreateLinearRing(
                ring.EnumerateArray().Select(c => new Coordinate(c[0].GetDouble(), c[1].GetDouble())).ToArray())).ToArray();
            return f.CreatePolygon(rings[0], rings[1..]);
        }).ToArray();
        var mp = f.CreateMultiPolygon(polygons);
        if (!mp.IsValid) throw new InvalidDataException($"{path}: the district outline is not a valid polygon");
        return mp;
    }

    private static List<RealShelter> ReadShelters(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var points = doc.RootElement.GetProperty("features").EnumerateArray().Select(ft =>
        {
            var c = ft.GetProperty("geometry").GetProperty("coordinates");
            return (Sid: ft.GetProperty("properties").GetProperty("sid").GetString()!, Lon: c[0].GetDouble(), Lat: c[1].GetDouble());
        });
        // repeats at one coordinate are the same place geocoded twice: keep the smallest sid (bj162 < bj1000 numerically)
        return points.GroupBy(p => (p.Lon, p.Lat))
            .Select(g => g.OrderBy(p => SidNumber(p.Sid)).ThenBy(p => p.Sid, StringComparer.Ordinal).First())
            .OrderBy(p => SidNumber(p.Sid)).ThenBy(p => p.Sid, StringComparer.Ordinal)
            .Select(p => new RealShelter(p.Sid, p.Lon, p.Lat)).ToList();
    }

    private static long SidNumber(string sid) =>
        long.TryParse(new string(sid.Where(char.IsAsciiDigit).ToArray()), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue;

    /// <summary>The two code lists are plain comma-separated files with quoted names and no embedded commas.</summary>
    private static IEnumerable<Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length != header.Length) throw new InvalidDataException($"{path}: unexpected line '{line}'");
            yield return header.Zip(cells).ToDictionary(p => p.First, p => p.Second.Trim('"'));
        }
    }
}
