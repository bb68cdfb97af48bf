using System.Text.Json;
using System.Text.Json.Serialization;

namespace Geo.Api.Ogc;

// The OGC API – Features and GeoJSON documents as types: the landing page, conformance and collection
// metadata are serialised from these, and the GeoJSON responses (streamed as text from PostGIS) are described
// by them in the OpenAPI document. Member names are the standards' own (camelCase), hence the attributes.

public sealed record OgcLanding(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("links")] IReadOnlyList<Link> Links);

public sealed record OgcConformance([property: JsonPropertyName("conformsTo")] IReadOnlyList<string> ConformsTo);

public sealed record OgcSpatialExtent([property: JsonPropertyName("bbox")] double[][] Bbox, [property: JsonPropertyName("crs")] string Crs);

public sealed record OgcTemporalExtent([property: JsonPropertyName("interval")] string?[][] Interval, [property: JsonPropertyName("trs")] string Trs);

public sealed record OgcExtent([property: JsonPropertyName("spatial")] OgcSpatialExtent Spatial, [property: JsonPropertyName("temporal")] OgcTemporalExtent Temporal);

public sealed record OgcCollectionInfo(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("itemType")] string ItemType,
    [property: JsonPropertyName("extent")] OgcExtent Extent,
    [property: JsonPropertyName("crs")] IReadOnlyList<string> Crs,
    [property: JsonPropertyName("storageCrs")] string StorageCrs,
    [property: JsonPropertyName("links")] IReadOnlyList<Link> Links);

public sealed record OgcCollectionList(
    [property: JsonPropertyName("links")] IReadOnlyList<Link> Links,
    [property: JsonPropertyName("collections")] IReadOnlyList<OgcCollectionInfo> Collections,
    [property: JsonPropertyName("crs")] IReadOnlyList<string> Crs);

/// <summary>A GeoJSON Feature as Geo writes it: numeric id, geometry (null allowed), properties.</summary>
public sealed record GeoJsonFeature(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("geometry")] JsonElement? Geometry,
    [property: JsonPropertyName("properties")] Dictionary<string, JsonElement> Properties);

/// <summary>A GeoJSON FeatureCollection with the OGC API paging members (numberMatched only when known, links
/// on paged responses).</summary>
public sealed record GeoJsonFeatureCollection(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("features")] IReadOnlyList<GeoJsonFeature> Features,
    [property: JsonPropertyName("numberReturned")] int NumberReturned,
    [property: JsonPropertyName("numberMatched")] long? NumberMatched,
    [property: JsonPropertyName("timeStamp")] DateTimeOffset? TimeStamp,
    [property: JsonPropertyName("links")] IReadOnlyList<Link>? Links);
