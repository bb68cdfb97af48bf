using System.Text.Json.Serialization;

namespace Geo.Web.MapData;

/// <summary>A point in lon/lat (EPSG:4326); the JS module alone turns it into Leaflet's [lat, lng].</summary>
public readonly record struct MapPoint(double Lon, double Lat);

/// <summary>Leaflet path options for a GeoJSON overlay (camelCase on the wire, as Leaflet names them).</summary>
public sealed record OverlayStyle(string ClassName = "overlay", string Color = "#c0392b", string FillColor = "#e74c3c",
    double FillOpacity = 0.35, double Weight = 1);

/// <summary>A labelled marker in a named pin set (site suggestions, cases on the dispatch board).</summary>
public sealed record MapPin(string Id, double Lon, double Lat, string Label, string ClassName, string Colour, string Title);

/// <summary>What the JS module hands back from /api/isochrone: the reachable services by life element, or an error.</summary>
public sealed record IsochroneView(
    [property: JsonPropertyName("services")] Dictionary<string, List<IsochroneService>>? Services,
    [property: JsonPropertyName("error")] string? Error);

public sealed record IsochroneService(
    [property: JsonPropertyName("id")] long Id, [property: JsonPropertyName("kind")] string Kind, [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("element")] string Element, [property: JsonPropertyName("lon")] double Lon, [property: JsonPropertyName("lat")] double Lat,
    [property: JsonPropertyName("minutes")] double Minutes);
