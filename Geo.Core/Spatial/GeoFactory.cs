using NetTopologySuite;
using NetTopologySuite.Geometries;

namespace Geo.Core.Spatial;

/// <summary>The one geometry factory (SRID 4326) every component uses; no geometry is built without an SRID.</summary>
public static class GeoFactory
{
    public const int Srid = 4326;

    /// <summary>Geometry services whose default SRID is 4326 (used by WKT/WKB readers too).</summary>
    public static NtsGeometryServices Services { get; } = new(NetTopologySuite.Geometries.Implementation.CoordinateArraySequenceFactory.Instance, new PrecisionModel(), Srid);

    public static GeometryFactory Wgs84 { get; } = Services.CreateGeometryFactory(Srid);

    /// <summary>Parses WKT into SRID 4326 (the WKT itself carries no SRID).</summary>
    public static Geometry ReadWkt(string wkt)
    {
        var g = new NetTopologySuite.IO.WKTReader(Services).Read(wkt);
        g.SRID = Srid;
        return g;
    }

    public static Point Point(double lon, double lat) => Wgs84.CreatePoint(new Coordinate(lon, lat));

    /// <summary>District extent with a margin: geometries outside it are rejected by the database (CHECK)
    /// and by the importers. Tongzhou's bbox is 116.514–116.948 E, 39.592–40.031 N.</summary>
    public static Envelope DistrictExtent { get; } = new(116.40, 117.06, 39.48, 40.14);

    public static MultiPolygon AsMultiPolygon(Geometry g) => g switch
    {
        MultiPolygon mp => mp,
        Polygon p => Wgs84.CreateMultiPolygon([p]),
        GeometryCollection gc => Wgs84.CreateMultiPolygon(gc.Geometries.SelectMany(x => x is Polygon pp ? [pp] : x is MultiPolygon m ? m.Geometries.Cast<Polygon>() : []).ToArray()),
        _ => throw new ArgumentException($"expected a polygon, got {g.GeometryType}"),
    };
}
