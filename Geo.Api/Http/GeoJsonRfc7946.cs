using Geo.Core.Spatial;
using NetTopologySuite.IO.Converters;

namespace Geo.Api.Http;

/// <summary>RFC 7946 §3.1.6: exterior rings counterclockwise, holes clockwise. Geometries serialised in C# get it
/// from this converter; the ones PostgreSQL writes get ST_ForcePolygonCCW (<see cref="Ogc.OutputCrs.GeoJsonSql"/>).</summary>
public static class GeoJsonRfc7946
{
    public static GeoJsonConverterFactory Converter() =>
        new(GeoFactory.Wgs84, false, GeoJsonConverterFactory.DefaultIdPropertyName, RingOrientationOption.EnforceRfc9746);
}
