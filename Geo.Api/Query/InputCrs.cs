using Geo.Api.Http;
using Geo.Core.Common;
using Geo.Core.Crs;
using NetTopologySuite.Geometries;

namespace Geo.Api.Query;

/// <summary>Input coordinates of the /api endpoints: WGS84 lon,lat by default, or the Chinese offset systems
/// phones report (crs=gcj02|bd09), converted to WGS84 at this boundary and never stored.</summary>
public static class InputCrs
{
    public static string Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return SupportedCrs.Crs84;
        if (SupportedCrs.TryParse(value, out var code) && code is SupportedCrs.Crs84 or SupportedCrs.Wgs84 or SupportedCrs.Gcj02 or SupportedCrs.Bd09)
        {
            // /api always reads lon,lat: EPSG:4326 here means "WGS84", not the OGC axis-order contract
            return code == SupportedCrs.Wgs84 ? SupportedCrs.Crs84 : code;
        }
        throw GeoException.BadInput("crs", $"unsupported input crs '{value}'; supported: wgs84 (default), gcj02, bd09");
    }

    public static (double Lon, double Lat) Point(string? lon, string? lat, string crs)
    {
        var x = QueryValues.Double("lon", lon, min: -180, max: 180);
        var y = QueryValues.Double("lat", lat, min: -90, max: 90);
        if (crs == SupportedCrs.Crs84) return (x, y);
        return CrsTransform.Get(crs, SupportedCrs.Crs84).Apply(x, y);
    }

    public static Geometry ToWgs84(Geometry g, string crs)
    {
        if (crs == SupportedCrs.Crs84) return g;
        return CrsTransform.Get(crs, SupportedCrs.Crs84).Apply(g);
    }
}
