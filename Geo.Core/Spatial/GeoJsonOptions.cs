using System.Text.Json;
using NetTopologySuite.IO.Converters;

namespace Geo.Core.Spatial;

/// <summary>The GeoJSON serializer options of Geo, in one place: <see cref="Rfc7946"/> for what the API answers and reads
/// (RFC 7946 §3.1.6: exterior rings counterclockwise, holes clockwise; the geometries PostgreSQL writes get
/// ST_ForcePolygonCCW instead) and <see cref="Plain"/> for geometries as NTS holds them (map overlays, choropleth
/// outlines). Both WGS84 (SRID 4326, lon/lat). Options with other settings (snake_case bodies) start from
/// <see cref="With"/>, so the converter is configured here only.</summary>
public static class GeoJsonOptions
{
    public static JsonSerializerOptions Rfc7946 { get; } = Frozen(new JsonSerializerOptions { Converters = { Rfc7946Converter() } });

    public static JsonSerializerOptions Plain { get; } = Frozen(new JsonSerializerOptions { Converters = { PlainConverter() } });

    public static GeoJsonConverterFactory Rfc7946Converter() =>
        new(GeoFactory.Wgs84, false, GeoJsonConverterFactory.DefaultIdPropertyName, RingOrientationOption.EnforceRfc9746);

    public static GeoJsonConverterFactory PlainConverter() => new(GeoFactory.Wgs84);

    /// <summary>A copy of <paramref name="options"/> that also reads and writes geometries as GeoJSON.</summary>
    public static JsonSerializerOptions With(JsonSerializerOptions options, bool rfc7946 = true)
    {
        var o = new JsonSerializerOptions(options);
        o.Converters.Add(rfc7946 ? Rfc7946Converter() : PlainConverter());
        return Frozen(o);
    }

    private static JsonSerializerOptions Frozen(JsonSerializerOptions o)
    {
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
