namespace Geo.Core.Crs;

/// <summary>The CRS codes Geo accepts, their canonical spelling, SRID and OGC URI.</summary>
public static class SupportedCrs
{
    public const string Crs84 = "CRS84";
    public const string Wgs84 = "EPSG:4326";
    public const string Cgcs2000 = "EPSG:4490";
    public const string WebMercator = "EPSG:3857";
    public const string Cgcs2000Gk117 = "EPSG:4548";
    public const string Utm50N = "EPSG:32650";
    public const string Gcj02 = "GCJ02";
    public const string Bd09 = "BD09";

    // Order matters: the empty prefix (a bare number) must come last.
    private static readonly string[] EpsgPrefixes = ["EPSG:", "URN:OGC:DEF:CRS:EPSG::", "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/", ""];

    public static IReadOnlyList<string> All { get; } = [Crs84, Wgs84, Cgcs2000, WebMercator, Cgcs2000Gk117, Utm50N, Gcj02, Bd09];

    /// <summary>Accepts EPSG:n, n, urn:ogc:def:crs:EPSG::n, http://www.opengis.net/def/crs/EPSG/0/n,
    /// CRS84 in its OGC spellings, gcj02/gcj-02, bd09/bd-09. Returns the canonical code.</summary>
    public static bool TryParse(string? input, out string code)
    {
        code = "";
        if (string.IsNullOrWhiteSpace(input)) return false;
        var s = input.Trim().ToUpperInvariant();
        if (s is "CRS84" or "OGC:CRS84" or "URN:OGC:DEF:CRS:OGC:1.3:CRS84" or "HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84" or "WGS84")
        {
            code = Crs84;
            return true;
        }
        if (s is "GCJ02" or "GCJ-02" or "GCJ") { code = Gcj02; return true; }
        if (s is "BD09" or "BD-09" or "BD09LL") { code = Bd09; return true; }
        foreach (var prefix in EpsgPrefixes)
        {
            if (s.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(s.AsSpan(prefix.Length), out var n))
            {
                var c = "EPSG:" + n;
                if (All.Contains(c)) { code = c; return true; }
                return false;
            }
        }
        return false;
    }

    public static string Parse(string input) =>
        TryParse(input, out var c) ? c : throw new ArgumentException($"unsupported CRS '{input}'; supported: {string.Join(", ", All)}", nameof(input));

    public static int Srid(string code) => code switch
    {
        Crs84 or Wgs84 or Gcj02 or Bd09 => 4326,
        _ => int.Parse(code.AsSpan("EPSG:".Length), System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The OGC URI of a CRS for Content-Crs headers and collection metadata (none for GCJ02/BD09).</summary>
    public static string? OgcUri(string code) => code switch
    {
        Crs84 => "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        Gcj02 or Bd09 => null,
        _ => "http://www.opengis.net/def/crs/EPSG/0/" + code["EPSG:".Length..],
    };
}
