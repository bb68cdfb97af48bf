namespace Geo.Core.Crs;

/// <summary>The Chinese offset systems that have no EPSG code: GCJ-02 (the state "Mars" obfuscation
/// of WGS84 used by AMap/Tencent/DataV) and BD-09 (Baidu's second obfuscation on top of GCJ-02).
/// All coordinates are (lon, lat) in degrees.</summary>
/// <remarks>
/// Only the forward directions (WGS84→GCJ-02, GCJ-02→BD-09) are defined by the published formulas.
/// The usual one-step inverses found online are approximations that are off by up to ~5e-5° (5 m)
/// for GCJ-02 and ~2e-6° for BD-09, which is visible in round trips, so both inverses here start from
/// that approximation and refine it by fixed-point iteration until the forward formula reproduces the
/// input to ~1e-12°. The offsets change by a few metres per degree, so every step gains two to
/// three digits and 2–4 iterations suffice.
/// </remarks>
public static class ChineseOffsets
{
    // Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula (not WGS84: that is part of the recipe).
    private const double A = 6378245.0;
    private const double Ee = 0.00669342162296594323;

    // BD-09 constant from the published formula (pi * 3000 / 180).
    private const double XPi = Math.PI * 3000.0 / 180.0;

    // Iteration stops once a correction is below 1e-10°: the map contracts by at least 100x per step,
    // so the error left after that correction is below 1e-12° (checked over China in the tests).
    private const double Tolerance = 1e-10;
    private const int MaxIterations = 30;

    /// <summary>The standard out_of_china rule: outside this rough box GCJ-02 (and thus the GCJ-02
    /// part of BD-09) is the identity. It is a box, not the border, exactly as the reference
    /// implementations do it, so we agree with them near Mongolia, Korea and the South China Sea.</summary>
    public static bool OutOfChina(double lon, double lat) =>
        lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;

    public static (double Lon, double Lat) Wgs84ToGcj02(double lon, double lat)
    {
        if (OutOfChina(lon, lat)) return (lon, lat);
        var (dLon, dLat) = Gcj02Delta(lon, lat);
        return (lon + dLon, lat + dLat);
    }

    /// <summary>Exact (iterative) inverse of <see cref="Wgs84ToGcj02"/>.</summary>
    public static (double Lon, double Lat) Gcj02ToWgs84(double lon, double lat)
    {
        if (OutOfChina(lon, lat)) return (lon, lat);
        // Start from the one-step approximation w0 = g - delta(g), then correct by the residual of the
        // forward formula; the map is a strong contraction (|d delta / d x| < 0.01), so this converges.
        var (dLon, dLat) = Gcj02Delta(lon, lat);
        double wLon = lon - dLon, wLat = lat - dLat;
        for (var i = 0; i < MaxIterations; i++)
        {
            (dLon, dLat) = Gcj02Delta(wLon, wLat);
            var rLon = wLon + dLon - lon;
            var rLat = wLat + dLat - lat;
            wLon -= rLon;
            wLat -= rLat;
            if (Math.Abs(rLon) < Tolerance && Math.Abs(rLat) < Tolerance) break;
        }
        return (wLon, wLat);
    }

    public static (double Lon, double Lat) Gcj02ToBd09(double lon, double lat)
    {
        var z = Math.Sqrt(lon * lon + lat * lat) + 0.00002 * Math.Sin(lat * XPi);
        var theta = Math.Atan2(lat, lon) + 0.000003 * Math.Cos(lon * XPi);
        return (z * Math.Cos(theta) + 0.0065, z * Math.Sin(theta) + 0.006);
    }

    /// <summary>Exact (iterative) inverse of <see cref="Gcj02ToBd09"/>; the published one-step
    /// formula is the starting point.</summary>
    public static (double Lon, double Lat) Bd09ToGcj02(double lon, double lat)
    {
        var (gLon, gLat) = Bd09ToGcj02OneStep(lon, lat);
        for (var i = 0; i < MaxIterations; i++)
        {
            var (bLon, bLat) = Gcj02ToBd09(gLon, gLat);
            var rLon = bLon - lon;
            var rLat = bLat - lat;
            gLon -= rLon;
            gLat -= rLat;
            if (Math.Abs(rLon) < Tolerance && Math.Abs(rLat) < Tolerance) break;
        }
        return (gLon, gLat);
    }

    /// <summary>The widely published one-step BD-09→GCJ-02 formula (round trip error up to ~2e-6°).
    /// Kept for comparison with other tools; prefer <see cref="Bd09ToGcj02"/>.</summary>
    public static (double Lon, double Lat) Bd09ToGcj02OneStep(double lon, double lat)
    {
        var x = lon - 0.0065;
        var y = lat - 0.006;
        var z = Math.Sqrt(x * x + y * y) - 0.00002 * Math.Sin(y * XPi);
        var theta = Math.Atan2(y, x) - 0.000003 * Math.Cos(x * XPi);
        return (z * Math.Cos(theta), z * Math.Sin(theta));
    }

    public static (double Lon, double Lat) Wgs84ToBd09(double lon, double lat)
    {
        var (gLon, gLat) = Wgs84ToGcj02(lon, lat);
        return Gcj02ToBd09(gLon, gLat);
    }

    public static (double Lon, double Lat) Bd09ToWgs84(double lon, double lat)
    {
        var (gLon, gLat) = Bd09ToGcj02(lon, lat);
        return Gcj02ToWgs84(gLon, gLat);
    }

    /// <summary>The GCJ-02 offset at a WGS84 point, in degrees: the published polynomial-plus-sines
    /// in metres on the Krasovsky ellipsoid, turned into degrees with its meridian and parallel radii.
    /// The sine term in x shared by both components is computed once (this runs 4–5 times per inverse).</summary>
    private static (double DLon, double DLat) Gcj02Delta(double lon, double lat)
    {
        var x = lon - 105.0;
        var y = lat - 35.0;
        var shared = (20.0 * Math.Sin(6.0 * x * Math.PI) + 20.0 * Math.Sin(2.0 * x * Math.PI)) * 2.0 / 3.0;

        var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.Sqrt(Math.Abs(x)) + shared;
        dLat += (20.0 * Math.Sin(y * Math.PI) + 40.0 * Math.Sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
        dLat += (160.0 * Math.Sin(y / 12.0 * Math.PI) + 320.0 * Math.Sin(y * Math.PI / 30.0)) * 2.0 / 3.0;

        var dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.Sqrt(Math.Abs(x)) + shared;
        dLon += (20.0 * Math.Sin(x * Math.PI) + 40.0 * Math.Sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
        dLon += (150.0 * Math.Sin(x / 12.0 * Math.PI) + 300.0 * Math.Sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;

        var (sinLat, cosLat) = Math.SinCos(lat / 180.0 * Math.PI);
        var magic = 1 - Ee * sinLat * sinLat;
        var sqrtMagic = Math.Sqrt(magic);
        dLat = dLat * 180.0 / (A * (1 - Ee) / (magic * sqrtMagic) * Math.PI);
        dLon = dLon * 180.0 / (A / sqrtMagic * cosLat * Math.PI);
        return (dLon, dLat);
    }
}
