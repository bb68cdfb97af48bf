using Geo.Core.Crs;
using Geo.Core.Spatial;
using Microsoft.AspNetCore.Http;

namespace Geo.Api.Ogc;

/// <summary>The JSON documents of OGC API Features: landing page, conformance, collection metadata, queryables.</summary>
public static class OgcDocuments
{
    public static readonly string[] ConformanceClasses =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
        "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
        "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/sorting",
    ];

    public static OgcLanding Landing(HttpRequest r, string openApiUrl, string? docsUrl)
    {
        var root = Links.Root(r) + "/ogc";
        var links = new List<Link>
        {
            new(root, "self", Links.Json, "this document"),
            new(root + "/api", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "the API definition"),
            new(root + "/conformance", "conformance", Links.Json, "conformance classes"),
            new(root + "/collections", "data", Links.Json, "collections"),
        };
        if (docsUrl is not null) links.Add(new(Links.Root(r) + docsUrl, "service-doc", "text/html", "browsable API documentation"));
        _ = openApiUrl;
        return new OgcLanding("Geo: Tongzhou smart-community features",
            "OGC API – Features (Parts 1, 2, 3) over Tongzhou District assets and administrative regions", links);
    }

    public static OgcConformance Conformance() => new(ConformanceClasses);

    public static OgcCollectionList Collections(HttpRequest r, IEnumerable<OgcCollection> collections, IReadOnlyDictionary<string, OgcExtents.Extent> extents)
    {
        var root = Links.Root(r) + "/ogc/collections";
        return new OgcCollectionList([new Link(root, "self", Links.Json, "collections")],
            collections.Select(c => Collection(r, c, extents.TryGetValue(c.Id, out var e) ? e : null)).ToArray(), OutputCrs.Uris.ToArray());
    }

    /// <summary>The extent is the collection's own (<see cref="OgcExtents"/>, cached); an empty collection gets the
    /// district envelope every geometry is constrained to (a CHECK in the database).</summary>
    public static OgcCollectionInfo Collection(HttpRequest r, OgcCollection c, OgcExtents.Extent? extent)
    {
        var self = $"{Links.Root(r)}/ogc/collections/{c.Id}";
        var e = extent?.Bbox ?? GeoFactory.DistrictExtent;
        return new OgcCollectionInfo(c.Id, c.Title, c.Description, "feature",
            new OgcExtent(new OgcSpatialExtent([[e.MinX, e.MinY, e.MaxX, e.MaxY]], SupportedCrs.OgcUri(SupportedCrs.Crs84)!),
                new OgcTemporalExtent([[Instant(extent?.From), Instant(extent?.To)]], "http://www.opengis.net/def/uri/ISO-8601/0/Gregorian")),
            OutputCrs.Uris.ToArray(), SupportedCrs.OgcUri(SupportedCrs.Crs84)!,
            [
                new Link(self, "self", Links.Json, c.Title),
                new Link(self + "/items", "items", Links.GeoJson, "features"),
                new Link(self + "/items?f=csv", "items", "text/csv", "features as CSV"),
                new Link(self + "/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json", "queryables"),
                // the short rel GDAL's OAPIF driver looks for (it finds queryables, and so pushes filters down, only by this name)
                new Link(self + "/queryables", "queryables", "application/schema+json", "queryables"),
            ]);
    }

    private static string? Instant(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    public static object Queryables(HttpRequest r, OgcCollection c) => new Dictionary<string, object>
    {
        ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
        ["$id"] = $"{Links.Root(r)}/ogc/collections/{c.Id}/queryables",
        ["type"] = "object",
        ["title"] = c.Title,
        ["properties"] = c.Queryables.ToDictionary(q => q.Name, Schema),
        ["additionalProperties"] = false,
    };

    private static object Schema(Queryable q)
    {
        var s = new Dictionary<string, object> { ["title"] = q.Title ?? q.Name };
        switch (q.Type)
        {
            case QType.Geometry: s["format"] = "geometry-any"; break;
            case QType.Timestamp: s["type"] = "string"; s["format"] = "date-time"; break;
            case QType.Integer: s["type"] = "integer"; break;
            case QType.Number: s["type"] = "number"; break;
            case QType.Boolean: s["type"] = "boolean"; break;
            default: s["type"] = "string"; break;
        }
        if (q.Enum is { } values) s["enum"] = values;
        return s;
    }
}
