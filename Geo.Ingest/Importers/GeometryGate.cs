using System.Globalization;
using Geo.Core.Crs;
using Geo.Core.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Valid;

namespace Geo.Ingest.Importers;

/// <summary>Every geometry passes here on its way in: reprojection to EPSG:4326, the district extent and
/// outline, a lat/lon swap check (the most common hand-edited-CSV mistake, never fixed silently), and
/// validity: invalid polygons are rejected, or repaired with MakeValid and a warning when asked.</summary>
public sealed class GeometryGate(CrsTransform? transform, RegionIndex regions, bool repair)
{
    public static CrsTransform? TransformFor(string crs)
    {
        var from = SupportedCrs.Parse(crs);
        // CRS84 and EPSG:4326 are one datum; Geo keeps lon/lat axis order everywhere, so neither needs work
        if (from is SupportedCrs.Crs84 or SupportedCrs.Wgs84) return null;
        return CrsTransform.Get(from, SupportedCrs.Wgs84);
    }

    /// <summary>The geometry to store (SRID 4326), or why not; <paramref name="warning"/> is set after a repair.</summary>
    public (Geometry? Geometry, string? Error) Check(Geometry source, out string? warning)
    {
        warning = null;
        var g = transform is null ? source : transform.Apply(source);
        g.SRID = GeoFactory.Srid;
        var env = g.EnvelopeInternal;
        if (!GeoFactory.DistrictExtent.Covers(env))
        {
            var c = source.Coordinate;
            if (source is Point && SwappedInside(c))
                return (null, $"lat/lon swapped? ({Fmt(c.X)}, {Fmt(c.Y)}) is outside Tongzhou but ({Fmt(c.Y)}, {Fmt(c.X)}) is inside: columns or coordinates are in lat, lon order");
            return (null, $"outside the district extent (116.40–117.06 E, 39.48–40.14 N): ({Fmt(g.Coordinate.X)}, {Fmt(g.Coordinate.Y)})");
        }
        if (g is not Point)
        {
            var invalid = new IsValidOp(g).ValidationError;
            if (invalid is not null)
            {
                var where = $"{invalid.Message} at ({Fmt(invalid.Coordinate?.X ?? double.NaN)}, {Fmt(invalid.Coordinate?.Y ?? double.NaN)})";
                if (!repair) return (null, $"invalid geometry: {where} (use --repair to fix it with MakeValid)");
                g = GeometryFixer.Fix(g);
                g.SRID = GeoFactory.Srid;
                if (g.IsEmpty) return (null, $"invalid geometry: {where}; MakeValid left nothing");
                warning = $"invalid geometry repaired with MakeValid ({where}); now a {g.GeometryType}";
            }
        }
        if (!regions.InsideDistrict(g))
            return (null, $"outside the Tongzhou district outline: ({Fmt(g.Coordinate.X)}, {Fmt(g.Coordinate.Y)})");
        return (g, null);
    }

    private bool SwappedInside(Coordinate c)
    {
        try
        {
            var (x, y) = transform is null ? (c.Y, c.X) : transform.Apply(c.Y, c.X);
            return GeoFactory.DistrictExtent.Contains(x, y);
        }
        catch (Exception e) when (e is ArgumentException or ArithmeticException)
        {
            return false;
        }
    }

    private static string Fmt(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
