namespace Geo.Core.Walking;

/// <summary>Metric helpers on the WGS84 ellipsoid for short distances (street segments, walking legs).
/// Local radii of curvature (meridional M, prime vertical N) make a segment of a few hundred metres
/// accurate to well under a millimetre against the geodesic, without depending on a CRS library.</summary>
public static class Geodesy
{
    private const double A = 6378137.0;
    private const double E2 = 6.69437999014e-3;
    private const double DegToRad = Math.PI / 180.0;

    /// <summary>Metres per degree of longitude and latitude at <paramref name="lat"/>.</summary>
    public static (double PerLon, double PerLat) MetresPerDegree(double lat)
    {
        var s = Math.Sin(lat * DegToRad);
        var w = Math.Sqrt(1 - E2 * s * s);
        var n = A / w;
        var m = A * (1 - E2) / (w * w * w);
        return (n * Math.Cos(lat * DegToRad) * DegToRad, m * DegToRad);
    }

    /// <summary>Distance in metres between two nearby lon/lat points.</summary>
    public static double Distance(double lon1, double lat1, double lon2, double lat2)
    {
        var (kx, ky) = MetresPerDegree((lat1 + lat2) / 2);
        var dx = (lon2 - lon1) * kx;
        var dy = (lat2 - lat1) * ky;
        return Math.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>Length in metres of a polyline given as interleaved lon, lat.</summary>
    public static double Length(ReadOnlySpan<double> lonLat)
    {
        double sum = 0;
        for (var i = 2; i + 1 < lonLat.Length; i += 2)
        {
            sum += Distance(lonLat[i - 2], lonLat[i - 1], lonLat[i], lonLat[i + 1]);
        }
        return sum;
    }
}

/// <summary>A local tangent plane (metres east/north of an origin) for geometry work over a few kilometres:
/// buffering isochrone corridors, snapping, generating streets. Error below 0.1% within ~20 km.</summary>
public readonly struct LocalPlane
{
    private readonly double _kx, _ky;

    public LocalPlane(double lon0, double lat0)
    {
        Lon0 = lon0;
        Lat0 = lat0;
        (_kx, _ky) = Geodesy.MetresPerDegree(lat0);
    }

    public double Lon0 { get; }
    public double Lat0 { get; }

    public (double X, double Y) ToXY(double lon, double lat) => ((lon - Lon0) * _kx, (lat - Lat0) * _ky);

    public (double Lon, double Lat) ToLonLat(double x, double y) => (Lon0 + x / _kx, Lat0 + y / _ky);
}
