using System.Globalization;
using Geo.Core.Common;
using Geo.Core.Crs;
using NetTopologySuite.Geometries;

namespace Geo.Api.Http;

/// <summary>Parsing of query-string values. Everything arrives as a string and is parsed here, so a
/// non-numeric coordinate is a 400 naming its parameter instead of the framework's anonymous binding failure.</summary>
public static class QueryValues
{
    /// <summary>The largest bbox side accepted, in degrees (about 1000 km): twenty times the district, small
    /// enough that nobody pages a continent through a district service by accident.</summary>
    public const double MaxBboxSpanDeg = 10;

    public static double Double(string parameter, string? value, double? fallback = null, double min = double.MinValue, double max = double.MaxValue)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback ?? throw GeoException.BadInput(parameter, $"'{parameter}' is required");
        }
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
        {
            throw GeoException.BadInput(parameter, $"'{parameter}' must be a number, got '{value}'");
        }
        if (d < min || d > max)
        {
            throw GeoException.BadInput(parameter, $"'{parameter}' must be in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}], got {value}");
        }
        return d;
    }

    /// <summary>The one parser of ids in paths (cases, deliveries, registry records, screens): a positive integer in plain
    /// digits (no sign, no spaces), else a 400 naming <paramref name="parameter"/> and saying what <paramref name="what"/> is.</summary>
    public static long Id(string? value, string what, string parameter = "id") =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v : throw GeoException.BadInput(parameter, $"{what} is a positive integer, got '{value}'");

    public static long Integer(string parameter, string? value, long fallback, long min, long max)
    {
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            throw GeoException.BadInput(parameter, $"'{parameter}' must be an integer, got '{value}'");
        }
        if (n < min || n > max)
        {
            throw GeoException.BadInput(parameter, $"'{parameter}' must be between {min} and {max}, got {n}");
        }
        return n;
    }

    public static bool? Boolean(string parameter, string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw GeoException.BadInput(parameter, $"'{parameter}' must be true or false, got '{value}'"),
    };

    /// <summary>Parses an OGC bbox (4 or 6 numbers) in <paramref name="crsCode"/> into a CRS84 envelope.
    /// North-first EPSG codes (4326 and 4490 lat,lon; 4548 northing,easting) use their official axis order, as
    /// OGC API Part 2 requires; projected boxes (3857, 4548, 32650) are converted to lon/lat.
    /// Antimeridian-crossing boxes (minx &gt; maxx) are rejected: Tongzhou is far from it.</summary>
    public static Envelope Bbox(string? value, string crsCode, string parameter = "bbox")
    {
        var parts = (value ?? "").Split(',');
        if (parts.Length is not (4 or 6))
        {
            throw GeoException.BadInput(parameter, $"'{parameter}' needs 4 (or 6) comma-separated numbers, got {parts.Length}");
        }
        var n = parts.Select(p => Double(parameter, p.Trim())).ToArray();
        double x1, y1, x2, y2;
        if (parts.Length == 4) (x1, y1, x2, y2) = (n[0], n[1], n[2], n[3]);
        else (x1, y1, x2, y2) = (n[0], n[1], n[3], n[4]);
        if (Ogc.OutputCrs.NorthFirst(crsCode)) (x1, y1, x2, y2) = (y1, x1, y2, x2);
        if (x1 > x2 || y1 > y2)
        {
            throw GeoException.BadInput(parameter, $"'{parameter}' is inverted: the lower corner must come first (min <= max on both axes)");
        }
        if (crsCode == SupportedCrs.WebMercator)
        {
            const double limit = 20037508.342789244;
            if (new[] { x1, y1, x2, y2 }.Any(v => Math.Abs(v) > limit))
            {
                throw GeoException.BadInput(parameter, $"'{parameter}' is outside the EPSG:3857 range ±{limit}");
            }
            (x1, y1) = FromWebMercator(x1, y1);
            (x2, y2) = FromWebMercator(x2, y2);
        }
        if (crsCode is SupportedCrs.Cgcs2000Gk117 or SupportedCrs.Utm50N)
        {
            (x1, y1, x2, y2) = ProjectedToLonLat(crsCode, x1, y1, x2, y2, parameter);
        }
        if (x1 < -180 || x2 > 180 || y1 < -90 || y2 > 90)
        {
            throw GeoException.BadInput(parameter, $"'{parameter}' is out of range: longitudes must be in [-180, 180] and latitudes in [-90, 90] (check the axis order of {crsCode})");
        }
        if (x2 - x1 > MaxBboxSpanDeg || y2 - y1 > MaxBboxSpanDeg)
        {
            throw GeoException.BadInput(parameter, $"'{parameter}' is too large: each side may span at most {MaxBboxSpanDeg} degrees");
        }
        return new Envelope(x1, x2, y1, y2);
    }

    /// <summary>The lon/lat envelope of a box in a transverse Mercator CRS: its edges are curves in lon/lat,
    /// so each is sampled at 16 points (sub-metre at district scale).</summary>
    private static (double, double, double, double) ProjectedToLonLat(string crsCode, double x1, double y1, double x2, double y2, string parameter)
    {
        // a transverse Mercator is only meaningful near its central meridian: keep far-off input out of PROJ-style blow-ups
        if (new[] { x1, x2 }.Any(v => v is < -1_000_000 or > 2_000_000) || new[] { y1, y2 }.Any(v => v is < -10_000_000 or > 10_000_000))
        {
            throw GeoException.BadInput(parameter, $"'{parameter}' is outside the valid area of {crsCode} (easting -1e6..2e6, northing ±1e7 m)");
        }
        var t = CrsTransform.Get(crsCode, SupportedCrs.Crs84);
        var env = new Envelope();
        const int n = 16;
        for (var i = 0; i <= n; i++)
        {
            var fx = x1 + (x2 - x1) * i / n;
            var fy = y1 + (y2 - y1) * i / n;
            foreach (var (x, y) in new[] { (fx, y1), (fx, y2), (x1, fy), (x2, fy) })
            {
                var (lon, lat) = t.Apply(x, y);
                env.ExpandToInclude(lon, lat);
            }
        }
        return (env.MinX, env.MinY, env.MaxX, env.MaxY);
    }

    private static (double Lon, double Lat) FromWebMercator(double x, double y)
    {
        const double r = 6378137.0;
        return (x / r * 180 / Math.PI, Math.Atan(Math.Sinh(y / r)) * 180 / Math.PI);
    }

    /// <summary>An OGC datetime: an instant, or an interval "start/end" with ".." (or empty) for an open end.
    /// A bare date means the whole day (UTC). Returns a half-open [from, to) range; null ends are open.</summary>
    public static (DateTimeOffset? From, DateTimeOffset? To) DateTime(string value, string parameter = "datetime")
    {
        var parts = value.Split('/');
        if (parts.Length == 1)
        {
            var (at, isDate) = Instant(parameter, parts[0]);
            return isDate ? (at, at.AddDays(1)) : (at, at.AddMicroseconds(1));
        }
        if (parts.Length != 2)
        {
            throw GeoException.BadInput(parameter, $"'{parameter}' must be an instant or an interval 'start/end', got '{value}'");
        }
        DateTimeOffset? from = IsOpen(parts[0]) ? null : Instant(parameter, parts[0]).At;
        DateTimeOffset? to = null;
        if (!IsOpen(parts[1]))
        {
            var (end, isDate) = Instant(parameter, parts[1]);
            to = isDate ? end.AddDays(1) : end.AddMicroseconds(1);
        }
        if (from is null && to is null)
        {
            throw GeoException.BadInput(parameter, $"'{parameter}' interval must have at least one closed end");
        }
        if (from > to)
        {
            throw GeoException.BadInput(parameter, $"'{parameter}' interval is inverted: start is after end");
        }
        return (from, to);
    }

    private static bool IsOpen(string s) => s is "" or "..";

    private static (DateTimeOffset At, bool IsDate) Instant(string parameter, string s)
    {
        if (s.Length == 10 && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return (new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), true);
        }
        if (s.Contains('T', StringComparison.OrdinalIgnoreCase) &&
            DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return (t, false);
        }
        throw GeoException.BadInput(parameter, $"'{parameter}' has an invalid RFC 3339 instant '{s}' (e.g. 2026-01-31T08:00:00Z or 2026-01-31)");
    }
}
