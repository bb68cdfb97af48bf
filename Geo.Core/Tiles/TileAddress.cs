using NetTopologySuite.Geometries;

namespace Geo.Core.Tiles;

/// <summary>One XYZ tile (Web Mercator, y down from the north, as Leaflet and TileJSON count).</summary>
public readonly record struct TileAddress(int Z, int X, int Y)
{
    public const int MaxZoom = 22;

    public static bool IsValid(int z, int x, int y) =>
        z is >= 0 and <= MaxZoom && x >= 0 && y >= 0 && x < 1 << z && y < 1 << z;

    /// <summary>The tile's bounds in lon/lat, grown by <paramref name="bufferFraction"/> of its width on every side.</summary>
    public Envelope Bounds(double bufferFraction = 0)
    {
        double n = 1 << Z;
        return new Envelope(Lon(X - bufferFraction, n), Lon(X + 1 + bufferFraction, n), Lat(Y + 1 + bufferFraction, n), Lat(Y - bufferFraction, n));
    }

    /// <summary>Every tile at zoom <paramref name="z"/> that <paramref name="e"/> (lon/lat) touches.</summary>
    public static IEnumerable<TileAddress> Covering(Envelope e, int z)
    {
        var (x0, y0) = TileOf(e.MinX, e.MaxY, z);
        var (x1, y1) = TileOf(e.MaxX, e.MinY, z);
        for (var x = x0; x <= x1; x++)
            for (var y = y0; y <= y1; y++)
                yield return new TileAddress(z, x, y);
    }

    public static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var n = 1 << z;
        lat = Math.Clamp(lat, -85.0511, 85.0511);
        var x = (int)Math.Floor((lon + 180) / 360 * n);
        var rad = lat * Math.PI / 180;
        var y = (int)Math.Floor((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n);
        return (Math.Clamp(x, 0, n - 1), Math.Clamp(y, 0, n - 1));
    }

    private static double Lon(double x, double n) => x / n * 360 - 180;

    private static double Lat(double y, double n) => Math.Atan(Math.Sinh(Math.PI * (1 - 2 * y / n))) * 180 / Math.PI;

    public override string ToString() => $"{Z}/{X}/{Y}";
}
